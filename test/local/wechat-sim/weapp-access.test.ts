import { WECHAT_ENDPOINTS } from '../../../functions/lib/wechat/catalogue';
import { startWeappSim, type Json, type WeappSim } from './weapp-helpers';

/** Every authorizer API the platform calls, with its method: the catalogue's. */
const AUTHORIZER_APIS: [method: 'GET' | 'POST', path: string][] = WECHAT_ENDPOINTS
  .filter((api) => api.token?.kind === 'authorizer')
  .map((api) => [api.method, api.path]);

/** The checks every authorizer API makes before its own: token, permission set, method, body. */
describe('WeChat simulator: authorizer API access', () => {
  let w: WeappSim;
  let now: number;

  beforeAll(async () => {
    w = await startWeappSim({ accessTokenTtlSeconds: 60 });
    now = Date.now();
    w.sim.state.now = () => now;
  });
  afterAll(() => w.stop());

  const call = (method: string, path: string, token: string | null, body: string | undefined = '{}') =>
    fetch(`${w.sim.url}${path}${token === null ? '' : `?access_token=${encodeURIComponent(token)}`}`, method === 'POST' ? { method, body, headers: { 'content-type': 'application/json' } } : { method }).then(
      (r) => r.json() as Promise<Json>,
    );

  it.each(AUTHORIZER_APIS)('%s %s checks the access token (41001, 40001, 42001)', async (method, path) => {
    expect(await call(method, path, null)).toMatchObject({ errcode: 41001 });
    expect(await call(method, path, 'forged')).toMatchObject({ errcode: 40001 });
    expect(await call(method, path, w.componentToken)).toMatchObject({ errcode: 40001 });
    const { token } = w.sim.state.issueAuthorizerToken(w.appId);
    now += 61_000;
    try {
      expect(await call(method, path, token)).toMatchObject({ errcode: 42001 });
    } finally {
      now -= 61_000;
    }
  });

  it.each(AUTHORIZER_APIS.filter(([, path]) => path !== '/cgi-bin/media/upload'))('%s %s answers 48001 without its permission set', async (method, path) => {
    // Set 1 (messages) grants none of the mini-program management APIs.
    const outsider = w.addAuthorizer({ funcInfo: [1] });
    expect(await call(method, path, outsider.token)).toMatchObject({ errcode: 48001 });
  });

  it.each(AUTHORIZER_APIS)('%s %s answers the other method with 43002', async (method, path) => {
    expect(await call(method === 'GET' ? 'POST' : 'GET', path, w.token)).toMatchObject({ errcode: 43002 });
  });

  // media/upload is multipart; getaccountbasicinfo is a POST with no body on WeChat's page.
  const BODYLESS_POSTS = new Set(['/cgi-bin/media/upload', '/cgi-bin/account/getaccountbasicinfo']);
  it.each(AUTHORIZER_APIS.filter(([method, path]) => method === 'POST' && !BODYLESS_POSTS.has(path)))('POST %s answers an empty or non-object body with 47001', async (_, path) => {
    expect(await call('POST', path, w.token, '')).toMatchObject({ errcode: 47001 });
    expect(await call('POST', path, w.token, '[1]')).toMatchObject({ errcode: 47001 });
    expect(await call('POST', path, w.token, '{"broken": ')).toMatchObject({ errcode: 47001 });
  });

  it('records every request, the image ones included', async () => {
    const before = w.sim.requests.length;
    const image = await w.fetchRaw('POST', '/wxa/getwxacode', { path: 'pages/index/index' });
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(w.sim.requests.slice(before)).toEqual([{ method: 'POST', path: '/wxa/getwxacode', query: { access_token: w.token }, body: { path: 'pages/index/index' } }]);
  });

  it('exposes a mini program’s state over /sim/ and refuses unknown ones', async () => {
    const state = (await fetch(`${w.sim.url}/sim/apps/${w.appId}`).then((r) => r.json())) as Json;
    expect(state).toMatchObject({ appId: w.appId, visitStatus: 'open', testers: [], audits: [] });
    expect((await fetch(`${w.sim.url}/sim/apps/wx9999999999999999`)).status).toBe(404);
    expect(() => w.sim.app('wx9999999999999999')).toThrow(/no authorizer/);
    const draft = await fetch(`${w.sim.url}/sim/drafts`, { method: 'POST', body: JSON.stringify({ userVersion: '9.9.9', userDesc: 'from control' }) }).then((r) => r.json() as Promise<Json>);
    expect(draft).toMatchObject({ userVersion: '9.9.9', draftId: expect.any(Number) });
    expect((await fetch(`${w.sim.url}/sim/drafts`, { method: 'POST', body: '{}' })).status).toBe(400);
    expect((await fetch(`${w.sim.url}/sim/audits/complete`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${w.sim.url}/sim/authorizer-events-url`, { method: 'POST', body: JSON.stringify({ url: 'http://127.0.0.1:9/e/$APPID$' }) })).status).toBe(200);
    expect(w.sim.authorizerEvents.urlFor(w.appId)).toBe(`http://127.0.0.1:9/e/${w.appId}`);
  });
});
