import { commit, decodePng, startWeappSim, templateId, type WeappSim } from './weapp-helpers';

/** Code upload (commit) and what hangs off the experience version: pages, privacy scan, trial QR code, testers. */
describe('WeChat simulator: code and testers', () => {
  let w: WeappSim;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2025, 2, 10, 4, 0, 0);
    w = await startWeappSim({ testerLimit: 2, privacyScanMs: 30_000 });
    w.sim.state.now = () => now;
  });
  afterEach(() => w.stop());

  describe('commit', () => {
    it('stores the experience version, replacing the previous one', async () => {
      const id = await templateId(w);
      const ext = JSON.stringify({ extAppid: w.appId, ext: { shopId: 7 }, tabBar: { list: [] } });
      expect(await w.post('/wxa/commit', { template_id: id, ext_json: ext, user_version: '1.0.0', user_desc: 'first' })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(w.sim.app(w.appId).committed).toEqual({ templateId: id, userVersion: '1.0.0', userDesc: 'first', extJson: ext, pages: ['pages/index/index', 'pages/detail/detail'], commitTime: now });
      now += 1000;
      expect(await w.post('/wxa/commit', { template_id: String(id), ext_json: '{}', user_version: '1.0.1', user_desc: 'second' })).toMatchObject({ errcode: 0 });
      expect(w.sim.app(w.appId).committed).toMatchObject({ userVersion: '1.0.1', userDesc: 'second', commitTime: now });
    });

    it.each([
      ['an unknown template', 85014, { template_id: 9999 }],
      ['ext_json that is not JSON', 85048, { ext_json: '{"extAppid": ' }],
      ['ext_json that is not an object', 85048, { ext_json: '[1, 2]' }],
      ['another appid in extAppid', 85013, { ext_json: JSON.stringify({ extAppid: 'wx9999999999999999' }) }],
      ['a tabBar that is not an object', 85046, { ext_json: JSON.stringify({ tabBar: 'bottom' }) }],
      ['empty pages', 85047, { ext_json: JSON.stringify({ pages: [] }) }],
      ['extPages naming a page the template lacks', 85045, { ext_json: JSON.stringify({ extPages: { 'pages/missing/missing': {} } }) }],
      ['ext_json as an object instead of a string', 47001, { ext_json: { extAppid: 'x' } }],
      ['no user_version', 85015, { user_version: '' }],
    ])('answers %s with %i', async (_, errcode, fields) => {
      const body = { template_id: await templateId(w), ext_json: '{}', user_version: '1.0.0', user_desc: 'x', ...fields };
      expect(await w.post('/wxa/commit', body)).toMatchObject({ errcode });
      expect(w.sim.app(w.appId).committed).toBeUndefined();
    });
  });

  describe('get_page, get_category, get_qrcode', () => {
    it('lists the committed template’s pages (86001 before any commit)', async () => {
      expect(await w.get('/wxa/get_page')).toMatchObject({ errcode: 86001 });
      const id = await templateId(w, { userVersion: '3.0.0', userDesc: 'with cart', pages: ['pages/home/home', 'pages/cart/cart'] });
      await w.post('/wxa/commit', { template_id: id, ext_json: '{}', user_version: '3.0.0', user_desc: 'cart' });
      expect(await w.get('/wxa/get_page')).toEqual({ errcode: 0, errmsg: 'ok', page_list: ['pages/home/home', 'pages/cart/cart'] });
    });

    it('lists the account’s categories with ids', async () => {
      expect(await w.get('/wxa/get_category')).toEqual({ errcode: 0, errmsg: 'ok', category_list: [{ first_class: '工具', second_class: '效率', first_id: 287, second_id: 612 }] });
    });

    it('draws a trial QR code as a real PNG per path (JSON 86001 before any commit)', async () => {
      const before = await w.fetchRaw('GET', '/wxa/get_qrcode', undefined, { path: 'pages/index/index?x=1' });
      expect(before.headers.get('content-type')).toMatch(/application\/json/);
      expect(await before.json()).toMatchObject({ errcode: 86001 });

      await commit(w);
      const image = async (path: string) => {
        const response = await w.fetchRaw('GET', '/wxa/get_qrcode', undefined, { path });
        expect(response.headers.get('content-type')).toBe('image/png');
        return Buffer.from(await response.arrayBuffer());
      };
      const a = await image('pages/index/index?x=1');
      expect(decodePng(a)).toMatchObject({ width: 430, height: 430, bitDepth: 1, colourType: 3, chunks: ['IHDR', 'PLTE', 'IDAT', 'IEND'] });
      expect((await image('pages/index/index?x=1')).equals(a)).toBe(true);
      expect((await image('pages/detail/detail')).equals(a)).toBe(false);
    });
  });

  describe('get_code_privacy_info', () => {
    it('answers 61039 while the scan runs, then ok with empty lists', async () => {
      expect(await w.get('/wxa/security/get_code_privacy_info')).toMatchObject({ errcode: 86001 });
      await commit(w);
      expect(await w.get('/wxa/security/get_code_privacy_info')).toMatchObject({ errcode: 61039 });
      now += 30_000;
      expect(await w.get('/wxa/security/get_code_privacy_info')).toEqual({ errcode: 0, errmsg: 'ok', without_auth_list: [], without_conf_list: [] });
    });

    it('answers 61040 with the findings when ext_json carries [privacy-fail]', async () => {
      await commit(w, { extJson: JSON.stringify({ extAppid: w.appId, note: '[privacy-fail]' }) });
      now += 30_000;
      expect(await w.get('/wxa/security/get_code_privacy_info')).toMatchObject({
        errcode: 61040,
        errmsg: expect.any(String),
        without_auth_list: [expect.any(String)],
        without_conf_list: [expect.any(String)],
      });
    });
  });

  describe('testers', () => {
    it('binds testers, lists their userstr, unbinds by wechatid or userstr', async () => {
      const alice = await w.post('/wxa/bind_tester', { wechatid: 'alice_wx' });
      expect(alice).toEqual({ errcode: 0, errmsg: 'ok', userstr: expect.stringMatching(/^[0-9a-f]{32}$/) });
      const bob = await w.post('/wxa/bind_tester', { wechatid: 'bob_wx' });
      expect(await w.post('/wxa/memberauth', { action: 'get_experiencer' })).toEqual({ errcode: 0, errmsg: 'ok', members: [{ userstr: alice.userstr }, { userstr: bob.userstr }] });
      expect(await w.post('/wxa/unbind_tester', { wechatid: 'alice_wx' })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await w.post('/wxa/unbind_tester', { userstr: bob.userstr })).toMatchObject({ errcode: 0 });
      expect((await w.post('/wxa/memberauth', { action: 'get_experiencer' })).members).toEqual([]);
      expect(await w.post('/wxa/unbind_tester', {})).toMatchObject({ errcode: 40097 });
      expect(await w.post('/wxa/memberauth', { action: 'get_admin' })).toMatchObject({ errcode: 40097 });
    });

    it('answers unknown ids 85001, a second binding 85004, the app’s limit 85002, a busy id 85003', async () => {
      expect(await w.post('/wxa/bind_tester', { wechatid: 'unknown_person' })).toMatchObject({ errcode: 85001 });
      expect(await w.post('/wxa/bind_tester', { wechatid: 'busy_person' })).toMatchObject({ errcode: 85003 });
      expect(await w.post('/wxa/bind_tester', { wechatid: 'alice_wx' })).toMatchObject({ errcode: 0 });
      expect(await w.post('/wxa/bind_tester', { wechatid: 'alice_wx' })).toMatchObject({ errcode: 85004 });
      expect(await w.post('/wxa/bind_tester', { wechatid: 'bob_wx' })).toMatchObject({ errcode: 0 });
      expect(await w.post('/wxa/bind_tester', { wechatid: 'carol_wx' })).toMatchObject({ errcode: 85002 });
      expect(w.sim.app(w.appId).testers.map((t) => t.wechatid)).toEqual(['alice_wx', 'bob_wx']);
    });
  });
});
