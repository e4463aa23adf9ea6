import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The privacy-guide routes of one mini program against the simulator: what is sent to WeChat, what is refused before it, and WeChat's own refusals. */
describe('privacy guide admin API', () => {
  const world = useWorld({ simulator: { auditDelayMs: 60_000, pushRetryDelayMs: 20 }, ticket: true, apps: [{ nickname: 'Privacy Shop' }] });
  beforeEach(() => world.sim.requests.splice(0));

  const sim = () => world.sim;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const response = await world.platform.admin(path.replace('$APP', world.appId), { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const wechatCalls = (path: string) => world.wechatCalls(path);
  const P = '/admin/authorizers/$APP/privacy';
  const guide = {
    ownerSetting: { contactEmail: 'privacy@example.com', noticeMethod: '小程序内弹窗', storeExpireTimestamp: '30天' },
    settingList: [{ privacyKey: 'UserInfo', privacyText: '展示会员头像和昵称' }],
  };

  it('reads the development version by default, with the authorizer token as access_token', async () => {
    const { status, json } = await call('GET', P);
    expect(status).toBe(200);
    expect(json).toMatchObject({ privacyVer: 2, codeExist: false, privacyList: [], unexplained: [], settingList: [], updatedAt: null, ownerSetting: { noticeMethod: '' } });
    expect(json.privacyDesc).toContainEqual({ privacyKey: 'Location', privacyDesc: '位置信息' });
    const [get] = wechatCalls('/cgi-bin/component/getprivacysetting');
    expect(get?.body).toEqual({ privacy_ver: 2 });
    expect(sim().state.checkAuthorizerToken(get?.query.access_token).appId).toBe(world.appId);
    expect(get?.query.component_access_token).toBeUndefined();
  });

  it('sets the development version in WeChat’s field names and answers it as read back', async () => {
    const { status, json } = await call('PUT', P, guide);
    expect(status).toBe(200);
    expect(wechatCalls('/cgi-bin/component/setprivacysetting')[0]?.body).toEqual({
      privacy_ver: 2,
      owner_setting: { contact_email: 'privacy@example.com', notice_method: '小程序内弹窗', store_expire_timestamp: '30天' },
      setting_list: [{ privacy_key: 'UserInfo', privacy_text: '展示会员头像和昵称' }],
    });
    expect(wechatCalls('/cgi-bin/component/getprivacysetting')).toHaveLength(1);
    expect(json).toMatchObject({
      privacyVer: 2,
      ownerSetting: { contactEmail: 'privacy@example.com', contactPhone: '', noticeMethod: '小程序内弹窗', storeExpireTimestamp: '30天' },
      settingList: [{ privacyKey: 'UserInfo', privacyText: '展示会员头像和昵称', privacyLabel: '' }],
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The live version is untouched until an audit passes and the code is released.
    expect((await call('GET', `${P}?privacyVer=1`)).json).toMatchObject({ privacyVer: 1, settingList: [], updatedAt: null });
  });

  it('surfaces WeChat’s 86074 when the live version is edited before anything went live', async () => {
    const { status, json } = await call('PUT', P, { privacyVer: 1, ownerSetting: { contactPhone: '13800000000', noticeMethod: '公告' } });
    expect(status).toBe(409);
    expect(json.code).toBe('WECHAT_86074');
    expect(wechatCalls('/cgi-bin/component/setprivacysetting')[0]?.body).toEqual({ privacy_ver: 1, owner_setting: { contact_phone: '13800000000', notice_method: '公告' } });
  });

  it.each([
    ['no contact', { ...guide, ownerSetting: { noticeMethod: '弹窗' } }],
    ['no notice method', { ...guide, ownerSetting: { contactEmail: 'privacy@example.com' } }],
    ['a storage period that is not days', { ...guide, ownerSetting: { ...guide.ownerSetting, storeExpireTimestamp: '1 year' } }],
    ['a development version without its setting list', { ownerSetting: guide.ownerSetting }],
    ['a setting list for the live version', { privacyVer: 1, ...guide }],
    ['the same key twice', { ...guide, settingList: [...guide.settingList, ...guide.settingList] }],
    ['WeChat’s field names', { owner_setting: { contact_email: 'a@b.cn', notice_method: '弹窗' }, setting_list: [] }],
  ])('refuses %s before calling WeChat', async (_what, body) => {
    const { status, json } = await call('PUT', P, body);
    expect(status).toBe(400);
    expect(json.code).toBe('invalid_request');
    expect(wechatCalls('/cgi-bin/component/setprivacysetting')).toHaveLength(0);
  });

  it('refuses a privacy version other than 1 or 2', async () => {
    expect((await call('GET', `${P}?privacyVer=3`)).status).toBe(400);
    expect(wechatCalls('/cgi-bin/component/getprivacysetting')).toHaveLength(0);
  });

  it('names the detected types the guide does not explain yet', async () => {
    const draft = sim().addDraft({ userVersion: '1.0.0', userDesc: 'with location', privacyKeys: ['UserInfo', 'Location'] });
    expect((await call('POST', '/admin/templates', { draftId: draft.draftId })).status).toBe(201);
    const templateId = String((await call('GET', '/admin/templates')).json.templates.at(-1).template_id);
    expect((await call('POST', '/admin/authorizers/$APP/code:commit', { templateId, userVersion: '1.0.0' })).status).toBe(200);
    const { json } = await call('GET', P);
    expect(json).toMatchObject({ codeExist: true, privacyList: ['UserInfo', 'Location'], unexplained: ['Location'] });
    expect(json.settingList).toContainEqual({ privacyKey: 'Location', privacyText: '', privacyLabel: '' });
  });
});
