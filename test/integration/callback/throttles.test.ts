import { ROUTE_THROTTLES } from '../../../infra/throttles';
import { signedPush, ticketXml } from '../../helpers/push';
import { useWorld } from '../../helpers/world';

/**
 * The local gateway enforces the stage's per-route limits (infra/throttles.ts) as API Gateway
 * does. The buckets refill by a clock this test holds still, so what is admitted depends on
 * counts alone, never on how fast this machine sends.
 */
describe('per-route throttles at the local gateway', () => {
  let now = 0;
  const world = useWorld({ throttle: { now: () => now }, ticket: true, refresh: true });
  const url = (path: string) => `${world.platform.gatewayUrl}${path}`;
  const openApiBurst = ROUTE_THROTTLES['GET /openapi.json']!.burstLimit;

  it('answers a burst on /openapi.json past its limit with API Gateway’s 429, while WeChat’s push still gets 200', async () => {
    const answers = await Promise.all(Array.from({ length: openApiBurst + 20 }, () => fetch(url('/openapi.json'))));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(openApiBurst);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({ message: 'Too Many Requests' });

    const { component } = world.platform.settings;
    const push = signedPush(component, ticketXml(component.appId, 'ticket@@@during-a-flood', Math.floor(Date.now() / 1000)));
    const pushed = await fetch(url(`/wechat/component/events?${push.query}`), { method: 'POST', body: push.body, headers: { 'content-type': 'text/xml' } });
    expect([pushed.status, await pushed.text()]).toEqual([200, 'success']);
    // The admin API has buckets of its own too.
    expect((await world.platform.admin('/admin/component')).status).toBe(200);
  });

  it('admits /openapi.json again as its bucket refills (2 a second)', async () => {
    expect((await fetch(url('/openapi.json'))).status).toBe(429);
    now += 1000;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(url('/openapi.json'))).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('caps the authorization redirect at its own burst of 10: a flood of well-formed codes costs 10 WeChat calls, not 30', async () => {
    const before = world.wechatCalls('/cgi-bin/component/api_query_auth').length;
    const statuses = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await fetch(url(`/wechat/authorize/callback?auth_code=queryauthcode%40%40%40forged-by-a-flood-${String(i).padStart(4, '0')}`))).status));
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - ROUTE_THROTTLES['GET /wechat/authorize/callback']!.burstLimit);
    expect(world.wechatCalls('/cgi-bin/component/api_query_auth').length - before).toBe(ROUTE_THROTTLES['GET /wechat/authorize/callback']!.burstLimit);
  });

  it('throttles before authorizing: requests without a token spend the admin route’s tokens too', async () => {
    const statuses = await Promise.all(Array.from({ length: 120 }, async () => (await fetch(url('/admin/health'))).status));
    expect(statuses.filter((status) => status === 401)).toHaveLength(100);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
  });
});
