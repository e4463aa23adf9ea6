import { resetConfig } from '../../../functions/lib/config';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('GET /admin/health', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    delete process.env.HEALTH_TICKET_MAX_AGE_SECONDS;
    resetConfig();
    await platform.stop();
  });
  const health = async () => (await (await platform.admin('/admin/health')).json()) as Json;

  it('is failing, with the reasons, before any ticket or token exists', async () => {
    const report = await health();
    expect(report.status).toBe('failing');
    expect(report.parts.ticket).toMatchObject({ status: 'failing', reason: expect.stringMatching(/no component_verify_ticket/) });
    expect(report.parts.componentToken.status).toBe('failing');
  });

  it('is ok once tickets arrive and the refresher has run', async () => {
    await platform.simulator!.ticketPusher.pushNow();
    await platform.scheduler.runNow('refreshTokens');
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
    await platform.simulator!.ticketPusher.pushNow();
    expect((await health()).status).toBe('ok');
  });

  it('reports authorizers that must authorize again', async () => {
    const { appId } = await platform.simulator!.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
    const { platformStores } = await import('../../../functions/lib/platform');
    await platformStores().authorizers.markReauthorizationRequired(appId, platform.settings.component.appId, 'test', Date.now());
    const report = await health();
    expect(report.status).toBe('degraded');
    expect(report.parts.authorizers).toMatchObject({ status: 'degraded', reauthorizationRequired: 1 });
  });
});
