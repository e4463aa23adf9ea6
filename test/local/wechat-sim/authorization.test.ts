import { createServer, type Server } from 'node:http';
import { WeChatMessageCrypto } from '../../../functions/lib/wechat/crypto';
import { generateCredentials } from '../../../local/settings';
import { WeChatSimulator } from '../../../local/wechat-sim/server';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ReceivedPush {
  query: URLSearchParams;
  xml: string;
  field: (name: string) => string | undefined;
}

/**
 * The authorization flow as WeChat runs it: pre_auth_code → owner confirms → redirect and push →
 * api_query_auth → refresh tokens; and the merchant's later revocations and permission changes.
 */
describe('WeChat simulator: authorization', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
  let sim: WeChatSimulator;
  let now: number;
  let componentToken: string;
  let platform: Server;
  let pushes: ReceivedPush[];

  /** The platform's authorization event URL: verifies, decrypts and keeps every push. */
  beforeAll(async () => {
    platform = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const query = new URL(req.url ?? '/', 'http://platform').searchParams;
        const encrypt = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(body)?.[1] ?? '';
        const xml = crypto.verifyAndDecrypt({ msgSignature: query.get('msg_signature') ?? '', timestamp: query.get('timestamp') ?? '', nonce: query.get('nonce') ?? '', encrypt });
        pushes.push({ query, xml, field: (name) => new RegExp(`<${name}>(?:<!\\[CDATA\\[(.*?)\\]\\]>|([^<]*))</${name}>`).exec(xml)?.slice(1).find((v) => v !== undefined) });
        res.end('success');
      });
    });
    await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => platform.close(() => r())));

  beforeEach(async () => {
    now = Date.UTC(2025, 0, 15, 8, 0, 0);
    pushes = [];
    sim = new WeChatSimulator({ component, accessTokenTtlSeconds: 60, authCodeTtlSeconds: 300, preAuthCodeTtlSeconds: 120 });
    sim.state.now = () => now;
    await sim.start();
    sim.setComponentEventsUrl(`http://127.0.0.1:${(platform.address() as { port: number }).port}/wechat/component/events`);
    componentToken = sim.state.issueComponentToken().token;
  });
  afterEach(() => sim.stop());

  /** `token: null` sends no component_access_token at all. */
  const api = (name: string, body: Json, token: string | null = componentToken) =>
    fetch(`${sim.url}/cgi-bin/component/${name}${token === null ? '' : `?component_access_token=${encodeURIComponent(token)}`}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }).then((r) => r.json() as Promise<Json>);
  const simPost = (path: string, body: Json = {}) =>
    fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const preAuthCode = async () => (await api('api_create_preauthcode', { component_appid: component.appId })).pre_auth_code as string;
  const scan = (query: Record<string, string>) => fetch(`${sim.url}/sim/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
  const queryAuth = (code: string) => api('api_query_auth', { component_appid: component.appId, authorization_code: code });
  const refresh = (appId: string, refreshToken: string) =>
    api('api_authorizer_token', { component_appid: component.appId, authorizer_appid: appId, authorizer_refresh_token: refreshToken });
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const APPID = 'wx0123456789abcdef';

  describe('pre_auth_code and the confirm page', () => {
    it('issues a pre_auth_code without errcode', async () => {
      const answer = await api('api_create_preauthcode', { component_appid: component.appId });
      expect(answer).toEqual({ pre_auth_code: expect.stringMatching(/^preauthcode@@@/), expires_in: 120 });
    });

    it('accepts a pre_auth_code once', async () => {
      const code = await preAuthCode();
      expect((await scan({ pre_auth_code: code, redirect_uri: 'https://p.example/cb' })).status).toBe(302);
      const again = await scan({ pre_auth_code: code, redirect_uri: 'https://p.example/cb' });
      expect(again.status).toBe(400);
      expect(again.headers.get('content-type')).toMatch(/text\/html/);
      expect(await again.text()).toMatch(/pre_auth_code is used/);
    });

    it('refuses an expired or unknown pre_auth_code with an error page', async () => {
      const code = await preAuthCode();
      now += 121_000;
      const expired = await scan({ pre_auth_code: code, redirect_uri: 'https://p.example/cb' });
      expect(expired.status).toBe(400);
      expect(await expired.text()).toMatch(/pre_auth_code is expired/);
      const unknown = await scan({ pre_auth_code: 'preauthcode@@@forged', redirect_uri: 'https://p.example/cb' });
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toMatch(/pre_auth_code is invalid/);
      expect(sim.authorizers).toHaveLength(0);
    });

    it('redirects with auth_code and expires_in, and pushes a matching `authorized` event', async () => {
      const code = await preAuthCode();
      const answer = await scan({ pre_auth_code: code, redirect_uri: 'https://p.example/cb?state=abc', appid: APPID, func_info: '1,17,18' });
      expect(answer.status).toBe(302);
      const location = new URL(answer.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe('https://p.example/cb');
      expect(location.searchParams.get('state')).toBe('abc');
      expect(location.searchParams.get('expires_in')).toBe('300');
      const authCode = location.searchParams.get('auth_code')!;
      expect(authCode).toMatch(/^queryauthcode@@@/);

      expect(pushes).toHaveLength(1);
      const push = pushes[0]!;
      expect(push.query.get('encrypt_type')).toBe('aes');
      expect(push.field('AppId')).toBe(component.appId);
      expect(push.field('CreateTime')).toBe(String(seconds(now)));
      expect(push.field('InfoType')).toBe('authorized');
      expect(push.field('AuthorizerAppid')).toBe(APPID);
      expect(push.field('AuthorizationCode')).toBe(authCode);
      expect(push.field('AuthorizationCodeExpiredTime')).toBe(String(seconds(now) + 300));
      expect(push.field('PreAuthCode')).toBe(code);
      expect(sim.authorizationPushes.map((p) => p.result.status)).toEqual([200]);

      expect((await queryAuth(authCode)).authorization_info).toMatchObject({ authorizer_appid: APPID, func_info: [1, 17, 18].map((id) => ({ funcscope_category: { id } })) });
    });

    it('starts the query with ? when the redirect_uri has none, and creates a wx appid when none is given', async () => {
      const answer = await scan({ pre_auth_code: await preAuthCode(), redirect_uri: 'https://p.example/cb' });
      expect(answer.headers.get('location')).toMatch(/^https:\/\/p\.example\/cb\?auth_code=queryauthcode%40%40%40[\w-]+&expires_in=300$/);
      expect(sim.authorizers).toEqual([expect.objectContaining({ appId: expect.stringMatching(/^wx[0-9a-f]{16}$/), status: 'authorized' })]);
      expect(pushes[0]!.field('AuthorizerAppid')).toBe(sim.authorizers[0]!.appId);
    });

    it('answers POST /sim/authorize with JSON, and push:false sends no push', async () => {
      const response = await simPost('/sim/authorize', { pre_auth_code: await preAuthCode(), redirect_uri: 'https://p.example/cb', appid: APPID, func_info: [17], push: false });
      expect(response.status).toBe(200);
      const answer = (await response.json()) as Json;
      expect(answer).toMatchObject({ appId: APPID, authCode: expect.stringMatching(/^queryauthcode@@@/), expiresIn: 300 });
      expect(answer.location).toBe(`https://p.example/cb?auth_code=${encodeURIComponent(answer.authCode)}&expires_in=300`);
      await new Promise((r) => setTimeout(r, 50));
      expect(pushes).toHaveLength(0);
      expect((await queryAuth(answer.authCode)).authorization_info.authorizer_appid).toBe(APPID);
    });

    it('creates the pre_auth_code itself when the in-process caller gives none', async () => {
      const result = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID });
      expect(result).toMatchObject({ appId: APPID, infoType: 'authorized', push: { status: 200, body: 'success' } });
      expect(pushes[0]!.field('PreAuthCode')).toMatch(/^preauthcode@@@/);
    });
  });

  describe('re-authorization', () => {
    it('pushes `updateauthorized` and kills the old refresh token at once', async () => {
      const first = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID });
      const oldRefresh = (await queryAuth(first.authCode)).authorization_info.authorizer_refresh_token as string;

      const second = await scan({ pre_auth_code: await preAuthCode(), redirect_uri: 'https://p.example/cb', appid: APPID, func_info: '17,18' });
      expect(second.status).toBe(302);
      expect(pushes.map((p) => p.field('InfoType'))).toEqual(['authorized', 'updateauthorized']);
      expect(pushes[1]!.field('AuthorizerAppid')).toBe(APPID);

      expect(await refresh(APPID, oldRefresh)).toMatchObject({ errcode: 61023 });
      const info = (await queryAuth(new URL(second.headers.get('location')!).searchParams.get('auth_code')!)).authorization_info;
      expect(info.authorizer_refresh_token).not.toBe(oldRefresh);
      expect(info.func_info).toEqual([{ funcscope_category: { id: 17 } }, { funcscope_category: { id: 18 } }]);
      expect(await refresh(APPID, info.authorizer_refresh_token)).toHaveProperty('authorizer_access_token');
      expect(sim.authorizers).toHaveLength(1);
    });
  });

  describe('api_query_auth', () => {
    it('exchanges a code once for a fresh access token and the current refresh token', async () => {
      const { authCode } = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID, funcInfo: [18, 19] });
      const answer = await queryAuth(authCode);
      expect(answer).toEqual({
        authorization_info: {
          authorizer_appid: APPID,
          authorizer_access_token: expect.any(String),
          expires_in: 60,
          authorizer_refresh_token: sim.authorizers[0]!.refreshToken,
          func_info: [{ funcscope_category: { id: 18 } }, { funcscope_category: { id: 19 } }],
        },
      });
      expect(sim.state.checkAuthorizerToken(answer.authorization_info.authorizer_access_token)).toEqual({ errcode: 0, appId: APPID });
      expect(await queryAuth(authCode)).toMatchObject({ errcode: 61010 });
    });

    it('answers an expired or unknown code with 61010', async () => {
      const { authCode } = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID });
      now += 301_000;
      componentToken = sim.state.issueComponentToken().token; // the old one lived 60 s
      expect(await queryAuth(authCode)).toMatchObject({ errcode: 61010 });
      expect(await queryAuth('queryauthcode@@@forged')).toMatchObject({ errcode: 61010 });
      expect(await api('api_query_auth', { component_appid: component.appId })).toMatchObject({ errcode: 61010 });
    });
  });

  describe('api_authorizer_token', () => {
    it('rotates the refresh token: the old one answers 61023, the new one works', async () => {
      const [seeded] = sim.seedAuthorizers(1);
      const first = await refresh(seeded!.appId, seeded!.refreshToken);
      expect(first).toEqual({ authorizer_access_token: expect.any(String), expires_in: 60, authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/) });
      expect(first.authorizer_refresh_token).not.toBe(seeded!.refreshToken);
      expect(await refresh(seeded!.appId, seeded!.refreshToken)).toMatchObject({ errcode: 61023 });
      const second = await refresh(seeded!.appId, first.authorizer_refresh_token);
      expect(second).toHaveProperty('authorizer_access_token');
      expect(second.authorizer_refresh_token).not.toBe(first.authorizer_refresh_token);
      // Access tokens issued earlier stay valid until they expire.
      expect(sim.state.checkAuthorizerToken(first.authorizer_access_token).errcode).toBe(0);
    });

    it('keeps the refresh token when rotation is off', async () => {
      const steady = new WeChatSimulator({ component, rotateRefreshTokens: false });
      await steady.start();
      try {
        const token = steady.state.issueComponentToken().token;
        const [seeded] = steady.seedAuthorizers(1);
        const call = () =>
          fetch(`${steady.url}/cgi-bin/component/api_authorizer_token?component_access_token=${token}`, {
            method: 'POST',
            body: JSON.stringify({ component_appid: component.appId, authorizer_appid: seeded!.appId, authorizer_refresh_token: seeded!.refreshToken }),
          }).then((r) => r.json() as Promise<Json>);
        expect((await call()).authorizer_refresh_token).toBe(seeded!.refreshToken);
        expect((await call()).authorizer_refresh_token).toBe(seeded!.refreshToken);
      } finally {
        await steady.stop();
      }
    });

    it('answers an unknown authorizer with 61003', async () => {
      expect(await refresh('wx9999999999999999', 'refreshtoken@@@x')).toMatchObject({ errcode: 61003, errmsg: expect.stringMatching(/not authorized/) });
    });
  });

  describe('api_get_authorizer_info', () => {
    it('describes the authorizer the way WeChat does', async () => {
      await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID, nickname: '小店', funcInfo: [17, 18] });
      const answer = await api('api_get_authorizer_info', { component_appid: component.appId, authorizer_appid: APPID });
      const emptyNetwork = { RequestDomain: [], WsRequestDomain: [], UploadDomain: [], DownloadDomain: [], BizDomain: [], UDPDomain: [], TCPDomain: [] };
      expect(answer).toEqual({
        authorizer_info: {
          nick_name: '小店',
          head_img: expect.stringMatching(/^http:\/\/wx\.qlogo\.cn\//),
          service_type_info: { id: 0 },
          verify_type_info: { id: 0 },
          user_name: expect.stringMatching(/^gh_[0-9a-f]{12}$/),
          principal_name: expect.any(String),
          signature: expect.any(String),
          alias: '',
          qrcode_url: expect.stringMatching(/^http:\/\//),
          business_info: { open_pay: 0, open_shake: 0, open_scan: 0, open_card: 0, open_store: 0 },
          MiniProgramInfo: { network: emptyNetwork, categories: [{ first: expect.any(String), second: expect.any(String) }], visit_status: 0 },
        },
        authorization_info: {
          authorizer_appid: APPID,
          authorizer_refresh_token: sim.authorizers[0]!.refreshToken,
          func_info: [{ funcscope_category: { id: 17 } }, { funcscope_category: { id: 18 } }],
        },
      });
      expect(await api('api_get_authorizer_info', { component_appid: component.appId, authorizer_appid: 'wx9999999999999999' })).toMatchObject({ errcode: 61003 });
    });
  });

  describe('api_get_authorizer_list', () => {
    const list = (offset: number, count: number) => api('api_get_authorizer_list', { component_appid: component.appId, offset, count });

    it('pages over authorized authorizers in a stable order', async () => {
      const seeded = sim.seedAuthorizers(7);
      await sim.revoke(seeded[2]!.appId);
      const expected = seeded.filter((_, i) => i !== 2).map((s) => ({ authorizer_appid: s.appId, refresh_token: s.refreshToken, auth_time: seconds(now) }));
      const page1 = await list(0, 4);
      const page2 = await list(4, 4);
      expect(page1).toEqual({ total_count: 6, list: expected.slice(0, 4) });
      expect(page2).toEqual({ total_count: 6, list: expected.slice(4) });
      expect(await list(0, 4)).toEqual(page1);
      expect(await list(6, 4)).toEqual({ total_count: 6, list: [] });
    });

    it.each([0, 501, 1.5])('answers count %p with 47001', async (count) => {
      expect(await list(0, count)).toMatchObject({ errcode: 47001 });
    });

    it('shows a refresh token WeChat re-issued, and the old one answers 61023', async () => {
      const [seeded] = sim.seedAuthorizers(1);
      const response = await simPost(`/sim/authorizers/${seeded!.appId}/invalidate-refresh-token`);
      expect(response.status).toBe(200);
      const { refreshToken } = (await response.json()) as Json;
      expect(refreshToken).not.toBe(seeded!.refreshToken);
      expect(await refresh(seeded!.appId, seeded!.refreshToken)).toMatchObject({ errcode: 61023 });
      const listed = (await list(0, 10)).list[0].refresh_token as string;
      expect(listed).toBe(refreshToken);
      expect(await refresh(seeded!.appId, listed)).toHaveProperty('authorizer_access_token');
    });
  });

  describe('merchant actions', () => {
    it('revoke pushes `unauthorized`; the authorizer answers 61003 and its tokens 40001', async () => {
      const { authCode } = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID });
      const info = (await queryAuth(authCode)).authorization_info;
      pushes.length = 0;

      const response = await simPost(`/sim/authorizers/${APPID}/revoke`);
      expect(response.status).toBe(200);
      expect(pushes).toHaveLength(1);
      expect(pushes[0]!.field('InfoType')).toBe('unauthorized');
      expect(pushes[0]!.field('AuthorizerAppid')).toBe(APPID);
      expect(pushes[0]!.field('AppId')).toBe(component.appId);
      expect(pushes[0]!.field('CreateTime')).toBe(String(seconds(now)));
      expect(pushes[0]!.field('AuthorizationCode')).toBeUndefined();

      expect(await refresh(APPID, info.authorizer_refresh_token)).toMatchObject({ errcode: 61003 });
      expect(await api('api_get_authorizer_info', { component_appid: component.appId, authorizer_appid: APPID })).toMatchObject({ errcode: 61003 });
      expect(sim.state.checkAuthorizerToken(info.authorizer_access_token)).toEqual({ errcode: 40001 });
      expect((await api('api_get_authorizer_list', { component_appid: component.appId, offset: 0, count: 10 })).total_count).toBe(0);
      expect((await simPost(`/sim/authorizers/${APPID}/revoke`)).status).toBe(409);
      expect((await simPost('/sim/authorizers/wx9999999999999999/revoke')).status).toBe(404);

      // Authorizing again after a revocation is a new authorization, not an update.
      await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID });
      expect(pushes.map((p) => p.field('InfoType'))).toEqual(['unauthorized', 'authorized']);
      // Tokens from before the revocation do not come back with the new authorization.
      expect(sim.state.checkAuthorizerToken(info.authorizer_access_token)).toEqual({ errcode: 40001 });
    });

    it('checkAuthorizerToken answers 40001 for an authorizer marked revoked, whatever else happened', async () => {
      const [seeded] = sim.seedAuthorizers(1);
      const { token } = sim.state.issueAuthorizerToken(seeded!.appId);
      sim.state.authorizers.get(seeded!.appId)!.status = 'revoked';
      expect(sim.state.checkAuthorizerToken(token)).toEqual({ errcode: 40001 });
    });

    it('a permission change pushes `updateauthorized` with a code carrying the new func_info', async () => {
      const { authCode } = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID, funcInfo: [17] });
      const refreshToken = (await queryAuth(authCode)).authorization_info.authorizer_refresh_token;
      pushes.length = 0;
      const response = await simPost(`/sim/authorizers/${APPID}/permissions`, { func_info: [17, 18, 40] });
      expect(response.status).toBe(200);
      expect(pushes).toHaveLength(1);
      expect(pushes[0]!.field('InfoType')).toBe('updateauthorized');
      expect(pushes[0]!.field('AuthorizerAppid')).toBe(APPID);
      const info = (await queryAuth(pushes[0]!.field('AuthorizationCode')!)).authorization_info;
      expect(info.func_info.map((f: Json) => f.funcscope_category.id)).toEqual([17, 18, 40]);
      expect(info.authorizer_refresh_token).toBe(refreshToken);
      expect((await simPost(`/sim/authorizers/${APPID}/permissions`, { func_info: [] })).status).toBe(400);
    });

    it('invalidate-tokens makes the access tokens answer 40001, and a refresh gives a working one', async () => {
      const [seeded] = sim.seedAuthorizers(1);
      const { authorizer_access_token: token, authorizer_refresh_token: next } = await refresh(seeded!.appId, seeded!.refreshToken);
      expect(sim.state.checkAuthorizerToken(token)).toEqual({ errcode: 0, appId: seeded!.appId });
      expect((await simPost(`/sim/authorizers/${seeded!.appId}/invalidate-tokens`)).status).toBe(200);
      expect(sim.state.checkAuthorizerToken(token)).toEqual({ errcode: 40001 });
      const fresh = (await refresh(seeded!.appId, next)).authorizer_access_token;
      expect(sim.state.checkAuthorizerToken(fresh).errcode).toBe(0);
      now += 61_000;
      expect(sim.state.checkAuthorizerToken(fresh).errcode).toBe(42001);
      expect(sim.state.checkAuthorizerToken(undefined).errcode).toBe(41001);
      expect(sim.state.checkAuthorizerToken('never-issued').errcode).toBe(40001);
    });

    it('lists the authorizers as JSON, revoked ones included', async () => {
      const seeded = sim.seedAuthorizers(3);
      await sim.revoke(seeded[0]!.appId);
      const listed = (await fetch(`${sim.url}/sim/authorizers`).then((r) => r.json())) as Json[];
      expect(listed.map((a) => [a.appId, a.status])).toEqual([
        [seeded[0]!.appId, 'revoked'],
        [seeded[1]!.appId, 'authorized'],
        [seeded[2]!.appId, 'authorized'],
      ]);
      expect(pushes.map((p) => p.field('InfoType'))).toEqual(['unauthorized']);
    });

    it('seeds 10,000 authorizers without pushes', async () => {
      const seeded = sim.seedAuthorizers(10_000);
      expect(new Set(seeded.map((s) => s.appId)).size).toBe(10_000);
      expect((await api('api_get_authorizer_list', { component_appid: component.appId, offset: 9_990, count: 500 })).list).toHaveLength(10);
      expect(pushes).toHaveLength(0);
    });
  });

  describe('component checks', () => {
    const calls: [string, Json][] = [
      ['api_create_preauthcode', {}],
      ['api_query_auth', { authorization_code: 'queryauthcode@@@x' }],
      ['api_authorizer_token', { authorizer_appid: APPID, authorizer_refresh_token: 'x' }],
      ['api_get_authorizer_info', { authorizer_appid: APPID }],
      ['api_get_authorizer_list', { offset: 0, count: 10 }],
    ];

    it.each(calls)('%s checks the component_access_token and component_appid', async (name, fields) => {
      const body = { component_appid: component.appId, ...fields };
      expect(await api(name, body, null)).toMatchObject({ errcode: 41001 });
      expect(await api(name, body, 'forged-token')).toMatchObject({ errcode: 40001 });
      expect(await api(name, { ...body, component_appid: 'wx0000000000000000' })).toMatchObject({ errcode: 40013 });
      expect(await api(name, { ...body, component_appid: undefined })).toMatchObject({ errcode: 40013 });
      now += 61_000;
      expect(await api(name, body)).toMatchObject({ errcode: 42001 });
    });
  });

  describe('server behaviour on the new paths', () => {
    it('adds latencyMs to WeChat answers but not to /sim/ endpoints', async () => {
      const timed = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        await run();
        return performance.now() - started;
      };
      const call = () => api('api_create_preauthcode', { component_appid: component.appId });
      const control = () => fetch(`${sim.url}/sim/authorizers`).then((r) => r.text());
      // The latency is long enough that a call without it stays far below even on two busy
      // cores: the bounds tell "added" from "not added", not how fast the machine is.
      expect(await timed(call)).toBeLessThan(1000);
      sim.latencyMs = 1500;
      expect(sim.state.latencyMs).toBe(1500);
      expect(await timed(call)).toBeGreaterThanOrEqual(1495);
      expect(await timed(control)).toBeLessThan(1000);
      expect((await simPost('/sim/latency', { latencyMs: 0 })).status).toBe(200);
      expect(await timed(call)).toBeLessThan(1000);
    });

    it('takes latencyMs as an option', async () => {
      const slow = new WeChatSimulator({ component, latencyMs: 250 });
      await slow.start();
      try {
        const started = performance.now();
        await fetch(`${slow.url}/cgi-bin/component/api_create_preauthcode`, { method: 'POST', body: '{}' });
        expect(performance.now() - started).toBeGreaterThanOrEqual(245);
      } finally {
        await slow.stop();
      }
    });

    it('serves scripted faults on the new paths and logs their requests', async () => {
      sim.script('/cgi-bin/component/api_query_auth', [{ errcode: -1, errmsg: 'system error' }]);
      sim.script('/sim/authorize', [{ httpStatus: 503 }]);
      const { authCode } = await sim.authorize({ redirectUri: 'https://p.example/cb', appId: APPID });
      expect(await queryAuth(authCode)).toMatchObject({ errcode: -1 });
      expect((await queryAuth(authCode)).authorization_info.authorizer_appid).toBe(APPID);
      const code = await preAuthCode();
      expect((await scan({ pre_auth_code: code, redirect_uri: 'https://p.example/cb' })).status).toBe(503);
      expect((await scan({ pre_auth_code: code, redirect_uri: 'https://p.example/cb' })).status).toBe(302);
      expect(sim.requests.filter((r) => r.path === '/cgi-bin/component/api_query_auth')).toHaveLength(2);
      expect(sim.requests.filter((r) => r.path === '/sim/authorize').map((r) => r.query.pre_auth_code)).toEqual([code, code]);
    });

    it('answers a wrong method on a /sim/ path with 405 and unknown ones with 404', async () => {
      expect((await fetch(`${sim.url}/sim/authorizers/${APPID}/revoke`)).status).toBe(405);
      expect((await simPost('/sim/nothing')).status).toBe(404);
    });
  });
});
