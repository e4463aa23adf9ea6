import { useWorld } from '../../helpers/world';
import { waitFor } from '../../helpers/wait';

describe('GET /admin/component', () => {
  const world = useWorld();

  it.each([
    ['no Authorization header', {}],
    ['a wrong bearer token', { authorization: 'Bearer not-the-admin-token-at-all' }],
    ['a non-bearer scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ])('answers 401 with %s', async (_, headers) => {
    const response = await fetch(`${world.platform.gatewayUrl}/admin/component`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('reports nulls before anything arrived', async () => {
    const response = await world.platform.admin('/admin/component');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ appId: world.platform.settings.component.appId, ticket: null, token: null, refresher: null });
  });

  it('reports when the ticket arrived and when the token expires, never their values', async () => {
    await world.sim.ticketPusher.pushNow();
    await world.platform.scheduler.runNow('refreshTokens');
    const response = await world.platform.admin('/admin/component');
    const text = await response.text();
    const body = JSON.parse(text) as { ticket: { receivedAt: string; state: string }; token: { expiresAt: string }; refresher: { outcome: string; component: string; ticket: string } };
    expect(Object.keys(body.ticket).sort()).toEqual(['receivedAt', 'state']);
    expect(body.ticket.state).toBe('fresh');
    expect(body.refresher).toMatchObject({ outcome: 'ok', component: 'refreshed', ticket: 'fresh' });
    expect(Object.keys(body.token)).toEqual(['expiresAt']);
    expect(Date.parse(body.token.expiresAt)).toBeGreaterThan(Date.now() + 7000 * 1000);
    const ticket = [...world.sim.state.tickets.keys()].at(-1)!;
    const token = [...world.sim.state.componentTokens.keys()].at(-1)!;
    for (const secret of [ticket, token, world.platform.settings.component.appSecret, world.platform.settings.component.aesKey, world.platform.settings.component.token]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers 404 on an unknown route', async () => {
    expect((await world.platform.admin('/admin/nothing-here')).status).toBe(404);
  });
});

describe('POST /admin/component/ticket:push', () => {
  const world = useWorld();

  it('asks WeChat to push a ticket, which then arrives on the event URL', async () => {
    const before = (await (await world.platform.admin('/admin/component')).json()) as { ticket: unknown };
    expect(before.ticket).toBeNull();
    const response = await world.platform.admin('/admin/component/ticket:push', { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ requestedAt: expect.any(String) });
    expect(world.sim.requests.map((r) => r.path)).toContain('/cgi-bin/component/api_start_push_ticket');
    const ticket = await waitFor(async () => ((await (await world.platform.admin('/admin/component')).json()) as { ticket: unknown }).ticket ?? undefined, 'the pushed ticket', { intervalMs: 100 });
    expect(ticket).toMatchObject({ state: 'fresh' });
  });

  it('surfaces WeChat refusing the request as a 502 with its errcode', async () => {
    world.sim.script('/cgi-bin/component/api_start_push_ticket', [{ errcode: 40125, errmsg: 'invalid appsecret' }]);
    const response = await world.platform.admin('/admin/component/ticket:push', { method: 'POST' });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: 'WECHAT_40125' });
  });
});
