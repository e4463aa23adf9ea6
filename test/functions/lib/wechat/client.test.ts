import { z } from 'zod';
import { WeChatClient, type AccessTokenProvider } from '../../../../functions/lib/wechat/client';
import { WECHAT_API, type WeChatEndpoint } from '../../../../functions/lib/wechat/catalogue';
import { WeChatApiError, WeChatTransportError } from '../../../../functions/lib/wechat/errors';
import { WeChatSimulator } from '../../../../local/wechat-sim/server';
import { generateCredentials } from '../../../../local/settings';

const API = WECHAT_API.componentToken.path;
const TOKEN = WECHAT_API.componentToken;
/** An API outside the catalogue that takes the component token, answered only by scripts. */
const PROBE = { path: '/wxa/probe', method: 'POST', token: { kind: 'component', param: 'component_access_token' }, sends: [], reads: [], errcodes: [], doc: 'https://developers.weixin.qq.com/' } as const satisfies WeChatEndpoint;
const ProbeAnswer = z.object({ ok: z.boolean() });
const probeOk = { json: { errcode: 0, ok: true } };
const Answer = z.object({ component_access_token: z.string(), expires_in: z.number() });

describe('Class: WeChatClient', () => {
  let sim: WeChatSimulator;
  let client: WeChatClient;
  const generated = generateCredentials();
  const component = { appId: generated.componentAppId, appSecret: generated.componentSecret, token: generated.componentToken, aesKey: generated.componentAesKey };

  beforeAll(async () => {
    sim = new WeChatSimulator({ component });
    await sim.start();
    client = new WeChatClient({ baseURL: sim.url, timeoutMs: 300, backoffBaseMs: 5, maxRetries: 3 });
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.requests.splice(0));

  const validBody = () => ({
    component_appid: component.appId,
    component_appsecret: component.appSecret,
    component_verify_ticket: sim.state.issueTicket(),
  });
  const callsTo = (path: string) => sim.requests.filter((r) => r.path === path);

  it('posts JSON to the path and returns the answer validated by the schema', async () => {
    const body = validBody();
    const answer = await client.call(TOKEN, { body, schema: Answer });
    expect(answer.expires_in).toBe(7200);
    expect(callsTo(API)).toEqual([{ method: 'POST', path: API, query: {}, body }]);
  });

  it('maps errcode to WeChatApiError with the errcode and api', async () => {
    const error = await client.call(TOKEN, { body: { ...validBody(), component_appsecret: 'wrong' }, schema: Answer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ errcode: 40125, api: API, statusCode: 502 });
  });

  it('retries -1 (system busy) with backoff until it succeeds', async () => {
    sim.script(API, [{ errcode: -1, errmsg: 'system error' }, { errcode: -1, errmsg: 'system error' }]);
    await expect(client.call(TOKEN, { body: validBody(), schema: Answer })).resolves.toHaveProperty('component_access_token');
    expect(callsTo(API)).toHaveLength(3);
  });

  it('gives up on -1 after maxRetries and reports it', async () => {
    sim.script(API, Array.from({ length: 4 }, () => ({ errcode: -1 })));
    await expect(client.call(TOKEN, { body: validBody(), schema: Answer })).rejects.toMatchObject({ errcode: -1 });
    expect(callsTo(API)).toHaveLength(4);
  });

  it('retries HTTP 5xx but not other HTTP errors', async () => {
    sim.script(API, [{ httpStatus: 502 }]);
    await expect(client.call(TOKEN, { body: validBody(), schema: Answer })).resolves.toBeDefined();
    expect(callsTo(API)).toHaveLength(2);
    sim.requests.splice(0);
    sim.script(API, [{ httpStatus: 404 }]);
    await expect(client.call(TOKEN, { body: validBody(), schema: Answer })).rejects.toBeInstanceOf(WeChatTransportError);
    expect(callsTo(API)).toHaveLength(1);
  });

  it('times out and does not retry a call that may have reached WeChat', async () => {
    sim.script(API, [{ delayMs: 600, errcode: 0 }]);
    const error = await client.call(TOKEN, { body: validBody(), schema: Answer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect(error).toMatchObject({ retryable: false });
    expect(callsTo(API)).toHaveLength(1);
  });

  it('rejects an answer that does not match the schema', async () => {
    sim.script(API, [{ json: { component_access_token: 42 } }]);
    await expect(client.call(TOKEN, { body: validBody(), schema: Answer })).rejects.toThrow(/expected shape/);
  });

  describe('invalid token', () => {
    const provider = (tokens: string[]) => {
      const invalidated: string[] = [];
      let index = 0;
      const p: AccessTokenProvider = {
        kind: 'component',
        getToken: async () => tokens[Math.min(index, tokens.length - 1)]!,
        invalidate: async (stale) => {
          invalidated.push(stale);
          index++;
        },
      };
      return { p, invalidated };
    };

    it.each([40001, 42001, 40014])('on %i drops the stale token, refreshes once and retries once', async (errcode) => {
      sim.script(PROBE.path, [{ errcode }, probeOk]);
      const { p, invalidated } = provider(['old-token', 'new-token']);
      await expect(client.call(PROBE, { body: {}, schema: ProbeAnswer, token: p })).resolves.toEqual({ ok: true });
      expect(invalidated).toEqual(['old-token']);
      expect(callsTo(PROBE.path).map((r) => r.query.component_access_token)).toEqual(['old-token', 'new-token']);
    });

    it('does not loop when the fresh token is rejected too', async () => {
      sim.script(PROBE.path, [{ errcode: 40001 }, { errcode: 40001 }]);
      const { p, invalidated } = provider(['a', 'b', 'c']);
      await expect(client.call(PROBE, { body: {}, schema: ProbeAnswer, token: p })).rejects.toMatchObject({ errcode: 40001 });
      expect(invalidated).toEqual(['a']);
      expect(callsTo(PROBE.path)).toHaveLength(2);
    });

    it('never puts the token into an error message', async () => {
      sim.script(PROBE.path, [{ httpStatus: 404 }]);
      const { p } = provider(['secret-token-value']);
      const error = (await client.call(PROBE, { body: {}, schema: ProbeAnswer, token: p }).catch((e: unknown) => e)) as Error;
      expect(error.message).not.toContain('secret-token-value');
      expect(JSON.stringify(error)).not.toContain('secret-token-value');
    });
  });

  it('sends the token under the query name the catalogue gives, whatever the token kind', async () => {
    const p: AccessTokenProvider = { kind: 'component', getToken: async () => 'component-token', invalidate: async () => undefined };
    const viaAccessToken = { ...PROBE, token: { kind: 'component', param: 'access_token' } } as const satisfies WeChatEndpoint;
    sim.script(PROBE.path, [probeOk, probeOk]);
    await client.call(PROBE, { body: {}, schema: ProbeAnswer, token: p });
    await client.call(viaAccessToken, { body: {}, schema: ProbeAnswer, token: p });
    expect(callsTo(PROBE.path).map((r) => r.query)).toEqual([{ component_access_token: 'component-token' }, { access_token: 'component-token' }]);
  });

  it('refuses, without calling WeChat, a token of another kind than the endpoint takes', async () => {
    const authorizer: AccessTokenProvider = { kind: 'authorizer', getToken: async () => 'authorizer-token', invalidate: async () => undefined };
    await expect(client.call(WECHAT_API.getTemplateList, { schema: z.object({}).loose(), token: authorizer })).rejects.toThrow(/takes the component token, not the authorizer token/);
    await expect(client.call(WECHAT_API.commit, { body: {}, schema: z.object({}).loose() })).rejects.toThrow(/takes the authorizer token, not none/);
    expect(sim.requests).toHaveLength(0);
  });

  it('reports an unreachable WeChat as a retryable transport error', async () => {
    const dead = new WeChatClient({ baseURL: 'http://127.0.0.1:1', timeoutMs: 300, backoffBaseMs: 1, maxRetries: 1 });
    await expect(dead.call(TOKEN, { body: {}, schema: Answer })).rejects.toMatchObject({ retryable: true, code: 'wechat_unavailable' });
  });
});
