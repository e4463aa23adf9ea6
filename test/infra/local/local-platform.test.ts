import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

/** The walking skeleton as a user sees it: pushes arrive, a token follows, all on timers. */
describe('local platform (npm start)', () => {
  let platform: TestPlatform;
  afterEach(() => platform?.stop());

  it('receives pushed tickets and obtains a component token on its own within 30 s', async () => {
    platform = await startTestPlatform({ schedule: true, pushTickets: true, settings: { ticketPushIntervalMs: 500 } });
    const started = Date.now();
    let status: { ticket: { receivedAt: string } | null; token: { expiresAt: string } | null } = { ticket: null, token: null };
    while (Date.now() - started < 30_000 && !(status.ticket && status.token)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await (await platform.admin('/admin/component')).json()) as typeof status;
    }
    expect(status.ticket).not.toBeNull();
    expect(status.token).not.toBeNull();
    // Several pushes went through the real callback handler, each answered success.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const results = platform.simulator!.ticketPusher.results;
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r.status === 200 && r.body === 'success')).toBe(true);
  });

  it('uses an external WeChat when WECHAT_API_BASE is configured and starts no simulator', async () => {
    platform = await startTestPlatform({ settings: { externalWeChatBase: 'http://127.0.0.1:9' } });
    expect(platform.simulator).toBeUndefined();
    expect(platform.wechatBase).toBe('http://127.0.0.1:9');
    expect(process.env.WECHAT_API_BASE).toBe('http://127.0.0.1:9');
    const run = await platform.scheduler.runNow('refreshTokens');
    // No ticket stored → it asks that WeChat to push one; nothing listens there.
    expect(run).toMatchObject({ ok: false });
    expect(run?.error).toMatch(/api_start_push_ticket/);
  });
});
