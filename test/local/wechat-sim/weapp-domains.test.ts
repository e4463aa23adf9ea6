import { startWeappSim, type WeappSim } from './weapp-helpers';

const EMPTY = { requestdomain: [], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] };

/** Server domains and business (web-view) domains, checked against the platform's registered ones. */
describe('WeChat simulator: domains', () => {
  let w: WeappSim;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2025, 2, 10, 4, 0, 0);
    w = await startWeappSim();
    w.sim.state.now = () => now;
  });
  afterEach(() => w.stop());

  const modify = (body: Record<string, unknown>, token?: string) => w.post('/wxa/modify_domain', body, token);

  describe('modify_domain', () => {
    it('adds platform domains, reports them on get and in the authorizer info', async () => {
      expect(await modify({ action: 'get' })).toEqual({ errcode: 0, errmsg: 'ok', ...EMPTY });
      const answer = await modify({
        action: 'add',
        requestdomain: ['https://api.example.com'],
        wsrequestdomain: ['wss://ws.example.com'],
        uploaddomain: ['https://img.example.com'],
        downloaddomain: ['https://img.example.com', 'https://IMG.example.com/'],
        udpdomain: ['udp://api.example.com'],
        tcpdomain: ['tcp://api.example.com:8080'],
      });
      const lists = {
        requestdomain: ['https://api.example.com'],
        wsrequestdomain: ['wss://ws.example.com'],
        uploaddomain: ['https://img.example.com'],
        downloaddomain: ['https://img.example.com'],
        udpdomain: ['udp://api.example.com'],
        tcpdomain: ['tcp://api.example.com:8080'],
      };
      expect(answer).toMatchObject({ errcode: 0, ...lists, invalid_requestdomain: [] });
      expect(await modify({ action: 'get' })).toEqual({ errcode: 0, errmsg: 'ok', ...lists });
      expect(w.sim.authorizers[0]!.miniProgramInfo.network).toMatchObject({ RequestDomain: ['https://api.example.com'], WsRequestDomain: ['wss://ws.example.com'], TCPDomain: ['tcp://api.example.com:8080'] });
      expect(w.sim.app(w.appId).thirdDomains).toEqual(lists);
    });

    it('refuses domains the platform has not registered with 85017, naming them, and changes nothing', async () => {
      const answer = await modify({ action: 'add', requestdomain: ['https://api.example.com', 'https://evil.example.org'] });
      expect(answer).toMatchObject({ errcode: 85017, invalid_requestdomain: ['https://evil.example.org'], requestdomain: [] });
      expect(w.sim.app(w.appId).thirdDomains.requestdomain).toEqual([]);
    });

    it.each([
      ['http for request', { requestdomain: ['http://api.example.com'] }, 'invalid_requestdomain'],
      ['https for socket', { wsrequestdomain: ['https://ws.example.com'] }, 'invalid_wsrequestdomain'],
      ['a path', { uploaddomain: ['https://img.example.com/upload'] }, 'invalid_uploaddomain'],
      ['an IP address', { downloaddomain: ['https://10.0.0.1'] }, 'invalid_downloaddomain'],
      ['not a URL', { tcpdomain: ['api.example.com'] }, 'invalid_tcpdomain'],
    ])('answers %s with 85301', async (_, lists, invalidField) => {
      const answer = await modify({ action: 'add', ...lists });
      expect(answer).toMatchObject({ errcode: 85301 });
      expect(answer[invalidField]).toEqual(Object.values(lists)[0]);
    });

    it('answers an add or delete that changes nothing with 85017; set is idempotent', async () => {
      expect(await modify({ action: 'add', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 0 });
      expect(await modify({ action: 'add', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 85017 });
      expect(await modify({ action: 'delete', requestdomain: ['https://img.example.com'] })).toMatchObject({ errcode: 85017 });
      expect(await modify({ action: 'set', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 0, requestdomain: ['https://api.example.com'] });
      expect(await modify({ action: 'set', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 0 });
      expect(await modify({ action: 'delete', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 0, requestdomain: [] });
    });

    it('set replaces every list, absent ones becoming empty', async () => {
      await modify({ action: 'add', requestdomain: ['https://api.example.com'], wsrequestdomain: ['wss://ws.example.com'] });
      expect(await modify({ action: 'set', downloaddomain: ['https://img.example.com'] })).toMatchObject({ errcode: 0, ...EMPTY, downloaddomain: ['https://img.example.com'] });
    });

    it('counts 50 modifications a month (then 45009); get does not count; a new month starts again', async () => {
      for (let i = 0; i < 50; i++) {
        const requestdomain = i % 2 === 0 ? ['https://api.example.com'] : ['https://img.example.com'];
        expect(await modify({ action: 'set', requestdomain })).toMatchObject({ errcode: 0 });
      }
      expect(await modify({ action: 'get' })).toMatchObject({ errcode: 0 });
      expect(await modify({ action: 'set', requestdomain: ['https://ws.example.com'] })).toMatchObject({ errcode: 45009 });
      expect(w.sim.app(w.appId).thirdDomains.requestdomain).toEqual(['https://img.example.com']);
      now = Date.UTC(2025, 2, 31, 16, 0, 0); // 1 April, 00:00 in Beijing
      expect(await modify({ action: 'set', requestdomain: ['https://ws.example.com'] })).toMatchObject({ errcode: 0 });
    });

    it('does not count refused requests against the monthly limit', async () => {
      for (let i = 0; i < 60; i++) expect(await modify({ action: 'add', requestdomain: ['https://evil.example.org'] })).toMatchObject({ errcode: 85017 });
      expect(await modify({ action: 'add', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 0 });
    });

    it('allows 200 domains per kind (85016 beyond)', async () => {
      const hosts = Array.from({ length: 201 }, (_, i) => `d${i}.example.com`);
      const big = await startWeappSim({ platformServerDomains: hosts });
      try {
        const urls = hosts.map((h) => `https://${h}`);
        expect(await big.post('/wxa/modify_domain', { action: 'set', requestdomain: urls.slice(0, 200) })).toMatchObject({ errcode: 0 });
        expect(await big.post('/wxa/modify_domain', { action: 'add', requestdomain: urls.slice(200) })).toMatchObject({ errcode: 85016 });
        expect(big.sim.app(big.appId).thirdDomains.requestdomain).toHaveLength(200);
      } finally {
        await big.stop();
      }
    });

    it('answers 85018 when the platform registered no server domains, 47001 without a valid action', async () => {
      const bare = await startWeappSim({ platformServerDomains: [] });
      try {
        expect(await bare.post('/wxa/modify_domain', { action: 'add', requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 85018 });
      } finally {
        await bare.stop();
      }
      expect(await modify({ action: 'replace' })).toMatchObject({ errcode: 47001 });
      expect(await modify({ requestdomain: ['https://api.example.com'] })).toMatchObject({ errcode: 47001 });
    });
  });

  describe('get_effective_domain', () => {
    it('reports the mini program’s own, the platform’s and the effective domains', async () => {
      await modify({ action: 'add', requestdomain: ['https://api.example.com'] });
      w.sim.app(w.appId).mpDomains.requestdomain.push('https://own.example.net');
      const answer = await w.post('/wxa/get_effective_domain', {});
      expect(answer).toEqual({
        errcode: 0,
        errmsg: 'ok',
        mp_domain: { ...EMPTY, requestdomain: ['https://own.example.net'] },
        third_domain: { ...EMPTY, requestdomain: ['https://api.example.com'] },
        direct_domain: EMPTY,
        effective_domain: { ...EMPTY, requestdomain: ['https://own.example.net', 'https://api.example.com'] },
      });
    });
  });

  describe('setwebviewdomain', () => {
    const webview = (body: Record<string, unknown>, token?: string) => w.post('/wxa/setwebviewdomain', body, token);

    it('adds platform business domains and their sub-domains, reads them back', async () => {
      expect(await webview({ action: 'get' })).toMatchObject({ errcode: 89020 });
      expect(await webview({ action: 'delete', webviewdomain: ['https://www.example.com'] })).toMatchObject({ errcode: 89020 });
      expect(await webview({ action: 'add', webviewdomain: ['https://www.example.com', 'https://shop.example.com'] })).toMatchObject({ errcode: 0 });
      expect(await webview({ action: 'get' })).toEqual({ errcode: 0, errmsg: 'ok', webviewdomain: ['https://www.example.com', 'https://shop.example.com'] });
      expect(w.sim.authorizers[0]!.miniProgramInfo.network.BizDomain).toEqual(['https://www.example.com', 'https://shop.example.com']);
      expect(await webview({ action: 'delete', webviewdomain: ['https://shop.example.com'] })).toMatchObject({ errcode: 0, webviewdomain: ['https://www.example.com'] });
    });

    it('answers 89021 for other domains or schemes, 89019 when nothing changes', async () => {
      expect(await webview({ action: 'add', webviewdomain: ['https://evil.example.org'] })).toMatchObject({ errcode: 89021 });
      expect(await webview({ action: 'add', webviewdomain: ['https://notexample.com'] })).toMatchObject({ errcode: 89021 });
      expect(await webview({ action: 'add', webviewdomain: ['http://www.example.com'] })).toMatchObject({ errcode: 89021 });
      expect(await webview({ action: 'set', webviewdomain: ['https://www.example.com'] })).toMatchObject({ errcode: 0 });
      expect(await webview({ action: 'add', webviewdomain: ['https://www.example.com'] })).toMatchObject({ errcode: 89019 });
      expect(await webview({ action: 'set', webviewdomain: ['https://www.example.com'] })).toMatchObject({ errcode: 89019 });
    });

    // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/domain-management/api_modifyjumpdomain.html
    // 注意事项: 最多可以添加300个业务域名.
    it('answers 89029 over 300 domains', async () => {
      const many = Array.from({ length: 301 }, (_, i) => `https://s${i}.example.com`);
      expect(await webview({ action: 'set', webviewdomain: many })).toMatchObject({ errcode: 89029 });
      expect(await webview({ action: 'set', webviewdomain: many.slice(0, 300) })).toMatchObject({ errcode: 0 });
    });

    it('adds every platform business domain when no action is given', async () => {
      expect(await webview({})).toMatchObject({ errcode: 0, webviewdomain: ['https://www.example.com', 'https://example.com'] });
    });

    it('refuses personal mini programs with 89231', async () => {
      const personal = w.addAuthorizer({ personal: true });
      expect(await webview({ action: 'get' }, personal.token)).toMatchObject({ errcode: 89231 });
      expect(await webview({ action: 'add', webviewdomain: ['https://www.example.com'] }, personal.token)).toMatchObject({ errcode: 89231 });
    });
  });
});
