import { sfnClient } from '../../../functions/lib/aws/sfn';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { platformStores } from '../../../functions/lib/platform';
import { ReleaseService } from '../../../functions/lib/release/release-service';
import type { TemplateApi } from '../../../functions/lib/wechat/weapp';
import type { MiniProgramService } from '../../../functions/lib/weapp/mini-program-service';
import { settled } from '../../local/stepfunctions/helpers';
import { scaled } from '../../helpers/time-scale';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Releases end to end: admin API → Step Functions (the deployed ASL, run locally) → pipeline
 * steps → simulator, with audit results pushed back (or polled when a push is lost).
 */
describe('release pipeline', () => {
  let platform: TestPlatform;
  let templateId: number;
  const redirectUri = () => `${platform.gatewayUrl}/wechat/authorize/callback`;

  beforeAll(async () => {
    // Hours of waiting in the ASL become milliseconds; the audit timeout falls back to polling after ~2 s.
    platform = await startTestPlatform({ simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 }, stepFunctionsTimeScale: 0.0001 });
    await platform.simulator!.ticketPusher.pushNow();
    await platform.admin('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId: 1 }) });
    templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;
  });
  afterAll(() => platform.stop());

  const authorize = async () => (await platform.simulator!.authorize({ redirectUri: redirectUri() })).appId;
  const start = async (body: Json) => {
    const response = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '2.0.0', userDesc: 'fleet release', ...body }) });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const release = async (id: string) => (await (await platform.admin(`/admin/releases/${id}?limit=500`)).json()) as Json;
  const settle = async (id: string, until = (r: Json) => r.status !== 'running', timeoutMs = 25_000) => {
    const deadline = Date.now() + scaled(timeoutMs);
    for (;;) {
      const current = await release(id);
      if (until(current) || Date.now() > deadline) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const wechatCalls = (path: string, appId: string) =>
    platform.simulator!.requests.filter((r) => r.path === path && platform.simulator!.state.checkAuthorizerToken(r.query.access_token).appId === appId);

  it('ships one app: domains → commit → audit (pushed) → release', async () => {
    const appId = await authorize();
    const started = await start({ targets: { appIds: [appId] }, domains: { request: ['https://api.example.com'] }, extJsonOverrides: { [appId]: { ext: { shop: 1 } } } });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ status: 'running', total: 1, counts: { pending: 1 } });
    const done = await settle(started.json.releaseId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1, failed: 0 } });
    expect(done.targets[0]).toMatchObject({ appId, state: 'released', auditId: expect.any(String) });
    expect(done.targets[0].history.map((h: Json) => h.state)).toEqual(['pending', 'domains_set', 'committed', 'audit_submitted', 'audit_passed', 'released']);
    expect(wechatCalls('/wxa/commit', appId)).toHaveLength(1);
    expect(wechatCalls('/wxa/submit_audit', appId)).toHaveLength(1);
    expect(wechatCalls('/wxa/release', appId)).toHaveLength(1);
    expect(JSON.parse((wechatCalls('/wxa/commit', appId)[0]!.body as Json).ext_json)).toMatchObject({ extAppid: appId, ext: { shop: 1 } });
  });

  // WeChat may decide and push before the pipeline has recorded the submission (13 of 10,000
  // apps in the release-fleet bench). The simulator here pushes, and waits for the platform's
  // answer, before submit_audit answers: the push always comes first.
  it('resumes at once when the audit push arrives before the submission is recorded (no polling)', async () => {
    const sim = platform.simulator!;
    const appIds = [await authorize(), await authorize(), await authorize()];
    sim.state.options.auditDecidesBeforeAnswer = true;
    try {
      const started = await start({ targets: { appIds } });
      const done = await settle(started.json.releaseId);
      expect(done).toMatchObject({ status: 'succeeded', counts: { released: 3, failed: 0 } });
      for (const appId of appIds) {
        expect(wechatCalls('/wxa/commit', appId)).toHaveLength(1);
        expect(wechatCalls('/wxa/submit_audit', appId)).toHaveLength(1);
        expect(wechatCalls('/wxa/release', appId)).toHaveLength(1);
        // Resumed by the push, not rescued by the 6 h fallback poll (2 s at this time scale).
        expect(wechatCalls('/wxa/get_auditstatus', appId)).toHaveLength(0);
        const pushes = sim.auditPushes.filter((p) => p.appId === appId);
        expect(pushes.map((p) => [p.event, p.delivered])).toEqual([['weapp_audit_success', true]]);
        // One audit on the app's history: the release's, decided by the push; none "from elsewhere".
        const history = await platformStores().audits.list(appId);
        expect(history.map((a) => [a.releaseId, a.status, a.events.map((e) => e.event)])).toEqual([[started.json.releaseId, 'passed', ['submitted', 'weapp_audit_success']]]);
      }
    } finally {
      sim.state.options.auditDecidesBeforeAnswer = false;
    }
  });

  it('binds testers and keeps the trial QR code after commit', async () => {
    const appId = await authorize();
    const started = await start({ targets: { appIds: [appId] }, testers: ['tester-a', 'tester-b'], trialQrcode: true });
    const done = await settle(started.json.releaseId);
    expect(done.targets[0].trialQrcode).toBe(`/admin/releases/${started.json.releaseId}/targets/${appId}/trial-qrcode`);
    expect(wechatCalls('/wxa/bind_tester', appId).map((r) => (r.body as Json).wechatid)).toEqual(['tester-a', 'tester-b']);
    const image = await platform.admin(done.targets[0].trialQrcode);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    expect(Buffer.from(await image.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
  });

  it('records an audit rejection with WeChat’s reason and moves on', async () => {
    const appId = await authorize();
    const started = await start({ userDesc: 'this one fails [fail]', targets: { appIds: [appId] } });
    const done = await settle(started.json.releaseId);
    expect(done).toMatchObject({ status: 'completed_with_failures', counts: { failed: 1, released: 0 } });
    expect(done.targets[0].failure).toMatchObject({ step: 'audit', reason: expect.stringMatching(/^audit rejected: .+/) });
    expect(wechatCalls('/wxa/release', appId)).toHaveLength(0);
  });

  it('recovers a lost audit push by polling', async () => {
    const appId = await authorize();
    platform.simulator!.setAuthorizerEventsUrl(() => undefined);
    try {
      const started = await start({ targets: { appIds: [appId] } });
      const done = await settle(started.json.releaseId);
      expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1 } });
      expect(wechatCalls('/wxa/get_auditstatus', appId).length).toBeGreaterThanOrEqual(1);
    } finally {
      platform.simulator!.setAuthorizerEventsUrl(`${platform.gatewayUrl}/wechat/authorizers/$APPID$/events`);
    }
  });

  // WeChat's audit pushes name no audit id: a success meant for an earlier audit (one that
  // passed before a lost-answer retry submitted again, or one submitted outside the platform)
  // can arrive while this release's audit is still under review. /wxa/release then says 85020.
  it('goes back to waiting when a success push was not for its audit (85020 on release)', async () => {
    const appId = await authorize();
    const sim = platform.simulator!;
    sim.state.options.auditDelayMs = 600_000;
    try {
      const started = await start({ targets: { appIds: [appId] } });
      await settle(started.json.releaseId, (r) => r.targets[0]?.state === 'audit_submitted');
      const auditId = sim.app(appId).audits.at(-1)!.auditId;
      await sim.pushAuditEvent(appId, 'success');
      const back = await settle(started.json.releaseId, (r) => r.targets[0]?.history.filter((h: Json) => h.state === 'audit_submitted').length === 2);
      expect(back.targets[0]).toMatchObject({ state: 'audit_submitted', auditId: String(auditId) });
      // The one release call was refused (85020): the audit is still under review, nothing is online.
      expect(wechatCalls('/wxa/release', appId)).toHaveLength(1);
      expect(sim.app(appId).audits.at(-1)!.status).toBe(2);
      expect(sim.app(appId).online).toBeUndefined();
      await sim.completeAudits();
      const done = await settle(started.json.releaseId);
      expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1, failed: 0 } });
      expect(done.targets[0].history.map((h: Json) => h.state)).toEqual(['pending', 'domains_set', 'committed', 'audit_submitted', 'audit_passed', 'audit_submitted', 'audit_passed', 'released']);
      expect(sim.app(appId).online?.auditId).toBe(auditId);
      expect(wechatCalls('/wxa/release', appId)).toHaveLength(2);
    } finally {
      sim.state.options.auditDelayMs = 150;
    }
  });

  it('releases at once when its audit passed between WeChat’s 85020 and the recheck', async () => {
    const appId = await authorize();
    // The refusal came while the audit was still under review; by the recheck it has passed.
    platform.simulator!.script('/wxa/release', [{ errcode: 85020, errmsg: 'audit status does not allow release' }]);
    const started = await start({ targets: { appIds: [appId] } });
    const done = await settle(started.json.releaseId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1, failed: 0 } });
    expect(done.targets[0].history.map((h: Json) => h.state)).toEqual(['pending', 'domains_set', 'committed', 'audit_submitted', 'audit_passed', 'released']);
    expect(wechatCalls('/wxa/get_auditstatus', appId).map((r) => (r.body as Json).auditid)).toEqual([Number(done.targets[0].auditId)]);
    expect(platform.simulator!.app(appId).online?.auditId).toBe(Number(done.targets[0].auditId));
  });

  it('holds passed apps until an admin approves', async () => {
    const appId = await authorize();
    const started = await start({ targets: { appIds: [appId] }, autoRelease: false });
    const held = await settle(started.json.releaseId, (r) => r.counts.held === 1);
    expect(held.targets[0].state).toBe('held');
    expect(wechatCalls('/wxa/release', appId)).toHaveLength(0);
    // The execution has finalized, yet an app waiting for approval keeps the release running.
    expect((await settled(sfnClient(), started.json.executionArn, 10_000)).status).toBe('SUCCEEDED');
    expect(await release(started.json.releaseId)).toMatchObject({ status: 'running', counts: { held: 1 } });
    const approve = await platform.admin(`/admin/releases/${started.json.releaseId}/approve`, { method: 'POST' });
    expect(await approve.json()).toEqual({ released: 1, failed: 0, remaining: 0 });
    expect(await release(started.json.releaseId)).toMatchObject({ status: 'succeeded', counts: { released: 1, held: 0 } });
  });

  it('rolls back every app a release put live; an app with nothing to go back to keeps its state with the reason', async () => {
    const [first, second] = [await authorize(), await authorize()];
    const earlier = await settle((await start({ userVersion: '2.1.0', targets: { appIds: [first] } })).json.releaseId);
    expect(earlier).toMatchObject({ status: 'succeeded' });
    const later = await settle((await start({ userVersion: '2.2.0', targets: { appIds: [first, second] } })).json.releaseId);
    expect(later).toMatchObject({ status: 'succeeded', counts: { released: 2 } });

    const rollback = await platform.admin(`/admin/releases/${later.releaseId}/rollback`, { method: 'POST' });
    expect(await rollback.json()).toEqual({ rolledBack: 1, failed: 1, remaining: 0 });
    const after = await release(later.releaseId);
    const byApp = Object.fromEntries((after.targets as Json[]).map((t) => [t.appId, t]));
    expect(byApp[first]).toMatchObject({ state: 'rolled_back' });
    // The second app's only release is the one online: WeChat has nothing to revert to (87012).
    expect(byApp[second]).toMatchObject({ state: 'released' });
    expect(JSON.stringify(byApp[second])).toMatch(/87012/);
    expect(platform.simulator!.app(first).online?.version.userVersion).toBe('2.1.0');
    expect(platform.simulator!.app(second).online?.version.userVersion).toBe('2.2.0');
  });

  it('cancels: the execution stops and unfinished apps become cancelled', async () => {
    platform.simulator!.state.options.auditDelayMs = 60_000;
    try {
      const appIds = [await authorize(), await authorize()];
      const started = await start({ targets: { appIds } });
      await settle(started.json.releaseId, (r) => r.counts.audit_submitted === 2);
      // Out of time before the first app (a budget of 0): the execution stops, the apps wait for the next call.
      const service = new ReleaseService(platformStores(), {} as TemplateApi, platform.settings.component.appId, {} as MiniProgramService);
      expect(await service.cancel(started.json.releaseId, 0)).toEqual({ cancelled: 0, remaining: 2 });
      expect((await settled(sfnClient(), started.json.executionArn, 10_000)).status).toBe('ABORTED');
      expect(await release(started.json.releaseId)).toMatchObject({ status: 'running', counts: { audit_submitted: 2 } });
      const cancel = await platform.admin(`/admin/releases/${started.json.releaseId}/cancel`, { method: 'POST' });
      expect(await cancel.json()).toEqual({ cancelled: 2, remaining: 0 });
      expect(await release(started.json.releaseId)).toMatchObject({ status: 'cancelled', counts: { cancelled: 2, audit_submitted: 0 } });
    } finally {
      platform.simulator!.state.options.auditDelayMs = 150;
    }
  });

  it('ships 100 apps with 10% failing: every app ends released or failed with its errcode', async () => {
    const seeded = platform.simulator!.seedAuthorizers(100);
    await platform.admin('/admin/authorizers:sync', { method: 'POST' });
    const failing = new Set(seeded.slice(0, 10).map((s) => s.appId));
    for (const appId of failing) platform.simulator!.state.authorizers.get(appId)!.profileIncomplete = true;
    const started = await start({ targets: { appIds: seeded.map((s) => s.appId) }, maxConcurrency: 20 });
    expect(started.status).toBe(202);
    const done = await settle(started.json.releaseId, (r) => r.status !== 'running', 150_000);
    expect(done).toMatchObject({ status: 'completed_with_failures', total: 100, counts: { released: 90, failed: 10 } });
    const sum = Object.values(done.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).toBe(100);
    for (const target of done.targets as Json[]) {
      if (failing.has(target.appId)) expect(target).toMatchObject({ state: 'failed', failure: { step: 'submitAudit', errcode: 86002 } });
      else expect(target.state).toBe('released');
    }
    // Exactly one commit and one audit submission per app that got that far.
    for (const { appId } of seeded.slice(10, 20)) {
      expect(wechatCalls('/wxa/commit', appId)).toHaveLength(1);
      expect(wechatCalls('/wxa/submit_audit', appId)).toHaveLength(1);
    }
  }, scaled(180_000));

  it('retries WeChat’s -1 with backoff and still ships the app', async () => {
    const appId = await authorize();
    // More busy answers than the HTTP client's own retries: the state machine's Retry takes over.
    platform.simulator!.script('/wxa/commit', Array.from({ length: 5 }, () => ({ errcode: -1, errmsg: 'system error' })));
    const started = await start({ targets: { appIds: [appId] } });
    const done = await settle(started.json.releaseId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1 } });
    expect(platform.simulator!.requests.filter((r) => r.path === '/wxa/commit').length).toBeGreaterThanOrEqual(6);
  });

  it('waits for audit quota (85085) instead of failing, and shows it', async () => {
    const appId = await authorize();
    const app = platform.simulator!.app(appId);
    app.forceQuotaExceeded = true;
    const started = await start({ targets: { appIds: [appId] } });
    const waiting = await settle(started.json.releaseId, (r) => r.counts.waiting_quota === 1);
    expect(waiting.targets[0].state).toBe('waiting_quota');
    app.forceQuotaExceeded = false;
    const done = await settle(started.json.releaseId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1, waiting_quota: 0 } });
    expect(done.targets[0].history.map((h: Json) => h.state)).toContain('waiting_quota');
  });

  it('targets every authorized app matching a filter', async () => {
    const apps = [];
    for (const nickname of ['Filter Tea A', 'Filter Tea B', 'Other Shop']) apps.push((await platform.simulator!.authorize({ redirectUri: redirectUri(), nickname })).appId);
    const started = await start({ targets: { allAuthorized: true, nicknameContains: 'Filter Tea', excludeAppIds: [apps[1]] } });
    expect(started.status).toBe(202);
    expect(started.json.total).toBe(1);
    const done = await settle(started.json.releaseId);
    expect((done.targets as Json[]).map((t) => t.appId)).toEqual([apps[0]]);
    const none = await start({ targets: { allAuthorized: true, nicknameContains: 'no such shop' } });
    expect(none).toMatchObject({ status: 400, json: { code: 'empty_targets' } });
  });

  describe('canary wave', () => {
    it('releases the canary first, then the rest', async () => {
      const apps = [await authorize(), await authorize(), await authorize()];
      const started = await start({ targets: { appIds: apps }, canary: { appIds: [apps[1]] } });
      const done = await settle(started.json.releaseId);
      expect(done).toMatchObject({ status: 'succeeded', counts: { released: 3 } });
      const releasedAt = (appId: string) => (done.targets as Json[]).find((t) => t.appId === appId)!.history.find((h: Json) => h.state === 'released').at;
      const startedAt = (appId: string) => (done.targets as Json[]).find((t) => t.appId === appId)!.history.find((h: Json) => h.state === 'domains_set').at;
      for (const other of [apps[0]!, apps[2]!]) expect(startedAt(other) >= releasedAt(apps[1]!)).toBe(true);
    });

    it('stops the release when the canary is not released: the rest are cancelled, untouched', async () => {
      const apps = [await authorize(), await authorize(), await authorize()];
      platform.simulator!.state.authorizers.get(apps[0]!)!.profileIncomplete = true;
      const started = await start({ targets: { appIds: apps }, canary: { count: 1 } });
      const done = await settle(started.json.releaseId);
      expect(done).toMatchObject({ status: 'completed_with_failures', counts: { failed: 1, cancelled: 2, released: 0 } });
      for (const appId of apps.slice(1)) {
        expect((done.targets as Json[]).find((t) => t.appId === appId)!.history.at(-1).detail).toMatch(/canary wave not released/);
        expect(wechatCalls('/wxa/commit', appId)).toHaveLength(0);
      }
    });
  });

  describe('gray release', () => {
    /** An app with a version online: WeChat gray-releases only over one. */
    const liveApp = async () => {
      const appId = await authorize();
      expect(await settle((await start({ userVersion: '3.0.0', targets: { appIds: [appId] } })).json.releaseId)).toMatchObject({ status: 'succeeded' });
      return appId;
    };
    const post = async (path: string, body?: Json) => {
      const response = await platform.admin(path, { method: 'POST', ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, json: (await response.json()) as Json };
    };
    const byApp = (r: Json) => Object.fromEntries((r.targets as Json[]).map((t) => [t.appId, t]));

    it('calls grayrelease instead of release: 10 % of users, and the release waits for the rollout', async () => {
      const appId = await liveApp();
      const started = await start({ userVersion: '3.1.0', targets: { appIds: [appId] }, grayPercentage: 10 });
      expect(started.json).toMatchObject({ gray: { percentage: 10 } });
      const gray = await settle(started.json.releaseId, (r) => r.counts.gray_released === 1 || r.counts.failed > 0);
      expect(gray).toMatchObject({ status: 'running', gray: { percentage: 10 }, counts: { gray_released: 1, released: 0 } });
      expect(gray.targets[0]).toMatchObject({ state: 'gray_released', gray: { percentage: 10 } });
      expect(gray.targets[0].history.map((h: Json) => h.state)).toEqual(['pending', 'domains_set', 'committed', 'audit_submitted', 'audit_passed', 'gray_released']);
      // Only the earlier full release ever called release: this one went out to 10 % only.
      expect(wechatCalls('/wxa/release', appId)).toHaveLength(1);
      expect(wechatCalls('/wxa/grayrelease', appId).map((r) => r.body)).toEqual([{ gray_percentage: 10 }]);
      expect(platform.simulator!.app(appId).online?.version.userVersion).toBe('3.0.0');
      expect(platform.simulator!.app(appId).gray).toMatchObject({ status: 1, grayPercentage: 10 });
      // The execution is done; the gray-released app keeps the release running until the rollout completes.
      expect((await settled(sfnClient(), started.json.executionArn, 10_000)).status).toBe('SUCCEEDED');
      expect(await release(started.json.releaseId)).toMatchObject({ status: 'running' });

      // Rolling a gray release back cancels the gray release (revertcoderelease would be 87011).
      expect(await post(`/admin/releases/${started.json.releaseId}/rollback`)).toEqual({ status: 200, json: { rolledBack: 1, failed: 0, remaining: 0 } });
      expect(wechatCalls('/wxa/revertgrayrelease', appId)).toHaveLength(1);
      expect(platform.simulator!.app(appId).gray).toMatchObject({ status: 4 });
      expect(await release(started.json.releaseId)).toMatchObject({ status: 'succeeded', counts: { rolled_back: 1, gray_released: 0 } });
    });

    it('fails an app with no version online with WeChat’s reason (85079), and never releases it to everyone', async () => {
      const appId = await authorize();
      const started = await start({ targets: { appIds: [appId] }, grayPercentage: 10 });
      const done = await settle(started.json.releaseId);
      expect(done).toMatchObject({ status: 'completed_with_failures', counts: { failed: 1, released: 0, gray_released: 0 } });
      expect(done.targets[0].failure).toMatchObject({ step: 'release', errcode: 85079, reason: expect.stringMatching(/no version is online/) });
      expect(wechatCalls('/wxa/release', appId)).toHaveLength(0);
      expect(platform.simulator!.app(appId).online).toBeUndefined();
    });

    it('widens a fleet gray release and completes the rollout, app by app within the budget', async () => {
      const apps = [await liveApp(), await liveApp()];
      const started = await start({ userVersion: '3.2.0', targets: { appIds: apps }, grayPercentage: 10 });
      const id = started.json.releaseId;
      await settle(id, (r) => r.counts.gray_released === 2 || r.counts.failed > 0);

      expect(await post(`/admin/releases/${id}/gray`, { percentage: 5 })).toMatchObject({ status: 400, json: { code: 'gray_percentage_not_higher' } });
      // Out of time before the first app: nothing widened, both left for the next call.
      const service = new ReleaseService(platformStores(), {} as TemplateApi, platform.settings.component.appId, {} as MiniProgramService);
      expect(await service.widenGray(id, 50, 0)).toEqual({ widened: 0, failed: 0, remaining: 2 });
      expect(await post(`/admin/releases/${id}/gray`, { percentage: 50 })).toEqual({ status: 200, json: { widened: 2, failed: 0, remaining: 0 } });
      // Asked again at the same share: every app is there already.
      expect(await post(`/admin/releases/${id}/gray`, { percentage: 50 })).toEqual({ status: 200, json: { widened: 0, failed: 0, remaining: 0 } });
      const widened = await release(id);
      expect(widened).toMatchObject({ status: 'running', gray: { percentage: 50 }, counts: { gray_released: 2 } });
      for (const appId of apps) {
        expect(byApp(widened)[appId]).toMatchObject({ state: 'gray_released', gray: { percentage: 50 } });
        expect(platform.simulator!.app(appId).gray).toMatchObject({ status: 1, grayPercentage: 50 });
        expect(wechatCalls('/wxa/grayrelease', appId).map((r) => (r.body as Json).gray_percentage)).toEqual([10, 50]);
      }

      // WeChat refuses one app's release: it stays gray-released with the reason, the other is completed.
      platform.simulator!.script('/wxa/release', [{ errcode: 85020, errmsg: 'status not allowed' }]);
      const first = await post(`/admin/releases/${id}/complete-rollout`);
      expect(first).toEqual({ status: 200, json: { completed: 1, failed: 1, remaining: 0 } });
      const partly = await release(id);
      expect(partly).toMatchObject({ status: 'running', counts: { released: 1, gray_released: 1 } });
      const refused = (partly.targets as Json[]).find((t) => t.state === 'gray_released')!;
      expect(refused.gray).toMatchObject({ percentage: 50, error: { action: 'complete', errcode: 85020 } });

      expect(await post(`/admin/releases/${id}/complete-rollout`)).toEqual({ status: 200, json: { completed: 1, failed: 0, remaining: 0 } });
      const done = await release(id);
      expect(done).toMatchObject({ status: 'succeeded', gray: { percentage: 100, completedAt: expect.any(String) }, counts: { released: 2, gray_released: 0 } });
      for (const appId of apps) {
        expect(byApp(done)[appId]).toMatchObject({ state: 'released', gray: { percentage: 100 } });
        expect(byApp(done)[appId].gray.error).toBeUndefined();
        expect(platform.simulator!.app(appId).online?.version.userVersion).toBe('3.2.0');
        expect(platform.simulator!.app(appId).gray).toMatchObject({ status: 3 });
      }
      expect(await post(`/admin/releases/${id}/gray`, { percentage: 80 })).toMatchObject({ status: 409, json: { code: 'not_gray' } });
    });

    it('lets the rest of the fleet go once a gray canary is gray-released', async () => {
      const apps = [await liveApp(), await liveApp()];
      const started = await start({ userVersion: '3.3.0', targets: { appIds: apps }, canary: { appIds: [apps[0]] }, grayPercentage: 5 });
      const done = await settle(started.json.releaseId, (r) => r.counts.gray_released + r.counts.cancelled + r.counts.failed === 2);
      expect(done).toMatchObject({ status: 'running', counts: { gray_released: 2, cancelled: 0 } });
      expect(wechatCalls('/wxa/grayrelease', apps[1]!).map((r) => r.body)).toEqual([{ gray_percentage: 5 }]);
    });

    it('refuses to widen or complete a release that is not gray', async () => {
      const appId = await authorize();
      const id = (await settle((await start({ targets: { appIds: [appId] } })).json.releaseId)).releaseId;
      expect(await post(`/admin/releases/${id}/gray`, { percentage: 50 })).toMatchObject({ status: 409, json: { code: 'not_gray' } });
      expect(await post(`/admin/releases/${id}/complete-rollout`)).toMatchObject({ status: 409, json: { code: 'not_gray' } });
    });
  });

  describe('refuses bad input before anything starts', () => {
    it.each([
      ['an unknown template', async () => ({ templateId: 999999, targets: { appIds: [await authorize()] } }), 'unknown_template'],
      ['an app that never authorized', async () => ({ targets: { appIds: ['wx00000000000000ee'] } }), 'target_not_authorized'],
      ['an empty target list', async () => ({ targets: { appIds: [] } }), 'invalid_request'],
      ['an ext_json naming another app', async () => { const a = await authorize(); return { targets: { appIds: [a] }, extJsonOverrides: { [a]: { extAppid: 'wxffffffffffffffff' } } }; }, 'invalid_ext_json'],
    ])('%s', async (_, body, code) => {
      const before = (await (await platform.admin('/admin/releases')).json()) as Json;
      const { status, json } = await start(await body());
      expect(status).toBe(400);
      expect(json.code).toBe(code);
      expect(((await (await platform.admin('/admin/releases')).json()) as Json).releases.length).toBe(before.releases.length);
    });
  });
});
