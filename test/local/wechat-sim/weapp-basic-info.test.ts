import { startWeappSim, type Json, type WeappSim } from './weapp-helpers';

/** Basic information of a mini program: name (with review), avatar, description, search visibility. */
describe('WeChat simulator: basic information', () => {
  let w: WeappSim;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2025, 2, 10, 4, 0, 0);
    w = await startWeappSim({ nicknameAuditMs: 60_000 });
    w.sim.state.now = () => now;
  });
  afterEach(() => w.stop());

  /** POST /cgi-bin/media/upload?type=… as multipart/form-data with a `media` file. */
  const upload = (bytes: Buffer, type = 'image', field = 'media') => {
    const form = new FormData();
    form.append(field, new Blob([bytes], { type: 'image/png' }), 'picture.png');
    return fetch(`${w.sim.url}/cgi-bin/media/upload?access_token=${w.token}&type=${type}`, { method: 'POST', body: form }).then((r) => r.json() as Promise<Json>);
  };
  const mediaId = async () => (await upload(Buffer.from('fake image bytes'))).media_id as string;

  describe('getaccountbasicinfo', () => {
    // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_getaccountbasicinfo
    // POST (no body); account_type 1 subscription, 2 service account, 3 mini program.
    it('describes the account with its modification quotas', async () => {
      expect(await w.post('/cgi-bin/account/getaccountbasicinfo')).toEqual({
        errcode: 0,
        errmsg: 'ok',
        appid: w.appId,
        account_type: 3,
        nickname: 'Sim Shop',
        principal_type: 1,
        principal_name: expect.any(String),
        credential: '',
        realname_status: 1,
        wx_verify_info: expect.objectContaining({ qualification_verify: true, naming_verify: true }),
        signature_info: { signature: '', modify_used_count: 0, modify_quota: 5 },
        head_image_info: { head_image_url: expect.stringMatching(/^http:\/\/wx\.qlogo\.cn\//), modify_used_count: 0, modify_quota: 5 },
        nickname_info: { nickname: 'Sim Shop', modify_used_count: 0, modify_quota: 2 },
      });
    });

    it('is a POST on WeChat: a GET is answered 43002', async () => {
      expect(await w.get('/cgi-bin/account/getaccountbasicinfo')).toMatchObject({ errcode: 43002 });
    });
  });

  describe('name', () => {
    it('checkwxverifynickname: only mini programs created through the API may call it (41033 for the others)', async () => {
      // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_checknickname
      // 注意事项: 该接口只允许通过api创建的小程序使用; WeChat answers 41033 "invaid register type".
      expect(await w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '小王鲜花' })).toMatchObject({ errcode: 41033 });
      // setnickname does its own checks and works for every mini program.
      expect(await w.post('/wxa/setnickname', { nick_name: '小王鲜花' })).toMatchObject({ errcode: 0 });
      const fastRegistered = w.addAuthorizer({ createdViaApi: true });
      expect(await w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '小王鲜花' }, fastRegistered.token)).toMatchObject({ errcode: 0, hit_condition: false });
    });

    it('seeds fast-registered mini programs on request (POST /sim/authorizers/seed created_via_api)', async () => {
      const seed = async (body: Json) => (await fetch(`${w.sim.url}/sim/authorizers/seed`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then((r) => r.json())) as Json[];
      const check = (appId: string) => w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '小王鲜花' }, w.sim.state.issueAuthorizerToken(appId).token);
      const [viaApi] = await seed({ count: 1, created_via_api: true });
      const [ordinary] = await seed({ count: 1 });
      expect(await check(viaApi!.appId)).toMatchObject({ errcode: 0 });
      expect(await check(ordinary!.appId)).toMatchObject({ errcode: 41033 });
    });

    it('checkwxverifynickname: plain names pass, names with WeChat in them need proof, empty ones are 53010', async () => {
      w.sim.state.markCreatedViaApi(w.appId);
      expect(await w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '小王鲜花' })).toMatchObject({ errcode: 0, hit_condition: false, wording: '' });
      expect(await w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '微信鲜花' })).toMatchObject({ errcode: 0, hit_condition: true, wording: expect.stringMatching(/材料/) });
      expect(await w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: 'My WeChat Shop' })).toMatchObject({ hit_condition: true });
      expect(await w.post('/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '' })).toMatchObject({ errcode: 53010 });
    });

    it('setnickname applies a plain name at once', async () => {
      expect(await w.post('/wxa/setnickname', { nick_name: '小王鲜花' })).toEqual({ errcode: 0, errmsg: 'ok', wording: '' });
      expect(w.sim.authorizers[0]!.nickname).toBe('小王鲜花');
      expect((await w.post('/cgi-bin/account/getaccountbasicinfo')).nickname_info).toEqual({ nickname: '小王鲜花', modify_used_count: 1, modify_quota: 2 });
    });

    it('a name that needs proof: 91010 without licence, review with one, applied when the review passes', async () => {
      expect(await w.post('/wxa/setnickname', { nick_name: '微信鲜花' })).toMatchObject({ errcode: 91010 });
      expect(await w.post('/wxa/setnickname', { nick_name: '微信鲜花', license: 'never-uploaded' })).toMatchObject({ errcode: 40007 });

      const answer = await w.post('/wxa/setnickname', { nick_name: '微信鲜花', license: await mediaId() });
      expect(answer).toMatchObject({ errcode: 0, wording: expect.any(String), audit_id: expect.any(Number) });
      expect(w.sim.authorizers[0]!.nickname).toBe('Sim Shop');

      const created = Math.floor(now / 1000);
      expect(await w.post('/wxa/api_wxa_querynickname', { audit_id: answer.audit_id })).toMatchObject({ errcode: 0, nickname: '微信鲜花', audit_stat: 1, create_time: created, audit_time: 0 });
      now += 60_000;
      expect(await w.post('/wxa/api_wxa_querynickname', { audit_id: answer.audit_id })).toMatchObject({ nickname: '微信鲜花', audit_stat: 3, create_time: created, audit_time: created + 60 });
      expect(w.sim.authorizers[0]!.nickname).toBe('微信鲜花');
      expect(await w.post('/wxa/api_wxa_querynickname', { audit_id: 1 })).toMatchObject({ errcode: 91011 });
    });

    it('allows two changes a year (91018 after), counting again from January', async () => {
      expect(await w.post('/wxa/setnickname', { nick_name: 'Name One' })).toMatchObject({ errcode: 0 });
      expect(await w.post('/wxa/setnickname', { nick_name: 'Name Two' })).toMatchObject({ errcode: 0 });
      expect(await w.post('/wxa/setnickname', { nick_name: 'Name Three' })).toMatchObject({ errcode: 91018 });
      now = Date.UTC(2026, 0, 1, 0, 0, 0); // 08:00 on 1 January in Beijing
      expect(await w.post('/wxa/setnickname', { nick_name: 'Name Three' })).toMatchObject({ errcode: 0 });
    });

    it('refuses names with 小程序 in them and empty ones (53010)', async () => {
      expect(await w.post('/wxa/setnickname', { nick_name: '鲜花小程序' })).toMatchObject({ errcode: 53010 });
      expect(await w.post('/wxa/setnickname', {})).toMatchObject({ errcode: 53010 });
    });
  });

  describe('media upload and avatar', () => {
    it('takes a multipart image and answers type, media_id and created_at without errcode', async () => {
      const answer = await upload(Buffer.alloc(1024, 7));
      expect(answer).toEqual({ type: 'image', media_id: expect.stringMatching(/^[\w-]{64}$/), created_at: Math.floor(now / 1000) });
      expect(w.sim.state.media.get(answer.media_id)).toMatchObject({ appId: w.appId, bytes: 1024 });
      const recorded = w.sim.requests.filter((r) => r.path === '/cgi-bin/media/upload');
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.query.type).toBe('image');
    });

    it('answers an empty file 40005, one over 2 MB 40009, no media part 41005, an unknown type 40004', async () => {
      expect(await upload(Buffer.alloc(0))).toMatchObject({ errcode: 40005 });
      expect(await upload(Buffer.alloc(2 * 1024 * 1024 + 1))).toMatchObject({ errcode: 40009 });
      expect(await upload(Buffer.alloc(2 * 1024 * 1024))).toHaveProperty('media_id');
      expect(await upload(Buffer.from('x'), 'image', 'file')).toMatchObject({ errcode: 41005 });
      expect(await upload(Buffer.from('x'), 'pdf')).toMatchObject({ errcode: 40004 });
      const raw = await fetch(`${w.sim.url}/cgi-bin/media/upload?access_token=${w.token}&type=image`, { method: 'POST', body: 'not multipart' });
      expect(await raw.json()).toMatchObject({ errcode: 41005 });
    });

    // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_setheadimage
    // 注意事项: 一年内可申请修改5次 (five a year, not a month).
    it('modifyheadimage uses an uploaded media id, checks the crop box and the yearly quota', async () => {
      const before = w.sim.authorizers[0]!.headImg;
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: 'unknown', x1: 0, y1: 0, x2: 1, y2: 1 })).toMatchObject({ errcode: 40007 });
      const id = await mediaId();
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: id, x1: 0.5, y1: 0, x2: 0.2, y2: 1 })).toMatchObject({ errcode: 53205 });
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: id, x1: 0, y1: 0, x2: 0.8, y2: 0.8 })).toEqual({ errcode: 0, errmsg: 'ok' });
      const after = (await w.post('/cgi-bin/account/getaccountbasicinfo')).head_image_info;
      expect(after.head_image_url).not.toBe(before);
      expect(after.modify_used_count).toBe(1);
      for (let i = 0; i < 4; i++) expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: id })).toMatchObject({ errcode: 0 });
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: id })).toMatchObject({ errcode: 53202 });
      now = Date.UTC(2025, 3, 10, 4, 0, 0); // a month later: still none left this year
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: await mediaId() })).toMatchObject({ errcode: 53202 });
      expect((await w.post('/cgi-bin/account/getaccountbasicinfo')).head_image_info).toMatchObject({ modify_used_count: 5, modify_quota: 5 });
      now = Date.UTC(2026, 0, 1, 0, 0, 0);
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: await mediaId() })).toMatchObject({ errcode: 0 });
    });

    it('does not accept another mini program’s media id', async () => {
      const id = await mediaId();
      const other = w.addAuthorizer();
      expect(await w.post('/cgi-bin/account/modifyheadimage', { head_img_media_id: id }, other.token)).toMatchObject({ errcode: 40007 });
    });
  });

  describe('description and search', () => {
    it('modifysignature takes 4–120 characters (53204 otherwise) and 5 changes a month (53200)', async () => {
      expect(await w.post('/cgi-bin/account/modifysignature', { signature: '太短了' })).toMatchObject({ errcode: 53204 });
      expect(await w.post('/cgi-bin/account/modifysignature', { signature: '好'.repeat(121) })).toMatchObject({ errcode: 53204 });
      expect(await w.post('/cgi-bin/account/modifysignature', { signature: '鲜花配送，同城两小时达' })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(w.sim.authorizers[0]!.signature).toBe('鲜花配送，同城两小时达');
      for (let i = 0; i < 4; i++) expect(await w.post('/cgi-bin/account/modifysignature', { signature: `第${i}次修改简介` })).toMatchObject({ errcode: 0 });
      expect(await w.post('/cgi-bin/account/modifysignature', { signature: '第六次修改简介' })).toMatchObject({ errcode: 53200 });
      now = Date.UTC(2025, 3, 1, 0, 0, 0);
      expect(await w.post('/cgi-bin/account/modifysignature', { signature: '下个月再修改' })).toMatchObject({ errcode: 0 });
    });

    it('reads and changes the search status at /wxa/ (1 hidden, 0 searchable; 85084 otherwise)', async () => {
      expect(await w.get('/wxa/getwxasearchstatus')).toEqual({ errcode: 0, errmsg: 'ok', status: 0 });
      expect(await w.post('/wxa/changewxasearchstatus', { status: 1 })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await w.get('/wxa/getwxasearchstatus')).toMatchObject({ status: 1 });
      expect(await w.post('/wxa/changewxasearchstatus', { status: 2 })).toMatchObject({ errcode: 85084 });
    });

    it('does not serve the search status under /cgi-bin/wxopen/, where our reference had it', async () => {
      for (const path of ['/cgi-bin/wxopen/getwxasearchstatus', '/cgi-bin/wxopen/changewxasearchstatus']) {
        const answer = await fetch(`${w.sim.url}${path}?access_token=${w.token}`, { method: path.includes('change') ? 'POST' : 'GET', body: path.includes('change') ? '{"status":1}' : undefined });
        expect(answer.status).toBe(404);
      }
    });
  });
});
