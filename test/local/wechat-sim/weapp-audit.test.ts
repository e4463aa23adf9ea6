import { commit, sleep, startPlatform, startWeappSim, type WeappSim } from './weapp-helpers';

type Platform = Awaited<ReturnType<typeof startPlatform>>;

/**
 * Audit: submit → simulated review → encrypted event push to the platform's message URL (with
 * WeChat's retries) → release → rollback; plus quota, undo and speed-up.
 */
describe('WeChat simulator: audit', () => {
  let w: WeappSim;
  let platform: Platform;
  let now: number;

  const start = async (options: Parameters<typeof startWeappSim>[0] = {}) => {
    w = await startWeappSim({ auditDelayMs: 40, pushRetryDelayMs: 20, ...options });
    now = Date.UTC(2025, 2, 10, 4, 0, 0);
    w.sim.state.now = () => now;
    platform = await startPlatform(w.component);
    w.sim.setAuthorizerEventsUrl(`${platform.url}/wechat/authorizers/$APPID$/events`);
  };
  afterEach(async () => {
    await w.stop();
    await platform.close();
  });

  const submit = (body: Record<string, unknown> = {}) => w.post('/wxa/submit_audit', body);
  const status = (auditid: number) => w.post('/wxa/get_auditstatus', { auditid });

  describe('the flow', () => {
    // Long enough that the status read right after a submit (or a delay notice) is not raced by the reviewer.
    beforeEach(() => start({ auditDelayMs: 300 }));

    it('commit → submit → success push → release → revert → 87012 on a second revert', async () => {
      // Release 1.0.0 first, so that there is a previous version to go back to.
      await commit(w, { userVersion: '1.0.0', userDesc: 'first' });
      const first = await submit();
      expect(first).toEqual({ errcode: 0, errmsg: 'ok', auditid: expect.any(Number) });
      expect(await status(first.auditid)).toMatchObject({ errcode: 0, status: 2 });
      await platform.received(1);
      await w.sim.authorizerPushesSettled();
      expect(await w.post('/wxa/release', {})).toEqual({ errcode: 0, errmsg: 'ok' });

      await commit(w, { userVersion: '1.1.0', userDesc: 'second' });
      now += 60_000;
      const second = await submit({ version_desc: 'new checkout', item_list: [{ address: 'pages/index/index', tag: 'shop', first_class: '工具', second_class: '效率', first_id: 287, second_id: 612, title: 'Home' }] });
      expect(second.auditid).toBeGreaterThan(first.auditid);
      const [, push] = await platform.received(2);

      // The push: encrypted for the component, addressed to the mini program, at its URL.
      const userName = w.sim.authorizers[0]!.userName;
      expect(push!.path).toBe(`/wechat/authorizers/${w.appId}/events`);
      expect(push!.query.get('encrypt_type')).toBe('aes');
      expect(push!.envelope).toMatch(new RegExp(`^<xml><ToUserName><!\\[CDATA\\[${userName}\\]\\]></ToUserName><Encrypt><!\\[CDATA\\[[A-Za-z0-9+/=]+\\]\\]></Encrypt></xml>$`));
      expect(push!.field('ToUserName')).toBe(userName);
      expect(push!.field('FromUserName')).toMatch(/^o[\w-]{27}$/);
      expect(push!.field('CreateTime')).toBe(String(Math.floor(now / 1000)));
      expect(push!.field('MsgType')).toBe('event');
      expect(push!.field('Event')).toBe('weapp_audit_success');
      expect(push!.field('SuccTime')).toBe(String(Math.floor(now / 1000)));
      await w.sim.authorizerPushesSettled();
      expect(w.sim.auditPushes.map((p) => [p.event, p.auditId, p.delivered, p.attempts.length])).toEqual([
        ['weapp_audit_success', first.auditid, true, 1],
        ['weapp_audit_success', second.auditid, true, 1],
      ]);

      expect(await status(second.auditid)).toEqual({ errcode: 0, errmsg: 'ok', status: 0, reason: '', screenshot: '', user_version: '1.1.0', user_desc: 'second', submit_audit_time: Math.floor(now / 1000) });
      expect(await w.get('/wxa/get_latest_auditstatus')).toMatchObject({ errcode: 0, auditid: second.auditid, status: 0, user_version: '1.1.0', user_desc: 'second' });
      expect(w.sim.app(w.appId).audits.at(-1)!.request).toMatchObject({ version_desc: 'new checkout' });

      expect(await w.post('/wxa/release', {})).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(w.sim.app(w.appId).online!.version.userVersion).toBe('1.1.0');
      expect(await w.get('/wxa/revertcoderelease')).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(w.sim.app(w.appId).online!.version.userVersion).toBe('1.0.0');
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 87012 });
    });

    it('rejects a [fail] version with Reason, FailTime and ScreenShot; release then answers 85019', async () => {
      await commit(w, { userDesc: 'broken build [fail]' });
      const { auditid } = await submit();
      const [push] = await platform.received(1);
      expect(push!.field('Event')).toBe('weapp_audit_fail');
      expect(push!.field('Reason')).toEqual(expect.any(String));
      expect(push!.field('FailTime')).toBe(String(Math.floor(now / 1000)));
      expect(push!.field('ScreenShot')).toMatch(/^[\w-]+\|[\w-]+$/);
      const answer = await status(auditid);
      // get_auditstatus spells it `screenshot`; get_latest_auditstatus's example `ScreenShot`.
      expect(answer).toMatchObject({ status: 1, reason: push!.field('Reason'), screenshot: push!.field('ScreenShot') });
      expect(answer).not.toHaveProperty('ScreenShot');
      expect(await w.get('/wxa/get_latest_auditstatus')).toMatchObject({ status: 1, ScreenShot: push!.field('ScreenShot') });
      expect(await w.post('/wxa/release', {})).toMatchObject({ errcode: 85019 });
    });

    it('delays a [delay] version: delay notice with Reason and DelayTime, then success', async () => {
      await commit(w, { userDesc: 'slow review [delay]' });
      const { auditid } = await submit();
      const [delay] = await platform.received(1);
      expect(delay!.field('Event')).toBe('weapp_audit_delay');
      expect(delay!.field('Reason')).toEqual(expect.any(String));
      expect(delay!.field('DelayTime')).toBe(String(Math.floor(now / 1000)));
      expect(await status(auditid)).toMatchObject({ status: 4 });
      const [, success] = await platform.received(2);
      expect(success!.field('Event')).toBe('weapp_audit_success');
      expect(await status(auditid)).toMatchObject({ status: 0 });
    });
  });

  describe('pushes', () => {
    beforeEach(() => start());

    it('retries a push the platform does not answer with success: fail, fail, success', async () => {
      platform.answers.push('fail', 'fail');
      await commit(w);
      await submit();
      await platform.received(3);
      await w.sim.authorizerPushesSettled();
      expect(platform.events).toHaveLength(3);
      expect(new Set(platform.events.map((e) => e.xml)).size).toBe(1);
      // Every attempt is encrypted and signed anew.
      expect(new Set(platform.events.map((e) => e.query.get('nonce'))).size).toBe(3);
      expect(w.sim.auditPushes).toHaveLength(1);
      expect(w.sim.auditPushes[0]!.attempts.map((a) => a.body)).toEqual(['fail', 'fail', 'success']);
      expect(w.sim.auditPushes[0]!.delivered).toBe(true);
    });

    it('gives up after three attempts in all', async () => {
      platform.answers.push('error', 'error', 'error', 'error');
      await commit(w);
      await submit();
      await platform.received(3);
      await w.sim.authorizerPushesSettled();
      await sleep(60);
      expect(platform.events).toHaveLength(3);
      expect(w.sim.auditPushes[0]).toMatchObject({ delivered: false, attempts: [{ status: 200 }, { status: 200 }, { status: 200 }] });
    });

    it('records an unreachable platform and sends nothing without a URL', async () => {
      await commit(w);
      w.sim.setAuthorizerEventsUrl('http://127.0.0.1:1/events/$APPID$');
      await w.sim.pushAuditEvent(w.appId, 'success');
      expect(w.sim.auditPushes[0]!.attempts.map((a) => a.status)).toEqual(['unreachable', 'unreachable', 'unreachable']);
      w.sim.setAuthorizerEventsUrl(() => undefined);
      expect(await w.sim.pushAuditEvent(w.appId, 'success')).toBeUndefined();
      expect(w.sim.auditPushes).toHaveLength(1);
    });

    it('pushAuditEvent sends an event by hand without changing the audit', async () => {
      await commit(w);
      const { auditid } = await submit();
      await w.sim.completeAudits();
      const pushed = await w.sim.pushAuditEvent(w.appId, 'fail');
      expect(pushed).toMatchObject({ event: 'weapp_audit_fail', auditId: auditid, delivered: true });
      const events = await platform.received(2);
      expect(events.map((e) => e.field('Event'))).toEqual(['weapp_audit_success', 'weapp_audit_fail']);
      expect(await status(auditid)).toMatchObject({ status: 0 });
    });
  });

  describe('rules', () => {
    it('answers 85086 without committed code, 85009 while an audit runs, 86002 for an incomplete profile', async () => {
      await start({ auditDelayMs: 60_000 });
      expect(await submit()).toMatchObject({ errcode: 85086 });
      await commit(w);
      expect(await submit()).toMatchObject({ errcode: 0 });
      expect(await submit()).toMatchObject({ errcode: 85009 });
      const incomplete = w.addAuthorizer({ profileIncomplete: true });
      await w.post('/wxa/commit', { template_id: w.sim.state.templates[0]!.templateId, ext_json: '{}', user_version: '1', user_desc: 'x' }, incomplete.token);
      expect(await w.post('/wxa/submit_audit', {}, incomplete.token)).toMatchObject({ errcode: 86002 });
    });

    it('checks item_list: at most 5 items (85023), addresses among the pages (85007)', async () => {
      await start({ auditDelayMs: 60_000 });
      await commit(w);
      expect(await submit({ item_list: Array.from({ length: 6 }, () => ({ address: 'pages/index/index' })) })).toMatchObject({ errcode: 85023 });
      expect(await submit({ item_list: [{ address: 'pages/nowhere/nowhere' }] })).toMatchObject({ errcode: 85007 });
      expect(await submit({ item_list: [{ address: 'pages/detail/detail?id=1' }] })).toMatchObject({ errcode: 0 });
    });

    it('counts the monthly quota in queryquota and answers 85085 when it is used up or forced', async () => {
      await start({ auditDelayMs: 60_000, auditQuotaPerMonth: 2 });
      expect(await w.get('/wxa/queryquota')).toEqual({ errcode: 0, errmsg: 'ok', rest: 2, limit: 2, speedup_rest: 1, speedup_limit: 1 });
      await commit(w);
      w.sim.app(w.appId).forceQuotaExceeded = true;
      expect(await submit()).toMatchObject({ errcode: 85085 });
      w.sim.app(w.appId).forceQuotaExceeded = false;
      for (let i = 0; i < 2; i++) {
        expect(await submit()).toMatchObject({ errcode: 0 });
        await w.sim.completeAudits();
      }
      expect(await w.get('/wxa/queryquota')).toMatchObject({ rest: 0, limit: 2 });
      expect(await submit()).toMatchObject({ errcode: 85085 });
      now = Date.UTC(2025, 2, 31, 16, 0, 0); // 1 April in Beijing
      expect(await w.get('/wxa/queryquota')).toMatchObject({ rest: 2 });
      expect(await submit()).toMatchObject({ errcode: 0 });
    });

    it('undoes only while auditing (87012 otherwise), 5 a day and 10 a month (87013), and no push follows', async () => {
      await start({ auditDelayMs: 600 });
      expect(await w.get('/wxa/undocodeaudit')).toMatchObject({ errcode: 87012 });
      await commit(w);
      const { auditid } = await submit();
      expect(await w.get('/wxa/undocodeaudit')).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await status(auditid)).toMatchObject({ status: 3 });
      expect(await w.get('/wxa/undocodeaudit')).toMatchObject({ errcode: 87012 });
      const submitAndUndo = async () => {
        await submit();
        return w.get('/wxa/undocodeaudit');
      };
      // WeChat's page: 5 a day (our reference said 1) …
      for (let undo = 2; undo <= 5; undo++) expect(await submitAndUndo()).toMatchObject({ errcode: 0 });
      expect(await submitAndUndo()).toMatchObject({ errcode: 87013 });
      now += 24 * 3_600_000;
      expect(await w.get('/wxa/undocodeaudit')).toMatchObject({ errcode: 0 });
      // … and 10 a month.
      for (let undo = 7; undo <= 10; undo++) expect(await submitAndUndo()).toMatchObject({ errcode: 0 });
      now += 24 * 3_600_000;
      expect(await submitAndUndo()).toMatchObject({ errcode: 87013 });
      expect(w.sim.app(w.appId).audits.map((a) => a.status)).toEqual([...Array<number>(10).fill(3), 2]);
      // Finishing every running audit pushes one result: the withdrawn ones never report.
      await w.sim.completeAudits();
      expect((await platform.received(1)).map((p) => p.field('Event'))).toEqual(['weapp_audit_success']);
      expect(w.sim.auditPushes).toHaveLength(1);
    });

    // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_speedupcodeaudit
    // 89402 not in the audit queue, 89404 already sped up, 89405 no speed-ups left this month.
    it('speeds an audit up once a month, in WeChat\'s errcodes: 89404 twice, 89402 when not under review, 89405 without quota', async () => {
      // Sped up, the review takes a tenth: 2 s instead of 20 s.
      await start({ auditDelayMs: 20_000 });
      await commit(w);
      const { auditid } = await submit();
      const started = Date.now();
      expect(await w.post('/wxa/speedupaudit', { auditid })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await w.post('/wxa/speedupaudit', { auditid })).toMatchObject({ errcode: 89404 });
      expect(await platform.received(1, 15_000)).toHaveLength(1);
      // Whatever the machine's load, an audit that was not sped up cannot report before 20 s.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await status(auditid)).toMatchObject({ status: 0 });
      expect(await w.post('/wxa/speedupaudit', { auditid })).toMatchObject({ errcode: 89402 });
      expect(await w.post('/wxa/speedupaudit', { auditid: 1 })).toMatchObject({ errcode: 85012 });
      const next = await submit();
      expect(await w.post('/wxa/speedupaudit', { auditid: next.auditid })).toMatchObject({ errcode: 89405 });
      expect(await w.get('/wxa/queryquota')).toMatchObject({ speedup_rest: 0 });
    });

    // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_setcodeauditquota
    // "所有旗下小程序共用该额度": one quota for every mini program of the platform.
    it('counts the audit and speed-up quota for the whole platform, not per mini program', async () => {
      await start({ auditDelayMs: 60_000, auditQuotaPerMonth: 2 });
      const other = w.addAuthorizer();
      await commit(w);
      expect(await submit()).toMatchObject({ errcode: 0 });
      expect(await w.get('/wxa/queryquota', {}, other.token)).toMatchObject({ rest: 1, limit: 2 });
      const auditid = w.sim.app(w.appId).audits[0]!.auditId;
      expect(await w.post('/wxa/speedupaudit', { auditid })).toMatchObject({ errcode: 0 });
      expect(await w.get('/wxa/queryquota', {}, other.token)).toMatchObject({ speedup_rest: 0, speedup_limit: 1 });
    });

    it('sends nothing once the owner revoked the platform', async () => {
      await start({ auditDelayMs: 60_000 });
      await commit(w);
      await submit();
      await w.sim.revoke(w.appId);
      await w.sim.completeAudits();
      expect(platform.events).toHaveLength(0);
      expect(w.sim.auditPushes).toHaveLength(0);
    });

    it('completeAudits finishes running audits at once, delay notices first', async () => {
      await start({ auditDelayMs: 60_000 });
      await commit(w, { userDesc: 'needs time [delay]' });
      const { auditid } = await submit();
      await w.sim.completeAudits();
      expect(platform.events.map((e) => e.field('Event'))).toEqual(['weapp_audit_delay', 'weapp_audit_success']);
      expect(await status(auditid)).toMatchObject({ status: 0 });
    });

    it('answers an unknown audit id 85012, and get_latest_auditstatus before any audit too', async () => {
      await start();
      expect(await w.get('/wxa/get_latest_auditstatus')).toMatchObject({ errcode: 85012 });
      expect(await status(123)).toMatchObject({ errcode: 85012 });
    });
  });
});
