import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { waitFor, waitUntil } from '../helpers/wait';

/** The walking skeleton as a user sees it: pushes arrive, a token follows, all on timers. */
describe('local platform (npm start)', () => {
  let platform: TestPlatform;
  afterEach(() => platform?.stop());

  it('receives pushed tickets and obtains a component token on its own within 30 s', async () => {
    platform = await startTestPlatform({ schedule: true, pushTickets: true, settings: { ticketPushIntervalMs: 500 } });
    type Status = { ticket: { receivedAt: string } | null; token: { expiresAt: string } | null };
    const status = await waitFor(
      async () => {
        const current = (await (await platform!.admin('/admin/component')).json()) as Status;
        return current.ticket && current.token ? current : undefined;
      },
      'a stored ticket and component token',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(status.ticket).not.toBeNull();
    expect(status.token).not.toBeNull();
    // Several pushes went through the real callback handler, each answered success.
    await waitUntil(() => platform!.simulator!.ticketPusher.results.length >= 2, 'a second ticket push');
    const results = platform.simulator!.ticketPusher.results;
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r.status === 200 && r.body === 'success')).toBe(true);
  });

  it('uses an external WeChat when WECHAT_API_BASE is configured and starts no simulator', async () => {
    const seen: string[] = [];
    const external = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
    await new Promise<void>((resolve) => external.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(external.address() as AddressInfo).port}`;
    try {
      platform = await startTestPlatform({ settings: { externalWeChatBase: base } });
      expect(platform.simulator).toBeUndefined();
      expect(platform.wechatBase).toBe(base);
      const run = await platform.scheduler.runNow('refreshTokens');
      // No ticket stored → it asks that WeChat to push one, and reports the state.
      expect(run).toMatchObject({ ok: true, result: { ticket: 'missing', component: 'no_ticket' } });
      expect(seen).toEqual(['POST /cgi-bin/component/api_start_push_ticket']);
    } finally {
      external.close();
    }
  });
});
