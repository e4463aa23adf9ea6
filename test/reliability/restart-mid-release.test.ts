import { restartablePlatform } from '../helpers/restartable-platform';
import { waitFor } from '../helpers/wait';
import { addTemplate } from '../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const APPS = 30;

/**
 * The whole local platform (gateway, Step Functions runner, timers) stopped while a 30-app
 * release is spread over every step — some apps not started, some committing, some waiting for
 * audit — and a new one started on the same table. The release finishes and WeChat saw one
 * commit, one submit_audit and one release per app.
 */
describe('release across a stop of the whole platform mid-flight', () => {
  // WeChat outlives the platform; audits take long enough that the stop finds some waiting.
  const world = restartablePlatform('restart-mid');

  it('finishes with exactly one commit, submit_audit and release per app', async () => {
    const sim = world.sim;
    let platform = await world.restart();
    await sim.ticketPusher.pushNow();
    const appIds = sim.seedAuthorizers(APPS).map((a) => a.appId);
    expect(await (await platform.admin('/admin/authorizers:sync', { method: 'POST' })).json()).toMatchObject({ added: APPS });
    const templateId = await addTemplate(platform);
    // Slow WeChat answers keep steps in flight at the moment of the stop.
    sim.latencyMs = 40;
    const started = (await (await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '5.0.0', targets: { appIds }, maxConcurrency: 10 }) })).json()) as Json;
    const view = async () => (await (await platform!.admin(`/admin/releases/${started.releaseId}?limit=500`)).json()) as Json;
    const before = await waitFor(async () => {
      const current = await view();
      return current.counts.audit_submitted >= 5 ? current : undefined;
    }, 'five apps in audit', { intervalMs: 25 });
    const statesAtStop = Object.fromEntries(Object.entries(before.counts as Record<string, number>).filter(([, n]) => n > 0));
    expect(before.counts.audit_submitted).toBeGreaterThanOrEqual(5);
    expect(before.counts.pending).toBeGreaterThan(0);

    // No pause: steps still running in the stopped process race the re-driven execution, the
    // worst case (in AWS a Lambda invocation outlives nothing but its own timeout).
    platform = await world.restart();
    sim.latencyMs = 0;
    sim.state.options.auditDelayMs = 50;

    const done = await waitFor(async () => {
      await sim.completeAudits();
      const current = await view();
      return current.status !== 'running' ? current : undefined;
    }, 'the re-driven release to finish', { timeoutMs: 30_000, intervalMs: 50 });
    process.stdout.write(`restart mid-release: ${APPS} apps, states at the stop ${JSON.stringify(statesAtStop)}, final ${done.status} ${JSON.stringify(done.counts)}\n`);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: APPS } });
    const calls = (path: string) => {
      const perApp = new Map<string, number>();
      for (const r of sim.requests.filter((r) => r.path === path)) {
        const appId = sim.state.checkAuthorizerToken(r.query.access_token).appId;
        if (appId) perApp.set(appId, (perApp.get(appId) ?? 0) + 1);
      }
      return appIds.map((id) => perApp.get(id) ?? 0);
    };
    expect(calls('/wxa/commit')).toEqual(appIds.map(() => 1));
    expect(calls('/wxa/submit_audit')).toEqual(appIds.map(() => 1));
    expect(calls('/wxa/release')).toEqual(appIds.map(() => 1));
  }, 90_000);
});
