import { useWorld } from '../../helpers/world';
import { waitUntil } from '../../helpers/wait';

describe('scheduled refresh-tokens', () => {
  const world = useWorld();

  const status = async () => (await (await world.platform.admin('/admin/component')).json()) as { ticket: unknown; token: { expiresAt: string } | null };

  it('with no ticket asks WeChat to push one, which then gets stored', async () => {
    const run = await world.platform.scheduler.runNow('refreshTokens');
    expect(run).toMatchObject({ ok: true, result: { component: 'no_ticket' } });
    expect(world.sim.requests.map((r) => r.path)).toContain('/cgi-bin/component/api_start_push_ticket');
  });

  it('obtains the token once a ticket is stored, then leaves it alone', async () => {
    await waitUntil(async () => Boolean((await status()).ticket), 'the pushed ticket to be stored');
    expect(await world.platform.scheduler.runNow('refreshTokens')).toMatchObject({ ok: true, result: { component: 'refreshed' } });
    const first = (await status()).token;
    expect(first).not.toBeNull();
    expect(await world.platform.scheduler.runNow('refreshTokens')).toMatchObject({ ok: true, result: { component: 'fresh' } });
    expect((await status()).token).toEqual(first);
  });
});
