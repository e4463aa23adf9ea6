import { WeChatSimulator } from '../../../local/wechat-sim/server';
import { generateCredentials } from '../../../local/settings';
import { waitUntil } from '../../helpers/wait';

/** The simulator must refuse what WeChat refuses, with WeChat's errcodes. */
describe('WeChat simulator: component auth', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  let sim: WeChatSimulator;
  let now = Date.now();

  beforeEach(async () => {
    sim = new WeChatSimulator({ component, accessTokenTtlSeconds: 60, ticketTtlSeconds: 120, componentTokenDailyQuota: 3 });
    sim.state.now = () => now;
    await sim.start();
  });
  afterEach(() => sim.stop());

  const tokenCall = (body: unknown) =>
    fetch(`${sim.url}/cgi-bin/component/api_component_token`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
    );
  const good = () => ({ component_appid: component.appId, component_appsecret: component.appSecret, component_verify_ticket: sim.state.issueTicket() });

  it('issues a token that expires after the configured lifetime', async () => {
    const answer = await tokenCall(good());
    expect(answer).toEqual({ component_access_token: expect.any(String), expires_in: 60 });
    const token = answer.component_access_token as string;
    expect(sim.state.checkComponentToken(token)).toBe(0);
    now += 61_000;
    expect(sim.state.checkComponentToken(token)).toBe(42001);
    expect(sim.state.checkComponentToken('never-issued')).toBe(40001);
    expect(sim.state.checkComponentToken(undefined)).toBe(41001);
  });

  it.each([
    ['missing appid', (b: Record<string, unknown>) => ({ ...b, component_appid: undefined }), 41002],
    ['wrong appid', (b: Record<string, unknown>) => ({ ...b, component_appid: 'wx0000000000000000' }), 40013],
    ['missing secret', (b: Record<string, unknown>) => ({ ...b, component_appsecret: undefined }), 41004],
    ['wrong secret', (b: Record<string, unknown>) => ({ ...b, component_appsecret: 'nope' }), 40125],
    ['unknown ticket', (b: Record<string, unknown>) => ({ ...b, component_verify_ticket: 'ticket@@@forged' }), 61006],
  ])('answers %s with errcode %i', async (_, mutate, errcode) => {
    expect(await tokenCall(mutate(good()))).toMatchObject({ errcode });
  });

  it('answers an expired ticket with 61005', async () => {
    const body = good();
    now += 121_000;
    expect(await tokenCall(body)).toMatchObject({ errcode: 61005 });
  });

  it('enforces the daily quota with 45009', async () => {
    for (let i = 0; i < 3; i++) expect(await tokenCall(good())).toHaveProperty('component_access_token');
    expect(await tokenCall(good())).toMatchObject({ errcode: 45009 });
  });

  it('pushes a ticket to the platform on api_start_push_ticket', async () => {
    const received: string[] = [];
    const { createServer } = await import('node:http');
    const platform = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(`${req.url}|${body}`);
        res.end('success');
      });
    });
    await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
    sim.setComponentEventsUrl(`http://127.0.0.1:${(platform.address() as { port: number }).port}/wechat/component/events`);
    const answer = await fetch(`${sim.url}/cgi-bin/component/api_start_push_ticket`, {
      method: 'POST',
      body: JSON.stringify({ component_appid: component.appId, component_secret: component.appSecret }),
      headers: { 'content-type': 'application/json' },
    }).then((r) => r.json());
    expect(answer).toMatchObject({ errcode: 0 });
    await waitUntil(() => received.length > 0, 'the ticket push');
    platform.close();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/msg_signature=[0-9a-f]{40}/);
    expect(received[0]).toMatch(/encrypt_type=aes/);
    expect(received[0]).toMatch(/<Encrypt><!\[CDATA\[/);
  });

  it('answers a GET on a POST-only API with 43002 and an unknown path with 404', async () => {
    expect(await fetch(`${sim.url}/cgi-bin/component/api_component_token`).then((r) => r.json())).toMatchObject({ errcode: 43002 });
    expect((await fetch(`${sim.url}/cgi-bin/nothing`)).status).toBe(404);
  });
});
