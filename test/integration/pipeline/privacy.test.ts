import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A fleet release with a privacy guide: every target gets it (its own contacts merged in) as
 * the development version after commit and before submit_audit, so WeChat's review — which
 * refuses code collecting user information its guide does not explain — passes it.
 */
describe('release pipeline: privacy guide', () => {
  let platform: TestPlatform;
  /** A template whose code collects UserInfo and Location (what WeChat's scan would find). */
  let templateId: number;
  const redirectUri = () => `${platform.gatewayUrl}/wechat/authorize/callback`;
  const guide = {
    ownerSetting: { contactEmail: 'privacy@fleet.example.com', noticeMethod: '小程序内弹窗', storeExpireTimestamp: '90天' },
    settingList: [
      { privacyKey: 'UserInfo', privacyText: '展示会员头像和昵称' },
      { privacyKey: 'Location', privacyText: '推荐附近门店' },
    ],
  };

  beforeAll(async () => {
    platform = await startTestPlatform({ simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 }, stepFunctionsTimeScale: 0.0001 });
    await platform.simulator!.ticketPusher.pushNow();
    const draft = platform.simulator!.addDraft({ userVersion: '3.0.0', userDesc: 'member centre', privacyKeys: ['UserInfo', 'Location'] });
    await platform.admin('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId: draft.draftId }) });
    templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates.at(-1).template_id;
  });
  afterAll(() => platform.stop());

  const authorize = async () => (await platform.simulator!.authorize({ redirectUri: redirectUri() })).appId;
  const start = async (body: Json) => {
    const response = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '3.0.0', userDesc: 'fleet release', ...body }) });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const settle = async (id: string, timeoutMs = 25_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = (await (await platform.admin(`/admin/releases/${id}?limit=500`)).json()) as Json;
      if (current.status !== 'running' || Date.now() > deadline) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  /** This app's WeChat calls among `paths`, in the order the simulator received them. */
  const callsOf = (appId: string, paths: string[]) =>
    platform.simulator!.requests.filter((r) => paths.includes(r.path) && platform.simulator!.state.checkAuthorizerToken(r.query.access_token).appId === appId);

  it('sets the guide on every target after commit and before submit_audit, with per-app contacts, and it goes live with the release', async () => {
    const [a, b] = [await authorize(), await authorize()];
    const started = await start({ targets: { appIds: [a, b] }, privacy: { ...guide, contactOverrides: { [b]: { contactPhone: '13800000000' } } } });
    expect(started.status).toBe(202);
    const done = await settle(started.json.releaseId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 2, failed: 0 } });

    for (const appId of [a, b]) {
      const order = callsOf(appId, ['/wxa/commit', '/cgi-bin/component/setprivacysetting', '/wxa/submit_audit']).map((r) => r.path);
      expect(order).toEqual(['/wxa/commit', '/cgi-bin/component/setprivacysetting', '/wxa/submit_audit']);
    }
    const [sentA] = callsOf(a, ['/cgi-bin/component/setprivacysetting']);
    expect(sentA!.body).toEqual({
      privacy_ver: 2,
      owner_setting: { contact_email: 'privacy@fleet.example.com', notice_method: '小程序内弹窗', store_expire_timestamp: '90天' },
      setting_list: [
        { privacy_key: 'UserInfo', privacy_text: '展示会员头像和昵称' },
        { privacy_key: 'Location', privacy_text: '推荐附近门店' },
      ],
    });
    expect((callsOf(b, ['/cgi-bin/component/setprivacysetting'])[0]!.body as Json).owner_setting).toEqual({
      contact_email: 'privacy@fleet.example.com', contact_phone: '13800000000', notice_method: '小程序内弹窗', store_expire_timestamp: '90天',
    });
    // Released, the guide is the live one.
    const live = await platform.admin(`/admin/authorizers/${b}/privacy?privacyVer=1`);
    expect(((await live.json()) as Json)).toMatchObject({ privacyVer: 1, unexplained: [], ownerSetting: { contactPhone: '13800000000' } });
  });

  it('without a guide, WeChat’s review rejects the code that collects user information', async () => {
    const appId = await authorize();
    const done = await settle((await start({ targets: { appIds: [appId] } })).json.releaseId);
    expect(done).toMatchObject({ status: 'completed_with_failures', counts: { failed: 1 } });
    expect(done.targets[0].failure).toMatchObject({ step: 'audit', reason: expect.stringContaining('用户隐私保护指引') });
    expect(callsOf(appId, ['/cgi-bin/component/setprivacysetting'])).toHaveLength(0);
  });

  it('fails the app with WeChat’s reason when WeChat refuses the guide, before any audit', async () => {
    const appId = await authorize();
    platform.simulator!.script('/cgi-bin/component/setprivacysetting', [{ errcode: 86072, errmsg: 'store_expire_timestamp参数无效' }]);
    const done = await settle((await start({ targets: { appIds: [appId] }, privacy: guide })).json.releaseId);
    expect(done).toMatchObject({ status: 'completed_with_failures', counts: { failed: 1 } });
    expect(done.targets[0].failure).toMatchObject({ step: 'privacy', errcode: 86072, reason: expect.stringContaining('store_expire_timestamp') });
    expect(callsOf(appId, ['/wxa/submit_audit'])).toHaveLength(0);
  });

  it('refuses a guide that leaves a target without a contact, or names apps that are not targets', async () => {
    const [a, b] = [await authorize(), await authorize()];
    const noContact = { ownerSetting: { noticeMethod: '弹窗' }, settingList: guide.settingList, contactOverrides: { [a]: { contactQq: '123456' } } };
    const refused = await start({ targets: { appIds: [a, b] }, privacy: noContact });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 'invalid_privacy', message: expect.stringContaining(b) });
    const stranger = await start({ targets: { appIds: [a] }, privacy: { ...guide, contactOverrides: { [b]: { contactQq: '123456' } } } });
    expect(stranger.status).toBe(400);
    expect(stranger.json.code).toBe('invalid_privacy');
    // Every target has a contact once its override is merged: accepted (and run to the end).
    const accepted = await start({ targets: { appIds: [a, b] }, privacy: { ...noContact, contactOverrides: { [a]: { contactQq: '123456' }, [b]: { contactWeixin: 'shop-b' } } } });
    expect(accepted.status).toBe(202);
    expect(await settle(accepted.json.releaseId)).toMatchObject({ status: 'succeeded', counts: { released: 2 } });
  });
});
