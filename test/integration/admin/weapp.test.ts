import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../functions/lib/aws/clients';
import { signedPush } from '../../helpers/push';
import { useWorld, authorizeRedirectUri } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every mini-program route against the simulator: the happy path and WeChat's refusal. */
describe('mini-program admin API', () => {
  const world = useWorld({ simulator: { auditDelayMs: 60_000, pushRetryDelayMs: 20 }, ticket: true, apps: [{ nickname: 'Fleet Shop' }] });
  beforeEach(() => world.sim.requests.splice(0));

  const sim = () => world.sim;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; headers: Headers; bytes?: Buffer }> => {
    const response = await world.platform.admin(path.replace('$APP', world.appId), { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('image/')) return { status: response.status, json: {}, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
    return { status: response.status, json: (await response.json()) as Json, headers: response.headers };
  };
  const wechatCalls = (path: string) => world.wechatCalls(path);
  const A = '/admin/authorizers/$APP';

  describe('basic information', () => {
    it('reads basic info', async () => {
      const { status, json } = await call('GET', `${A}/basic-info`);
      expect(status).toBe(200);
      expect(json.appid).toBe(world.appId);
    });

    it('sets the name of an ordinary authorized mini program: no pre-check there (41033), setnickname checks itself', async () => {
      // checkwxverifynickname is only for mini programs created through the API; WeChat answers
      // 41033 to the others, and the rename goes on to setnickname.
      const check = await call('POST', `${A}/nickname:check`, { nickName: 'Fleet Store' });
      expect(check.status).toBe(200);
      expect(check.json).toEqual({ checked: false, hitCondition: false, wording: '' });
      const { status, json } = await call('PUT', `${A}/nickname`, { nickName: 'Fleet Store' });
      expect(status).toBe(200);
      expect(json.check).toEqual({ checked: false, hitCondition: false, wording: '' });
      expect(wechatCalls('/wxa/setnickname')[0]?.body).toEqual({ nick_name: 'Fleet Store' });
      // In effect without review, so the registry shows it at once.
      expect((await call('GET', '/admin/authorizers/$APP')).json.nickname).toBe('Fleet Store');
    });

    it('checks the name first for a mini program created through the API', async () => {
      sim().state.markCreatedViaApi(world.appId);
      const { status, json } = await call('POST', `${A}/nickname:check`, { nickName: 'Fleet Store' });
      expect(status).toBe(200);
      expect(json).toEqual({ checked: true, hitCondition: false, wording: expect.any(String) });
      expect(wechatCalls('/cgi-bin/wxverify/checkwxverifynickname')).toHaveLength(1);
    });

    it('returns the audit id when a keyword hit goes to review with proof material', async () => {
      const hit = await call('POST', `${A}/nickname:check`, { nickName: '微信小店' });
      expect(hit.json.hitCondition).toBe(true);
      const refused = await call('PUT', `${A}/nickname`, { nickName: '微信小店' });
      expect(refused.status).toBe(400);
      expect(refused.json.code).toMatch(/^WECHAT_\d+$/);
      // Proof material is a media id of the app's own uploads (the avatar upload gives one).
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      const { mediaId } = (await call('PUT', `${A}/head-image`, { image: png.toString('base64'), contentType: 'image/png' })).json;
      const withProof = await call('PUT', `${A}/nickname`, { nickName: '微信小店', license: mediaId });
      expect(withProof.status).toBe(200);
      expect(withProof.json.auditId).toMatch(/^\d+$/);
      // Under review the old name stays in effect, and in the registry.
      expect((await call('GET', '/admin/authorizers/$APP')).json.nickname).toBe('Fleet Store');
      const audit = await call('GET', `${A}/nickname/audits/${withProof.json.auditId}`);
      expect(audit.status).toBe(200);
      expect(['auditing', 'passed']).toContain(audit.json.status);
    });

    it('uploads an avatar then sets it', async () => {
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      const { status, json } = await call('PUT', `${A}/head-image`, { image: png.toString('base64'), contentType: 'image/png' });
      expect(status).toBe(200);
      expect(json.mediaId).toBeTruthy();
      expect(wechatCalls('/cgi-bin/account/modifyheadimage')[0]?.body).toMatchObject({ head_img_media_id: json.mediaId });
    });

    it('sets the signature and refuses one that is too short before calling WeChat', async () => {
      expect((await call('PUT', `${A}/signature`, { signature: 'A shop for everyone' })).status).toBe(200);
      expect((await call('GET', '/admin/authorizers/$APP')).json.signature).toBe('A shop for everyone');
      const short = await call('PUT', `${A}/signature`, { signature: 'abc' });
      expect(short.status).toBe(400);
      expect(short.json.code).toBe('invalid_request');
      expect(wechatCalls('/cgi-bin/account/modifysignature')).toHaveLength(1);
    });

    it('hides the app from search and reads it back', async () => {
      expect((await call('PUT', `${A}/search-status`, { searchable: false })).json).toEqual({ searchable: false });
      expect((await call('GET', `${A}/search-status`)).json).toEqual({ searchable: false });
    });
  });

  describe('domains', () => {
    it('sets server domains and reads them back', async () => {
      const set = await call('PUT', `${A}/domains`, { request: ['https://api.example.com'], wsRequest: ['wss://ws.example.com'] });
      expect(set.status).toBe(200);
      expect(set.json.request).toEqual(['https://api.example.com']);
      expect(wechatCalls('/wxa/modify_domain')[0]?.body).toEqual({ action: 'set', requestdomain: ['https://api.example.com'], wsrequestdomain: ['wss://ws.example.com'] });
      expect((await call('GET', `${A}/domains`)).json.wsRequest).toEqual(['wss://ws.example.com']);
      expect((await call('GET', `${A}/domains/effective`)).status).toBe(200);
    });

    it('refuses http and paths before WeChat, and surfaces 85017 for a domain not on the platform', async () => {
      expect((await call('POST', `${A}/domains:add`, { request: ['http://api.example.com'] })).status).toBe(400);
      expect((await call('POST', `${A}/domains:add`, { request: ['https://api.example.com/v1'] })).status).toBe(400);
      expect(wechatCalls('/wxa/modify_domain')).toHaveLength(0);
      const foreign = await call('POST', `${A}/domains:add`, { request: ['https://evil.example.org'] });
      expect(foreign.status).toBe(400);
      expect(foreign.json.code).toBe('WECHAT_85017');
    });

    it('sets web-view domains and surfaces 89021 for a foreign one', async () => {
      expect((await call('PUT', `${A}/webview-domains`, { webview: ['https://www.example.com'] })).json.webview).toEqual(['https://www.example.com']);
      expect((await call('GET', `${A}/webview-domains`)).json.webview).toEqual(['https://www.example.com']);
      const foreign = await call('POST', `${A}/webview-domains:add`, { webview: ['https://www.example.org'] });
      expect(foreign.json.code).toBe('WECHAT_89021');
    });
  });

  describe('templates', () => {
    it('adds a draft to the library, lists and deletes templates', async () => {
      const drafts = await call('GET', '/admin/templates/drafts');
      const draftId = drafts.json.drafts[0].draft_id;
      expect((await call('POST', '/admin/templates', { draftId })).status).toBe(201);
      const list = await call('GET', '/admin/templates');
      const template = list.json.templates.find((t: Json) => t.user_version === drafts.json.drafts[0].user_version);
      expect(template).toBeDefined();
      expect((await call('DELETE', `/admin/templates/${template.template_id}`)).status).toBe(200);
      const missing = await call('DELETE', `/admin/templates/${template.template_id}`);
      expect(missing.json.code).toMatch(/^WECHAT_/);
    });
  });

  describe('code, testers, audit, release', () => {
    let templateId: string;
    beforeAll(async () => {
      const drafts = await call('GET', '/admin/templates/drafts');
      await call('POST', '/admin/templates', { draftId: drafts.json.drafts[1].draft_id });
      templateId = String((await call('GET', '/admin/templates')).json.templates.at(-1).template_id);
    });

    it('refuses to submit before anything is committed and to release before audit', async () => {
      const other = await world.sim.authorize({ redirectUri: authorizeRedirectUri(world.platform) });
      const submit = await world.platform.admin(`/admin/authorizers/${other.appId}/audits`, { method: 'POST', body: '{}' });
      expect(submit.status).toBe(409);
      // The privacy check runs first and finds no committed code.
      expect(((await submit.json()) as Json).code).toMatch(/^WECHAT_(86001|85086)$/);
      const release = await world.platform.admin(`/admin/authorizers/${other.appId}/release`, { method: 'POST' });
      expect(release.status).toBe(409);
      expect(((await release.json()) as Json).code).toBe('WECHAT_85019');
    });

    it('commits with the merged ext_json, and surfaces an unknown template', async () => {
      const commit = await call('POST', `${A}/code:commit`, { templateId, userVersion: '1.0.0', userDesc: 'first', extJsonBase: { ext: { api: 'https://api.example.com' } }, extJson: { ext: { shopId: 7 } } });
      expect(commit.status).toBe(200);
      const sent = wechatCalls('/wxa/commit')[0]?.body as Json;
      expect(JSON.parse(sent.ext_json)).toEqual({ extEnable: true, extAppid: world.appId, ext: { api: 'https://api.example.com', shopId: 7 } });
      expect(sent).toMatchObject({ template_id: Number(templateId), user_version: '1.0.0', user_desc: 'first' });
      const unknown = await call('POST', `${A}/code:commit`, { templateId: '999999', userVersion: '1.0.1' });
      expect(unknown.status).toBe(400);
      expect(unknown.json.code).toBe('WECHAT_85014');
    });

    it('lists pages and categories, and returns the trial QR code as an image', async () => {
      expect((await call('GET', `${A}/code/pages`)).json.pages.length).toBeGreaterThan(0);
      expect((await call('GET', `${A}/categories`)).json.categories.length).toBeGreaterThan(0);
      const qr = await call('GET', `${A}/code/trial-qrcode?path=pages/index/index`);
      expect(qr.status).toBe(200);
      expect(qr.headers.get('content-type')).toMatch(/^image\//);
      expect(qr.bytes!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    });

    it('binds, lists and unbinds testers, and surfaces an unknown WeChat id', async () => {
      const bound = await call('POST', `${A}/testers`, { wechatId: 'tester01' });
      expect(bound.status).toBe(201);
      expect((await call('GET', `${A}/testers`)).json.testers).toContainEqual({ userstr: bound.json.userstr });
      expect((await call('DELETE', `${A}/testers/${bound.json.userstr}?by=userstr`)).status).toBe(200);
      expect((await call('POST', `${A}/testers`, { wechatId: 'unknown-person' })).json.code).toBe('WECHAT_85001');
    });

    it('submits an audit after the privacy and quota checks, and records the pushed success once', async () => {
      const submitted = await call('POST', `${A}/audits`, { versionDesc: 'first release' });
      expect(submitted.status).toBe(201);
      expect(submitted.json).toMatchObject({ status: 'auditing', userVersion: '1.0.0', versionDesc: 'first release' });
      expect(sim().requests.map((r) => r.path).filter((p) => ['/wxa/security/get_code_privacy_info', '/wxa/queryquota', '/wxa/submit_audit'].includes(p))).toEqual([
        '/wxa/security/get_code_privacy_info',
        '/wxa/queryquota',
        '/wxa/submit_audit',
      ]);
      const again = await call('POST', `${A}/audits`, {});
      expect(again.status).toBe(409);
      expect(again.json.code).toBe('WECHAT_85009');
      await sim().completeAudits();
      // A re-delivery of the same push changes nothing.
      await sim().pushAuditEvent(world.appId, 'success');
      const audits = (await call('GET', `${A}/audits`)).json.audits as Json[];
      expect(audits[0]).toMatchObject({ auditId: submitted.json.auditId, status: 'passed' });
      expect(audits[0]!.events.map((e: Json) => e.event).filter((e: string) => e === 'weapp_audit_success').length).toBeGreaterThanOrEqual(1);
      expect((await call('GET', `${A}/audits/latest`)).json.status).toBe('passed');
      expect((await call('GET', `${A}/audits/${submitted.json.auditId}`)).json.status).toBe('passed');
    });

    it('releases, reverts one level only, and reports versions', async () => {
      expect((await call('POST', `${A}/release`)).status).toBe(200);
      expect((await call('POST', `${A}/release`)).json.code).toBe('WECHAT_85052');
      expect((await call('GET', `${A}/versions`)).json.release).not.toBeNull();
      expect((await call('GET', `${A}/release/history`)).status).toBe(200);
      // Second version, so there is something to revert to.
      await call('POST', `${A}/code:commit`, { templateId, userVersion: '1.0.1', userDesc: 'second' });
      await call('POST', `${A}/audits`, {});
      await sim().completeAudits();
      expect((await call('POST', `${A}/release`)).status).toBe(200);
      expect((await call('POST', `${A}/release:revert`, {})).status).toBe(200);
      const twice = await call('POST', `${A}/release:revert`, {});
      expect(twice.status).toBe(409);
      expect(twice.json.code).toBe('WECHAT_87012');
    });

    it('keeps WeChat’s reason and screenshots of a rejection', async () => {
      await call('POST', `${A}/code:commit`, { templateId, userVersion: '1.0.2', userDesc: 'will be rejected [fail]' });
      await call('POST', `${A}/audits`, {});
      await sim().completeAudits();
      const [latest] = (await call('GET', `${A}/audits`)).json.audits as Json[];
      expect(latest).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/.+/) });
      expect(latest!.screenshots.length).toBeGreaterThan(0);
      expect((await call('GET', `${A}/audits/latest`)).json).toMatchObject({ status: 'rejected', screenshots: latest!.screenshots });
    });

    it('undoes an audit 5 times a day (guarded before WeChat) and only while auditing', async () => {
      await call('POST', `${A}/code:commit`, { templateId, userVersion: '1.0.3', userDesc: 'to withdraw' });
      for (let undo = 1; undo <= 5; undo++) {
        await call('POST', `${A}/audits`, {});
        expect((await call('POST', `${A}/audits:undo`)).status).toBe(200);
        expect((await call('GET', `${A}/audits`)).json.audits[0].status).toBe('withdrawn');
      }
      sim().requests.splice(0);
      const sixth = await call('POST', `${A}/audits:undo`);
      expect(sixth.status).toBe(429);
      expect(sixth.json).toMatchObject({ code: 'QUOTA_EXCEEDED', resetsAt: expect.any(String) });
      expect(wechatCalls('/wxa/undocodeaudit')).toHaveLength(0);
    });

    it('sets and reverts a gray release, and changes visit status', async () => {
      await call('POST', `${A}/code:commit`, { templateId, userVersion: '1.0.4', userDesc: 'gray' });
      await call('POST', `${A}/audits`, {});
      await sim().completeAudits();
      expect((await call('PUT', `${A}/gray-release`, { percentage: 10 })).status).toBe(200);
      expect((await call('GET', `${A}/gray-release`)).json).toMatchObject({ gray_percentage: 10 });
      expect((await call('POST', `${A}/release:revert`, {})).json.code).toBe('WECHAT_87011');
      expect((await call('DELETE', `${A}/gray-release`)).status).toBe(200);
      expect((await call('PUT', `${A}/gray-release`, { percentage: 0 })).status).toBe(400);
      expect((await call('PUT', `${A}/visit-status`, { status: 'offline' })).status).toBe(200);
      expect(wechatCalls('/wxa/change_visitstatus')[0]?.body).toEqual({ action: 'close' });
    });

    it('widens a gray release and completes it: the version goes live for everyone', async () => {
      await call('POST', `${A}/code:commit`, { templateId, userVersion: '1.0.5', userDesc: 'gray to complete' });
      await call('POST', `${A}/audits`, {});
      await sim().completeAudits();
      const before = sim().app(world.appId).online?.version.userVersion;
      expect((await call('PUT', `${A}/gray-release`, { percentage: 0, experiencersFirst: true })).status).toBe(200);
      expect(wechatCalls('/wxa/grayrelease')[0]?.body).toEqual({ gray_percentage: 0, support_experiencer_first: true });
      expect((await call('PUT', `${A}/gray-release`, { percentage: 20 })).status).toBe(200);
      const lower = await call('PUT', `${A}/gray-release`, { percentage: 10 });
      expect(lower).toMatchObject({ status: 409, json: { code: 'WECHAT_85082' } });
      expect((await call('GET', `${A}/gray-release`)).json).toEqual({ status: 1, create_timestamp: expect.any(Number), gray_percentage: 20, support_experiencer_first: false, support_debuger_first: false });
      expect(sim().app(world.appId).online?.version.userVersion).toBe(before);

      expect(await call('POST', `${A}/gray-release:complete`)).toMatchObject({ status: 200, json: { ok: true } });
      expect(wechatCalls('/wxa/release')).toHaveLength(1);
      expect(sim().app(world.appId).online?.version.userVersion).toBe('1.0.5');
      expect((await call('GET', `${A}/gray-release`)).json).toMatchObject({ status: 3 });
      // Completing twice is fine (WeChat's 85052: this version is out already).
      expect((await call('POST', `${A}/gray-release:complete`)).status).toBe(200);
    });
  });

  describe('mini-program codes', () => {
    it.each([
      ['wxacode', { path: 'pages/index/index?id=1' }],
      ['wxacode:unlimited', { scene: 'shop=1&x=2' }],
      ['qrcode', { path: 'pages/index/index' }],
    ])('%s answers image bytes', async (kind, body) => {
      const { status, headers, bytes } = await call('POST', `${A}/${kind}`, body);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^image\//);
      expect(bytes!.subarray(1, 4).toString()).toBe('PNG');
    });

    it('takes a getwxacode path of up to 1024 characters, as WeChat does (createwxaqrcode: 128)', async () => {
      // https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode
      const long = `pages/index/index?q=${'x'.repeat(1000)}`;
      expect((await call('POST', `${A}/wxacode`, { path: long })).status).toBe(200);
      expect((await call('POST', `${A}/qrcode`, { path: long })).status).toBe(400);
    });

    it('refuses a scene over 32 characters before WeChat', async () => {
      expect((await call('POST', `${A}/wxacode:unlimited`, { scene: 'x'.repeat(33) })).status).toBe(400);
      expect(wechatCalls('/wxa/getwxacodeunlimit')).toHaveLength(0);
    });

    it('turns a JSON answer in place of an image into an error', async () => {
      sim().script('/wxa/getwxacode', [{ json: { errcode: 0, errmsg: 'ok' } }]);
      const { status, json } = await call('POST', `${A}/wxacode`, { path: 'pages/index/index' });
      expect(status).toBe(502);
      expect(json.code).toBe('wechat_unavailable');
    });

    it('guards the 100,000-code limit per app before WeChat', async () => {
      // Stand in for 100,000 earlier codes by setting the counter directly.
      await dynamoDocumentClient().send(new UpdateCommand({ TableName: world.platform.settings.tableName, Key: { pk: `AUTHORIZER#${world.appId}`, sk: 'QUOTA#limitedWxaCode#total#all' }, UpdateExpression: 'SET used = :n', ExpressionAttributeValues: { ':n': 100_000 } }));
      sim().requests.splice(0);
      const { status, json } = await call('POST', `${A}/qrcode`, { path: 'pages/index/index' });
      expect(status).toBe(429);
      expect(json).toMatchObject({ code: 'QUOTA_EXCEEDED', resetsAt: 'never' });
      expect(wechatCalls('/cgi-bin/wxaapp/createwxaqrcode')).toHaveLength(0);
    });
  });

  describe('POST /wechat/authorizers/{appId}/events', () => {
    const eventsUrl = () => `${world.platform.gatewayUrl}/wechat/authorizers/${world.appId}/events`;
    // Addressed to the app's original id, as WeChat addresses it (the handler checks it).
    const userName = () => world.sim.authorizers.find((a) => a.appId === world.appId)!.userName;
    const auditXml = (event: string) =>
      `<xml><ToUserName><![CDATA[${userName()}]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1790000100</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event><Reason><![CDATA[Some reason]]></Reason><ScreenShot><![CDATA[m1|m2]]></ScreenShot></xml>`;

    it('refuses a push with a bad signature and changes nothing', async () => {
      const push = signedPush(world.platform.settings.component, auditXml('weapp_audit_fail'));
      const before = await world.platform.scanTable();
      const response = await fetch(`${eventsUrl()}?${push.query.replace(/msg_signature=[0-9a-f]/, 'msg_signature=x')}`, { method: 'POST', body: push.body });
      expect(response.status).toBe(401);
      expect((await world.platform.scanTable()).length).toBe(before.length);
    });

    it('records a pushed rejection once, however often it is delivered', async () => {
      const push = signedPush(world.platform.settings.component, auditXml('weapp_audit_fail'));
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${eventsUrl()}?${push.query}`, { method: 'POST', body: push.body });
        expect(await response.text()).toBe('success');
      }
      const [latest] = (await call('GET', `${A}/audits`)).json.audits as Json[];
      expect(latest).toMatchObject({ status: 'rejected', reason: 'Some reason', screenshots: ['m1', 'm2'] });
      expect(latest!.events.filter((e: Json) => e.reason === 'Some reason')).toHaveLength(1);
    });

    it('acknowledges other events without recording them', async () => {
      const before = await world.platform.scanTable();
      const push = signedPush(world.platform.settings.component, auditXml('some_future_event'));
      expect(await (await fetch(`${eventsUrl()}?${push.query}`, { method: 'POST', body: push.body })).text()).toBe('success');
      expect((await world.platform.scanTable()).length).toBe(before.length);
    });
  });

  it('answers 409 for an app that is not authorized, without calling WeChat', async () => {
    const response = await world.platform.admin('/admin/authorizers/wx00000000000000ff/basic-info');
    expect(response.status).toBe(409);
    expect(((await response.json()) as Json).code).toBe('authorizer_unavailable');
  });
});
