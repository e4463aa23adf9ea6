import { restartablePlatform } from '../../helpers/restartable-platform';
import { waitFor, waitUntil } from '../../helpers/wait';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The local platform stopped mid-release and started again: the release finishes, nothing twice. */
describe('release across a restart of the local platform', () => {
  // WeChat keeps running while the platform restarts.
  const world = restartablePlatform('restart');

  it('re-drives unfinished apps without a second commit or audit', async () => {
    const sim = world.sim;
    let platform = await world.restart();
    await sim.ticketPusher.pushNow();
    const { appId } = await sim.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
    await platform.admin('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId: 1 }) });
    const templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;
    const started = (await (await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '3.0.0', targets: { appIds: [appId] } }) })).json()) as Json;
    const view = async () => (await (await platform!.admin(`/admin/releases/${started.releaseId}`)).json()) as Json;
    await waitUntil(async () => (await view()).counts.audit_submitted === 1, 'the app to reach audit_submitted', { intervalMs: 50 });

    platform = await world.restart(); // the execution dies with the process
    sim.state.options.auditDelayMs = 100;
    await sim.completeAudits();

    const done = await waitFor(async () => {
      const current = await view();
      return current.status !== 'running' ? current : undefined;
    }, 'the release to finish', { timeoutMs: 15_000, intervalMs: 50 });
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 1 } });
    const calls = (path: string) => sim.requests.filter((r) => r.path === path && sim.state.checkAuthorizerToken(r.query.access_token).appId === appId);
    expect(calls('/wxa/commit')).toHaveLength(1);
    expect(calls('/wxa/submit_audit')).toHaveLength(1);
    expect(calls('/wxa/release')).toHaveLength(1);
  }, 60_000);
});
