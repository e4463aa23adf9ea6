import type { TestPlatform } from '../helpers/platform';
import { startWorld } from '../helpers/world';
import { TARGET_STATES } from '../../functions/lib/store/release-store';
import { scaled } from '../helpers/time-scale';
import { waitFor, waitUntil } from '../helpers/wait';

/** FAULTS_SEED=<n> draws another pattern of faults; the seed is printed with the figures. */
const SEED = Number(process.env.FAULTS_SEED ?? 5);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const APPS = 200;

/**
 * A 200-app release while one WeChat call in five fails (`-1`, HTTP 502/503, `45009`, or the
 * connection reset after WeChat acted) and one audit-push delivery in five is lost. The release
 * must end, every app in a final state, every failed app with a reason, and no app committed,
 * submitted or released by two different requests that both took effect.
 */
describe('200-app release with 20% WeChat faults', () => {
  let platform: TestPlatform;
  const sim = () => platform.simulator!;

  let templateId: number;

  beforeAll(async () => {
    ({ platform, templateId } = await startWorld({ simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 }, stepFunctionsTimeScale: 0.0001, ticket: true, template: true }));
  }, 60_000);
  afterAll(() => platform.stop());

  it('ends with every app released or failed with a reason', async () => {
    const appIds = sim()
      .seedAuthorizers(APPS)
      .map((a) => a.appId);
    expect(await (await platform.admin('/admin/authorizers:sync', { method: 'POST' })).json()).toMatchObject({ added: APPS, failed: 0 });
    expect(await platform.scheduler.runNow('refreshTokens')).toMatchObject({ ok: true, result: { authorizers: { refreshed: APPS } } });

    sim().faults({
      seed: 5,
      api: { '*': { errorRate: 0.1, errors: [-1, 502, 503, 45009], timeoutRate: 0.1, timeoutMode: 'destroy', timeoutPhase: 'after' } },
      dropPushes: { audit: 0.2 },
    });
    const started = Date.now();
    let start: Response;
    // Starting a release reads templates from WeChat too; the operator tries again on a failure.
    for (let attempt = 0; ; attempt++) {
      start = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '4.0.0', userDesc: 'faults', targets: { appIds }, maxConcurrency: 40 }) });
      if (start.status === 202 || attempt >= 5) break;
    }
    expect(start.status).toBe(202);
    const { releaseId } = (await start.json()) as Json;

    // Light polling (counts only): the whole suite runs beside this on two cores.
    const deadline = Date.now() + scaled(150_000);
    let progress: Json = {};
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      progress = (await (await platform.admin(`/admin/releases/${releaseId}?limit=1`)).json()) as Json;
    } while (progress.status === 'running' && Date.now() < deadline);
    const release = (await (await platform.admin(`/admin/releases/${releaseId}?limit=500`)).json()) as Json;
    const injected = { ...sim().faultCounts };
    sim().faults({});
    const targets = release.targets as Json[];
    const byState = Object.fromEntries(TARGET_STATES.map((s) => [s, targets.filter((t) => t.state === s).length]).filter(([, n]) => n));
    const reasons = new Map<string, number>();
    for (const t of targets.filter((t) => t.state === 'failed')) {
      const key = String(t.failure?.reason ?? '').replace(/wx[0-9a-f]{16}/g, 'wx…').replace(/rid: \S+/, '').slice(0, 90);
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    process.stdout.write(
      `release with faults (seed ${SEED}): ${APPS} apps in ${((Date.now() - started) / 1000).toFixed(1)} s, status ${release.status}; states ${JSON.stringify(byState)}; ` +
        `injected ${injected.errors} errcodes, ${injected.http} HTTP 5xx, ${injected.timeouts} resets, ${injected.droppedPushes.audit} audit pushes lost; ` +
        `failure reasons ${JSON.stringify(Object.fromEntries(reasons))}\n`,
    );

    expect({ status: release.status, counts: release.counts }).toMatchObject({ status: expect.stringMatching(/^(succeeded|completed_with_failures)$/) });
    expect(targets).toHaveLength(APPS);
    for (const target of targets) {
      expect(['released', 'failed']).toContain(target.state);
      if (target.state === 'failed') expect(target.failure?.reason).toEqual(expect.stringMatching(/\S/));
      // 45009 (daily quota) is the one injected fault that is not retried: nothing else may fail an app.
      if (target.state === 'failed') expect(target.failure.reason).toMatch(/errcode 45009/);
    }
    expect(release.counts.released + release.counts.failed).toBe(APPS);
    // Faults must not be what decides most apps' fate: retries carry them through.
    expect(release.counts.released).toBeGreaterThan(APPS * 0.8);
  }, 200_000);

  it('adopts its own audit when the submission reached WeChat but the answer was lost (85009 on the retry)', async () => {
    const templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;
    const { appId } = await sim().authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
    sim().faults({ api: { '/wxa/submit_audit': { timeoutRate: 1, timeoutMode: 'destroy', timeoutPhase: 'after', maxFaults: 1 } } });
    // The first audit is still running when the retry arrives, as with WeChat's hours-long audits.
    sim().state.options.auditDelayMs = 600_000;
    try {
      const start = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '4.1.0', userDesc: 'lost answer', targets: { appIds: [appId] } }) });
      const { releaseId } = (await start.json()) as Json;
      const view = async () => (await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as Json;
      await waitUntil(async () => ['audit_submitted', 'failed'].includes((await view()).targets?.[0]?.state), 'the app to be submitted for audit', { intervalMs: 50 });
      await sim().completeAudits();
      const release = await waitFor(async () => {
        const current = await view();
        return current.status !== 'running' ? current : undefined;
      }, 'the release to finish', { intervalMs: 50 });
      expect(sim().faultCounts.timeouts).toBe(1);
      expect(release).toMatchObject({ status: 'succeeded', counts: { released: 1 } });
      // Two submit_audit requests reached WeChat, one audit exists: the retry was refused with 85009 and the first adopted.
      expect(sim().requests.filter((r) => r.path === '/wxa/submit_audit' && sim().state.checkAuthorizerToken(r.query.access_token).appId === appId)).toHaveLength(2);
      expect(sim().app(appId).audits).toHaveLength(1);
      expect(release.targets[0].auditId).toBe(String(sim().app(appId).audits[0]!.auditId));
    } finally {
      sim().faults({});
      sim().state.options.auditDelayMs = 150;
    }
  }, 30_000);
});
