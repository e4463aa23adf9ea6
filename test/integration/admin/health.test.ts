import { resetConfig } from '../../../functions/lib/config';
import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('GET /admin/health', () => {
  const world = useWorld();
  afterAll(() => {
    delete process.env.HEALTH_TICKET_MAX_AGE_SECONDS;
    resetConfig();
  });
  const health = async () => (await (await world.platform.admin('/admin/health')).json()) as Json;

  it('is failing, with the reasons, before any ticket or token exists', async () => {
    const report = await health();
    expect(report.status).toBe('failing');
    expect(report.parts.ticket).toMatchObject({ status: 'failing', reason: expect.stringMatching(/no component_verify_ticket/) });
    expect(report.parts.componentToken.status).toBe('failing');
  });

  it('is ok once tickets arrive and the refresher has run', async () => {
    await world.sim.ticketPusher.pushNow();
    await world.platform.scheduler.runNow('refreshTokens');
    const report = await health();
    expect(report).toMatchObject({ status: 'ok', parts: { ticket: { status: 'ok' }, componentToken: { status: 'ok' }, refresher: { status: 'ok' }, authorizers: { status: 'ok' } } });
  });

  it('turns degraded when ticket pushes stop, and ok again when they resume', async () => {
    process.env.HEALTH_TICKET_MAX_AGE_SECONDS = '1';
    resetConfig();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stale = await health();
    expect(stale.status).toBe('degraded');
    expect(stale.parts.ticket).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/no verify ticket for \d+ s/) });
    await world.sim.ticketPusher.pushNow();
    expect((await health()).status).toBe('ok');
  });

  it('reports authorizers that must authorize again', async () => {
    const appId = await world.authorize();
    const { platformStores } = await import('../../../functions/lib/platform');
    await platformStores().authorizerStatus.markReauthorizationRequired({ appId, componentAppId: world.platform.settings.component.appId, source: 'refresher', reason: 'test', now: Date.now() });
    const report = await health();
    expect(report.status).toBe('degraded');
    expect(report.parts.authorizers).toMatchObject({ status: 'degraded', reauthorizationRequired: 1 });
  });

  it('reports a release still running after days, and where its apps wait', async () => {
    const { platformStores } = await import('../../../functions/lib/platform');
    const { releases } = platformStores();
    const base = { templateId: '1', userVersion: '1.0.0', userDesc: 'x', createdBy: 'test', options: { autoRelease: false, maxConcurrency: 5 } };
    const fresh = await health();
    expect(fresh.parts.releases).toMatchObject({ status: 'ok', running: 0 });
    await releases.create({ ...base, releaseId: 'rel-recent', createdAt: new Date().toISOString() }, ['wx0000000000000001']);
    expect((await health()).parts.releases).toMatchObject({ status: 'ok', running: 1 });

    const fourDaysAgo = new Date(Date.now() - 4 * 24 * 3600 * 1000).toISOString();
    await releases.create({ ...base, releaseId: 'rel-stalled', createdAt: fourDaysAgo }, ['wx0000000000000002', 'wx0000000000000003', 'wx0000000000000004']);
    // Only the moves the target lifecycle allows, one at a time, to where each app waits.
    type State = Parameters<typeof releases.transition>[3];
    const walk = async (appId: string, ...states: State[]) => {
      for (const [i, to] of states.entries()) await releases.transition('rel-stalled', appId, [i === 0 ? 'pending' : states[i - 1]!], to);
    };
    const toAudit: State[] = ['domains_set', 'committed', 'audit_submitted'];
    await walk('wx0000000000000002', ...toAudit);
    await walk('wx0000000000000003', ...toAudit, 'audit_passed', 'held');
    await walk('wx0000000000000004', ...toAudit, 'audit_passed', 'gray_released');
    const report = await health();
    expect(report.status).toBe('degraded');
    expect(report.parts.releases).toMatchObject({
      status: 'degraded',
      running: 2,
      stalled: ['rel-stalled'],
      reason: 'release rel-stalled has run for 96 h: 1 in audit, 1 held for approval, 1 gray-released (widen or complete the rollout)',
    });
    await releases.finish('rel-stalled', 'cancelled');
    expect((await health()).parts.releases).toMatchObject({ status: 'ok', running: 1 });
  });

  it('still reports a stalled release after more than 20 newer ones', async () => {
    const { platformStores } = await import('../../../functions/lib/platform');
    const { releases } = platformStores();
    const base = { templateId: '1', userVersion: '1.0.0', userDesc: 'x', createdBy: 'test', options: { autoRelease: true, maxConcurrency: 5 } };
    const fiveDaysAgo = new Date(Date.now() - 5 * 24 * 3600 * 1000).toISOString();
    await releases.create({ ...base, releaseId: 'rel-buried', createdAt: fiveDaysAgo }, ['wx0000000000000004']);
    for (let i = 0; i < 21; i++) {
      await releases.create({ ...base, releaseId: `rel-after-${i}`, createdAt: new Date(Date.now() - 1000 + i).toISOString() }, ['wx0000000000000005']);
      await releases.finish(`rel-after-${i}`, 'succeeded');
    }
    expect((await releases.list(20)).map((r) => r.releaseId)).not.toContain('rel-buried');
    expect((await health()).parts.releases).toMatchObject({ status: 'degraded', running: 2, stalled: ['rel-buried'], reason: expect.stringMatching(/^release rel-buried has run for 120 h/) });
  });
});
