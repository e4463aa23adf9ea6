import { platformStores } from '../../../functions/lib/platform';
import { useWorld } from '../../helpers/world';

interface AuthorizerView {
  appId: string;
  status: string;
  nickname?: string;
  funcInfo: number[];
  statusReason?: string;
  token: { expiresAt: string } | null;
  history: { event: string; source: string }[];
}

/** A merchant authorizes by link, by redirect and by push, and the registry follows. */
describe('authorization flow', () => {
  const world = useWorld({ ticket: true });

  const sim = () => world.sim;
  const redirectUri = () => `${world.platform.gatewayUrl}/wechat/authorize/callback`;
  const detail = async (appId: string) => (await (await world.platform.admin(`/admin/authorizers/${appId}`)).json()) as AuthorizerView;
  const tokenItem = async (appId: string) =>
    ((await world.platform.scanTable()) as Record<string, { S?: string; N?: string }>[]).find((i) => i.pk?.S === `AUTHORIZER#${appId}` && i.sk?.S === 'TOKEN');
  /** The tokens as the platform reads them (the item holds them encrypted). */
  const storedToken = (appId: string) => platformStores().authorizerTokens.getToken(appId);

  describe('POST /admin/authorizations', () => {
    it('returns PC and mobile links around a fresh pre_auth_code and our redirect URI', async () => {
      const before = Date.now();
      const response = await world.platform.admin('/admin/authorizations', { method: 'POST', body: JSON.stringify({ authType: 'both' }) });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { pcUrl: string; mobileUrl: string; expiresAt: string };
      const pc = new URL(body.pcUrl);
      expect(pc.pathname).toBe('/cgi-bin/componentloginpage');
      expect(pc.searchParams.get('component_appid')).toBe(world.platform.settings.component.appId);
      expect(pc.searchParams.get('pre_auth_code')).toMatch(/^preauthcode@@@/);
      expect(pc.searchParams.get('redirect_uri')).toBe(redirectUri());
      expect(pc.searchParams.get('auth_type')).toBe('3');
      const mobile = new URL(body.mobileUrl);
      expect(mobile.pathname).toBe('/wxaopen/safe/bindcomponent');
      expect(mobile.searchParams.get('action')).toBe('bindcomponent');
      expect(mobile.searchParams.get('no_scan')).toBe('1');
      expect(mobile.searchParams.get('pre_auth_code')).toBe(pc.searchParams.get('pre_auth_code'));
      expect(mobile.hash).toBe('#wechat_redirect');
      expect(Date.parse(body.expiresAt)).toBeGreaterThanOrEqual(before + 590_000);
      expect(sim().requests.some((r) => r.path === '/cgi-bin/component/api_create_preauthcode')).toBe(true);
    });

    it('pins one account with bizAppId instead of auth_type', async () => {
      const response = await world.platform.admin('/admin/authorizations', { method: 'POST', body: JSON.stringify({ bizAppId: 'wx0123456789abcdef' }) });
      const pc = new URL(((await response.json()) as { pcUrl: string }).pcUrl);
      expect(pc.searchParams.get('biz_appid')).toBe('wx0123456789abcdef');
      expect(pc.searchParams.has('auth_type')).toBe(false);
    });

    it.each([
      ['an unknown authType', { authType: 'everything' }],
      ['a malformed bizAppId', { bizAppId: 'not-an-appid' }],
      ['an unknown field', { auth_type: 2 }],
    ])('refuses %s with 400', async (_, body) => {
      const response = await world.platform.admin('/admin/authorizations', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_request' });
    });

    it('refuses a body that is not JSON with 400', async () => {
      const response = await world.platform.admin('/admin/authorizations', { method: 'POST', body: '{"authType":' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_json' });
    });
  });

  it('lets a merchant follow the link, confirm on the (simulated) WeChat page and land on our page', async () => {
    const links = (await (await world.platform.admin('/admin/authorizations', { method: 'POST', body: '{}' })).json()) as { pcUrl: string; mobileUrl: string };
    for (const url of [links.pcUrl, links.mobileUrl]) {
      const confirmPage = await fetch(url);
      expect(confirmPage.status).toBe(200);
      expect(await confirmPage.text()).toContain('<form method="get" action="/sim/authorize">');
    }
    const pc = new URL(links.pcUrl);
    const confirm = new URL('/sim/authorize', pc);
    confirm.search = new URLSearchParams({ pre_auth_code: pc.searchParams.get('pre_auth_code')!, redirect_uri: pc.searchParams.get('redirect_uri')!, nickname: '点击授权的小程序', appid: '' }).toString();
    const landed = await fetch(confirm); // follows WeChat's 302 to our callback
    expect(landed.url.startsWith(redirectUri())).toBe(true);
    expect(landed.status).toBe(200);
    const text = await landed.text();
    expect(text).toContain('Authorization complete');
    const appId = /\((wx[0-9a-f]{16})\)/.exec(text)?.[1];
    expect((await detail(appId!)).nickname).toBe('点击授权的小程序');
    // The pre_auth_code is single use.
    const again = await fetch(confirm);
    expect(again.status).toBe(400);
  });

  describe('redirect and push', () => {
    it('ends in one authorized record when both the push and the redirect arrive', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri(), nickname: '示例小程序', funcInfo: [17, 18, 19] });
      expect(result.push?.body).toBe('success');
      const page = await fetch(result.location, { redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Authorization complete');

      const view = await detail(result.appId);
      expect(view).toMatchObject({ appId: result.appId, status: 'authorized', nickname: '示例小程序', funcInfo: [17, 18, 19] });
      expect(view.token).not.toBeNull();
      expect(view.history.map((h) => h.event)).toEqual(['authorized']);
      // One api_query_auth for the code, however it arrived.
      expect(sim().requests.filter((r) => r.path === '/cgi-bin/component/api_query_auth' && (r.body as { authorization_code?: string }).authorization_code === result.authCode)).toHaveLength(1);
    });

    it('completes from the redirect alone when the push is lost', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri(), push: false });
      const page = await fetch(result.location, { redirect: 'manual' });
      expect(page.status).toBe(200);
      expect((await detail(result.appId)).status).toBe('authorized');
    });

    it('completes from the push alone when the merchant closes the page', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri() });
      expect(result.push?.body).toBe('success');
      const view = await detail(result.appId);
      expect(view.status).toBe('authorized');
      expect(view.history).toEqual([expect.objectContaining({ event: 'authorized', source: 'push' })]);
    });

    it('shows the result again when the merchant reloads the page of a code already exchanged', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri() });
      for (let i = 0; i < 2; i++) {
        const page = await fetch(result.location);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain(result.appId);
      }
    });

    it('shows a clear error page for an expired or unknown auth_code, and changes nothing', async () => {
      const before = await world.platform.scanTable();
      const unknown = await fetch(`${redirectUri()}?auth_code=${encodeURIComponent('queryauthcode@@@never-issued')}&expires_in=3600`);
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain('This authorization link has expired');
      const missing = await fetch(`${world.platform.gatewayUrl}/wechat/authorize/callback`);
      expect(missing.status).toBe(400);
      expect(missing.headers.get('content-type')).toMatch(/text\/html/);
      expect((await world.platform.scanTable()).length).toBe(before.length);
    });

    it('refuses a malformed auth_code before calling WeChat', async () => {
      const before = world.wechatCalls('/cgi-bin/component/api_query_auth').length;
      for (const junk of ['abc', '<script>alert(1)</script>xxxxxxxx', 'queryauthcode@@@ spaces are not base64url', `queryauthcode@@@${'A'.repeat(300)}`, 'queryauthcode@@@ok%00nul']) {
        const page = await fetch(`${redirectUri()}?auth_code=${encodeURIComponent(junk)}&expires_in=3600`);
        expect([junk, page.status]).toEqual([junk, 400]);
        expect(await page.text()).toContain('Not a valid authorization');
      }
      expect(world.wechatCalls('/cgi-bin/component/api_query_auth').length).toBe(before);
    });

    it('re-authorization replaces the tokens in one write and keeps the history', async () => {
      const first = await sim().authorize({ redirectUri: redirectUri() });
      const oldRefresh = (await storedToken(first.appId))?.refreshToken;
      const again = await sim().authorize({ redirectUri: redirectUri(), appId: first.appId, funcInfo: [17, 18] });
      expect(again.infoType).toBe('updateauthorized');
      const newRefresh = (await storedToken(first.appId))?.refreshToken;
      expect(newRefresh).toBeDefined();
      expect(newRefresh).not.toBe(oldRefresh);
      const view = await detail(first.appId);
      expect(view.funcInfo).toEqual([17, 18]);
      expect(view.history.map((h) => h.event)).toEqual(['updateauthorized', 'authorized']);
    });

    it('applies a permission change pushed as updateauthorized', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri(), funcInfo: [17] });
      await sim().changePermissions(result.appId, [17, 18, 30]);
      expect((await detail(result.appId)).funcInfo).toEqual([17, 18, 30]);
    });

    it('on unauthorized deletes the tokens and keeps the history', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri() });
      const revoke = await sim().revoke(result.appId);
      expect(revoke.push?.body).toBe('success');
      const view = await detail(result.appId);
      expect(view.status).toBe('unauthorized');
      expect(view.token).toBeNull();
      expect(await tokenItem(result.appId)).toBeUndefined();
      expect(view.history.map((h) => h.event)).toEqual(['unauthorized', 'authorized']);
    });

    it('processes a push once when WeChat delivers it three times', async () => {
      const result = await sim().authorize({ redirectUri: redirectUri() });
      const xml = `<xml><AppId><![CDATA[${world.platform.settings.component.appId}]]></AppId><CreateTime>1790000000</CreateTime><InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA[${result.appId}]]></AuthorizerAppid></xml>`;
      for (let i = 0; i < 3; i++) expect((await sim().pushes.push(`${world.platform.gatewayUrl}/wechat/component/events`, xml)).body).toBe('success');
      const view = await detail(result.appId);
      expect(view.history.map((h) => h.event)).toEqual(['unauthorized', 'authorized']);
    });
  });

  describe('POST /admin/authorizers/{appId}/token:refresh', () => {
    it('refreshes now and reports the new expiry, not the token', async () => {
      const { appId } = await sim().authorize({ redirectUri: redirectUri() });
      const before = (await storedToken(appId))?.accessToken;
      const response = await world.platform.admin(`/admin/authorizers/${appId}/token:refresh`, { method: 'POST' });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ appId, expiresAt: expect.any(String), outcome: 'refreshed' });
      const after = (await storedToken(appId))?.accessToken;
      expect(after).not.toBe(before);
      expect(text).not.toContain(after!);
    });

    it('answers 409 for an app that revoked its authorization', async () => {
      const { appId } = await sim().authorize({ redirectUri: redirectUri() });
      await sim().revoke(appId);
      const response = await world.platform.admin(`/admin/authorizers/${appId}/token:refresh`, { method: 'POST' });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ code: 'authorizer_unavailable' });
    });
  });

  describe('GET /admin/authorizers', () => {
    it('pages through authorizers and filters by status', async () => {
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const response = await world.platform.admin(`/admin/authorizers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        const page = (await response.json()) as { items: { appId: string }[]; nextCursor?: string };
        expect(page.items.length).toBeLessThanOrEqual(2);
        all.push(...page.items.map((i) => i.appId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBeGreaterThanOrEqual(6);
      const unauthorized = (await (await world.platform.admin('/admin/authorizers?status=unauthorized')).json()) as { items: { status: string }[] };
      expect(unauthorized.items.length).toBeGreaterThanOrEqual(1);
      expect(unauthorized.items.every((i) => i.status === 'unauthorized')).toBe(true);
    });

    it('never returns token values', async () => {
      const text = await (await world.platform.admin('/admin/authorizers?limit=100')).text();
      const tokens = world.sim
        .issuedCredentials()
        .filter((c) => c.kind === 'authorizer_access_token' || c.kind === 'authorizer_refresh_token')
        .map((c) => c.value);
      expect(tokens.length).toBeGreaterThan(0);
      for (const appId of (JSON.parse(text) as { items: { appId: string }[] }).items.map((i) => i.appId)) {
        const one = await (await world.platform.admin(`/admin/authorizers/${appId}`)).text();
        for (const token of tokens) expect(one).not.toContain(token);
      }
      for (const token of tokens) expect(text).not.toContain(token);
    });

    it.each([
      ['a bad status', '/admin/authorizers?status=sleeping', 400],
      ['a limit over 100', '/admin/authorizers?limit=1000', 400],
      ['a forged cursor', '/admin/authorizers?cursor=bm90LWEtY3Vyc29y', 400],
      ['a malformed appId', '/admin/authorizers/not-an-app', 400],
      ['an unknown appId', '/admin/authorizers/wx0000000000000001', 404],
    ])('answers %s with %i', async (_, path, status) => {
      const response = await world.platform.admin(path);
      expect(response.status).toBe(status);
      expect(await response.json()).toHaveProperty('code');
    });
  });
});
