import { startWeappSim, type Json, type WeappSim } from './weapp-helpers';

const SET = '/cgi-bin/component/setprivacysetting';
const GET = '/cgi-bin/component/getprivacysetting';

const owner = { contact_email: 'privacy@example.com', notice_method: '弹窗', store_expire_timestamp: '30天' };
const settings = [
  { privacy_key: 'UserInfo', privacy_text: '展示会员头像和昵称' },
  { privacy_key: 'Location', privacy_text: '推荐附近门店' },
];

/**
 * The user privacy guide (用户隐私保护指引): setprivacysetting / getprivacysetting as WeChat's
 * pages describe them — authorizer token despite the /cgi-bin/component/ path, permission set
 * 18, a development version (2) that a release puts live, and a live version (1) whose
 * owner_setting alone can be edited. The review refuses code that collects a user-information
 * type its guide does not explain.
 */
describe('WeChat simulator: privacy settings', () => {
  let w: WeappSim;
  beforeEach(async () => {
    w = await startWeappSim({ auditDelayMs: 60_000 });
  });
  afterEach(() => w.stop());

  /** Commits code whose scan finds these privacy keys (a template built from such a draft). */
  const commitCollecting = async (privacyKeys: string[], userVersion = '1.0.0') => {
    const draft = w.sim.addDraft({ userVersion, userDesc: 'collects user info', privacyKeys });
    expect(await w.componentPost('/wxa/addtotemplate', { draft_id: draft.draftId, template_type: 0 })).toMatchObject({ errcode: 0 });
    const template = w.sim.state.templates.at(-1)!;
    expect(await w.post('/wxa/commit', { template_id: template.templateId, ext_json: JSON.stringify({ extAppid: w.appId }), user_version: userVersion, user_desc: 'v' })).toMatchObject({ errcode: 0 });
  };
  const auditAndRelease = async (): Promise<Json> => {
    const { auditid } = await w.post('/wxa/submit_audit', {});
    await w.sim.completeAudits();
    const status = await w.post('/wxa/get_auditstatus', { auditid });
    if (status.status === 0) expect(await w.post('/wxa/release', {})).toEqual({ errcode: 0, errmsg: 'ok' });
    return status;
  };

  describe('who may call', () => {
    it('takes the authorizer token as access_token, not the component token', async () => {
      expect(await (await fetch(`${w.sim.url}${SET}?component_access_token=${w.componentToken}`, { method: 'POST', body: '{}' })).json()).toMatchObject({ errcode: 41001 });
      expect(await w.post(GET, {}, w.componentToken)).toMatchObject({ errcode: 40001 });
      expect(await w.post(GET, {}, null)).toMatchObject({ errcode: 41001 });
      expect(await w.post(GET, {})).toMatchObject({ errcode: 0 });
    });

    it('needs permission set 18 (development management)', async () => {
      const other = w.addAuthorizer({ funcInfo: [17, 30] });
      expect(await w.post(SET, { owner_setting: owner, setting_list: settings }, other.token)).toMatchObject({ errcode: 48001 });
      expect(await w.post(GET, {}, other.token)).toMatchObject({ errcode: 48001 });
    });
  });

  describe('what setprivacysetting refuses', () => {
    it.each([
      ['no owner_setting', 86069, { setting_list: settings }],
      ['no contact of the four', 86069, { owner_setting: { notice_method: '弹窗' }, setting_list: settings }],
      ['no notice_method', 86070, { owner_setting: { contact_phone: '13800000000' }, setting_list: settings }],
      ['a storage period that is not days', 86072, { owner_setting: { ...owner, store_expire_timestamp: '1 year' }, setting_list: settings }],
      ['a custom guide never uploaded', 86073, { owner_setting: { ...owner, ext_file_media_id: '2112311471891169280' }, setting_list: settings }],
      ['privacy_ver 3', 86071, { privacy_ver: 3, owner_setting: owner, setting_list: settings }],
      ['no setting_list with privacy_ver 2', 47001, { privacy_ver: 2, owner_setting: owner }],
      ['a setting without text', 47001, { owner_setting: owner, setting_list: [{ privacy_key: 'UserInfo', privacy_text: '' }] }],
      ['privacy_ver 1 before anything went live', 86074, { privacy_ver: 1, owner_setting: owner }],
    ] as const)('%s → %i', async (_what, errcode, body) => {
      expect(await w.post(SET, body)).toMatchObject({ errcode });
      expect(w.sim.app(w.appId).privacy.dev).toBeUndefined();
    });

    it('answers 86071 to getprivacysetting with a privacy_ver other than 1 or 2', async () => {
      expect(await w.post(GET, { privacy_ver: 0 })).toMatchObject({ errcode: 86071 });
    });
  });

  describe('what getprivacysetting answers', () => {
    it('before any commit: no code, nothing detected, every owner field empty, the key descriptions', async () => {
      const answer = await w.post(GET, {});
      expect(answer).toMatchObject({
        errcode: 0,
        code_exist: 0,
        privacy_list: [],
        setting_list: [],
        update_time: 0,
        owner_setting: { contact_email: '', contact_phone: '', contact_qq: '', contact_weixin: '', ext_file_media_id: '', notice_method: '', store_expire_timestamp: '' },
      });
      expect(answer.privacy_desc.privacy_desc_list).toContainEqual({ privacy_key: 'UserInfo', privacy_desc: '用户信息（微信昵称、头像）' });
    });

    it('the development version as set, with the keys the committed code collects (missing ones with empty text)', async () => {
      await commitCollecting(['UserInfo', 'PhoneNumber']);
      expect(await w.post(SET, { owner_setting: owner, setting_list: [settings[0]] })).toEqual({ errcode: 0, errmsg: 'ok' });
      const dev = await w.post(GET, { privacy_ver: 2 });
      expect(dev).toMatchObject({ errcode: 0, code_exist: 1, privacy_list: ['UserInfo', 'PhoneNumber'], owner_setting: { ...owner, contact_phone: '' }, update_time: expect.any(Number) });
      expect(dev.update_time).toBeGreaterThan(0);
      expect(dev.setting_list).toEqual([
        { privacy_key: 'UserInfo', privacy_text: '展示会员头像和昵称', privacy_label: '' },
        { privacy_key: 'PhoneNumber', privacy_text: '', privacy_label: '' },
      ]);
      // The default version is the development one; nothing is live yet.
      expect(await w.post(GET, {})).toEqual(dev);
      expect(await w.post(GET, { privacy_ver: 1 })).toMatchObject({ errcode: 0, update_time: 0, owner_setting: { notice_method: '' } });
    });
  });

  describe('review and release', () => {
    it('rejects code collecting a type its guide does not explain, passes it once explained, and a release puts the guide live', async () => {
      await commitCollecting(['UserInfo', 'Location']);
      expect(await w.post(SET, { owner_setting: owner, setting_list: [settings[0]] })).toMatchObject({ errcode: 0 });
      const rejected = await auditAndRelease();
      expect(rejected).toMatchObject({ status: 1, reason: expect.stringContaining('位置信息') });
      expect(rejected.reason).toContain('用户隐私保护指引');

      expect(await w.post(SET, { owner_setting: owner, setting_list: settings })).toMatchObject({ errcode: 0 });
      expect(await auditAndRelease()).toMatchObject({ status: 0 });
      expect(await w.post(GET, { privacy_ver: 1 })).toMatchObject({ errcode: 0, owner_setting: owner, setting_list: settings.map((s) => ({ ...s, privacy_label: '' })) });
    });

    it('passes code that collects nothing without any guide (the default drafts)', async () => {
      await commitCollecting([]);
      expect(await auditAndRelease()).toMatchObject({ status: 0 });
    });

    it('reviews the guide as it was at submission, not as changed during the review', async () => {
      await commitCollecting(['UserInfo']);
      await w.post('/wxa/submit_audit', {});
      expect(await w.post(SET, { owner_setting: owner, setting_list: [settings[0]] })).toMatchObject({ errcode: 0 });
      await w.sim.completeAudits();
      expect(await w.get('/wxa/get_latest_auditstatus')).toMatchObject({ status: 1 });
    });

    it('edits the live owner_setting with privacy_ver 1 (no setting_list), leaving the development version alone', async () => {
      await commitCollecting(['UserInfo']);
      expect(await w.post(SET, { owner_setting: owner, setting_list: [settings[0]] })).toMatchObject({ errcode: 0 });
      expect(await auditAndRelease()).toMatchObject({ status: 0 });

      expect(await w.post(SET, { privacy_ver: 1, owner_setting: { contact_weixin: 'shop-support', notice_method: '公告' }, setting_list: [settings[0]] })).toMatchObject({ errcode: 47001 });
      expect(await w.post(SET, { privacy_ver: 1, owner_setting: { contact_weixin: 'shop-support', notice_method: '公告' } })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await w.post(GET, { privacy_ver: 1 })).toMatchObject({ owner_setting: { contact_weixin: 'shop-support', contact_email: '', notice_method: '公告' }, setting_list: [{ privacy_key: 'UserInfo', privacy_text: settings[0]!.privacy_text }] });
      expect(await w.post(GET, { privacy_ver: 2 })).toMatchObject({ owner_setting: owner });

      // The next release brings the guide reviewed with it; the edit was on the old version.
      await commitCollecting(['UserInfo'], '1.1.0');
      expect(await auditAndRelease()).toMatchObject({ status: 0 });
      expect(await w.post(GET, { privacy_ver: 1 })).toMatchObject({ owner_setting: owner });
    });
  });
});
