import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('GET /admin/overview', () => {
  const world = useWorld({ simulator: { auditDelayMs: 60_000, pushRetryDelayMs: 20 }, ticket: true });

  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const response = await world.platform.admin(path, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const json = (await response.json()) as Json;
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const authorize = async () => await world.authorize();

  it('is empty, with every status counted as zero, before anything happened', async () => {
    expect(await call('GET', '/admin/overview')).toEqual({
      authorizers: { total: 0, byStatus: { authorized: 0, unauthorized: 0, reauthorization_required: 0 } },
      releases: { running: 0, recent: [] },
      recentAudits: [],
    });
  });

  it('counts authorizers by status and lists the fleet’s latest audit outcomes, newest change first', async () => {
    const [passing, rejected, idle] = [await authorize(), await authorize(), await authorize()];
    const { platformStores } = await import('../../../functions/lib/platform');
    await platformStores().authorizerStatus.markReauthorizationRequired({ appId: idle, componentAppId: world.platform.settings.component.appId, source: 'refresher', reason: 'test', now: Date.now() });

    const drafts = await call('GET', '/admin/templates/drafts');
    await call('POST', '/admin/templates', { draftId: drafts.drafts[0].draft_id });
    const templateId = String((await call('GET', '/admin/templates')).templates.at(-1).template_id);
    await call('POST', `/admin/authorizers/${passing}/code:commit`, { templateId, userVersion: '1.0.0', userDesc: 'ok' });
    await call('POST', `/admin/authorizers/${passing}/audits`, {});
    await call('POST', `/admin/authorizers/${rejected}/code:commit`, { templateId, userVersion: '1.0.0', userDesc: 'will be rejected [fail]' });
    await call('POST', `/admin/authorizers/${rejected}/audits`, {});

    const submitted = await call('GET', '/admin/overview');
    expect(submitted.recentAudits.map((a: Json) => [a.appId, a.status])).toEqual([
      [rejected, 'auditing'],
      [passing, 'auditing'],
    ]);

    await world.sim.completeAudits();
    const overview = await call('GET', '/admin/overview');
    expect(overview.authorizers).toEqual({ total: 3, byStatus: { authorized: 2, unauthorized: 0, reauthorization_required: 1 } });
    expect(overview.recentAudits).toHaveLength(2);
    const byApp = Object.fromEntries(overview.recentAudits.map((a: Json) => [a.appId, a]));
    expect(byApp[passing]).toMatchObject({ status: 'passed', decidedAt: expect.any(String) });
    expect(byApp[rejected]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/.+/), screenshots: expect.any(Array) });
    // Index keys are storage details, not part of the answer.
    expect(overview.recentAudits[0]).not.toHaveProperty('gsi1pk');
  });
});
