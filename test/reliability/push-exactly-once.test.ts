import { randomInt } from 'node:crypto';
import { signedPush, ticketXml } from '../helpers/push';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * WeChat delivers a push up to three times (and a push may race another path, e.g. the
 * authorization redirect). Every push type must take effect once: each is delivered three
 * times at once and then three times more one after the other, each delivery encrypted anew
 * as WeChat does, and the effects are counted.
 */
describe('every push type takes effect exactly once', () => {
  let platform: TestPlatform;
  const sim = () => platform.simulator!;
  const componentUrl = () => `${platform.gatewayUrl}/wechat/component/events`;

  beforeAll(async () => {
    platform = await startTestPlatform({ simulator: { fastRegisterDelayMs: 600_000, auditDelayMs: 600_000 } });
    await sim().ticketPusher.pushNow();
  });
  afterAll(() => platform.stop());

  /** Posts the same decrypted push six times: three concurrent deliveries, then three in sequence. */
  async function deliverSixTimes(url: string, xml: string): Promise<number[]> {
    const once = async () => {
      const push = signedPush(platform.settings.component, xml, { nonce: String(randomInt(1e9, 9e9)) });
      const response = await fetch(`${url}?${push.query}`, { method: 'POST', body: push.body, headers: { 'content-type': 'text/xml' } });
      await response.text();
      return response.status;
    };
    const statuses = await Promise.all([once(), once(), once()]);
    for (let i = 0; i < 3; i++) statuses.push(await once());
    return statuses;
  }

  /** Runs `act` with the simulator's pushes of `kind` lost, so the test delivers them itself. */
  async function withPushesLost<T>(kind: 'authorization' | 'fastRegistration', act: () => Promise<T>): Promise<T> {
    sim().faults({ dropPushes: { [kind]: 1 } });
    try {
      return await act();
    } finally {
      sim().faults({});
    }
  }

  const detail = async (appId: string) => (await (await platform.admin(`/admin/authorizers/${appId}`)).json()) as Json;
  const queryAuthCalls = (code: string) =>
    sim().requests.filter((r) => r.path === '/cgi-bin/component/api_query_auth' && (r.body as Json | undefined)?.authorization_code === code).length;
  const pushXml = (infoType: string, appId: string) => {
    const push = [...sim().authorizationPushes].reverse().find((p) => p.infoType === infoType && p.authorizerAppId === appId);
    if (!push) throw new Error(`no ${infoType} push for ${appId}`);
    return push.xml;
  };
  const codeOf = (xml: string) => /<AuthorizationCode><!\[CDATA\[([^\]]+)\]\]>/.exec(xml)![1]!;
  /** Every delivery is answered 2xx (done) or 409 (a concurrent delivery is being handled: WeChat tries again). */
  const expectAcknowledged = (statuses: number[]) => {
    for (const status of statuses) expect([200, 409]).toContain(status);
    expect(statuses.slice(3)).toEqual([200, 200, 200]);
  };

  it('component_verify_ticket: one ticket item, the same after every re-delivery', async () => {
    const ticket = sim().state.issueTicket();
    const xml = ticketXml(platform.settings.component.appId, ticket, Math.floor(Date.now() / 1000) + 5);
    expectAcknowledged(await deliverSixTimes(componentUrl(), xml));
    const tickets = ((await platform.scanTable()) as Json[]).filter((i) => i.sk?.S === 'TICKET');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.ticket.S).toBe(ticket);
  });

  it('authorized: one history entry and one code exchange', async () => {
    const { appId } = await withPushesLost('authorization', () => sim().authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` }));
    const xml = pushXml('authorized', appId);
    expect(queryAuthCalls(codeOf(xml))).toBe(0);
    expectAcknowledged(await deliverSixTimes(componentUrl(), xml));
    const view = await detail(appId);
    expect(view.status).toBe('authorized');
    expect(view.history.map((h: Json) => h.event)).toEqual(['authorized']);
    expect(queryAuthCalls(codeOf(xml))).toBe(1);
  });

  it('updateauthorized: one more history entry and one code exchange', async () => {
    const { appId } = await sim().authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
    await withPushesLost('authorization', () => sim().changePermissions(appId, [17, 18]));
    const xml = pushXml('updateauthorized', appId);
    expectAcknowledged(await deliverSixTimes(componentUrl(), xml));
    const view = await detail(appId);
    expect(view.history.map((h: Json) => h.event).sort()).toEqual(['authorized', 'updateauthorized']);
    expect(view.funcInfo).toEqual(expect.arrayContaining([17, 18]));
    expect(queryAuthCalls(codeOf(xml))).toBe(1);
  });

  it('unauthorized: one history entry, status unauthorized', async () => {
    const { appId } = await sim().authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
    await withPushesLost('authorization', () => sim().revoke(appId));
    expectAcknowledged(await deliverSixTimes(componentUrl(), pushXml('unauthorized', appId)));
    const view = await detail(appId);
    expect(view.status).toBe('unauthorized');
    expect(view.history.map((h: Json) => h.event).sort()).toEqual(['authorized', 'unauthorized']);
  });

  it('notify_third_fasteregister: one outcome on the registration, one code exchange, one new authorizer', async () => {
    const created = await platform.admin('/admin/registrations', {
      method: 'POST',
      body: JSON.stringify({ name: '深圳市一次科技有限公司', code: '91440300MA5FXXXX0Q', componentPhone: '13800138000' }),
    });
    expect(created.status).toBe(201);
    const { registrationId, taskId } = (await created.json()) as Json;
    await withPushesLost('fastRegistration', () => sim().completeFastRegistrations());
    const task = sim().fastRegistrations.at(-1)!;
    expect(task.taskId).toBe(taskId);
    expect(task.push).toMatchObject({ status: 'unreachable' });
    expectAcknowledged(await deliverSixTimes(componentUrl(), task.xml!));
    const registration = (await (await platform.admin(`/admin/registrations/${registrationId}`)).json()) as Json;
    expect(registration).toMatchObject({ state: 'succeeded', appId: task.appId });
    expect(queryAuthCalls(task.authCode!)).toBe(1);
    expect((await detail(task.appId!)).history.map((h: Json) => h.event)).toEqual(['authorized']);
  });

  it('notify_third_fasteregister failure: one outcome on the registration, no authorizer', async () => {
    const created = await platform.admin('/admin/registrations', { method: 'POST', body: JSON.stringify({ name: '深圳市拒绝科技有限公司', code: '91440300MA5FXXXX1Q', componentPhone: '13800138000' }) });
    const { registrationId, taskId } = (await created.json()) as Json;
    const authorizersBefore = sim().authorizers.length;
    await withPushesLost('fastRegistration', () => sim().answerFastRegistration(taskId, { approve: false, status: 1002 }));
    const task = sim().fastRegistrations.at(-1)!;
    expectAcknowledged(await deliverSixTimes(componentUrl(), task.xml!));
    const registration = (await (await platform.admin(`/admin/registrations/${registrationId}`)).json()) as Json;
    expect(registration).toMatchObject({ state: 'failed', result: { status: 1002, message: 'the company is blacklisted' } });
    expect(registration.appId).toBeUndefined();
    expect(sim().authorizers).toHaveLength(authorizersBefore);
  });

  describe.each(['weapp_audit_success', 'weapp_audit_fail', 'weapp_audit_delay'])('%s', (event) => {
    it('one event on the audit record', async () => {
      const { appId } = await sim().authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
      const createTime = Math.floor(Date.now() / 1000);
      const fields =
        event === 'weapp_audit_success'
          ? `<SuccTime>${createTime}</SuccTime>`
          : event === 'weapp_audit_fail'
            ? `<Reason><![CDATA[页面内容不完整]]></Reason><FailTime>${createTime}</FailTime><ScreenShot><![CDATA[media1|media2]]></ScreenShot>`
            : `<Reason><![CDATA[审核延后]]></Reason><DelayTime>${createTime}</DelayTime>`;
      const xml =
        `<xml><ToUserName><![CDATA[${sim().authorizers.find((a) => a.appId === appId)!.userName}]]></ToUserName><FromUserName><![CDATA[o-system]]></FromUserName><CreateTime>${createTime}</CreateTime>` +
        `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${fields}</xml>`;
      expectAcknowledged(await deliverSixTimes(`${platform.gatewayUrl}/wechat/authorizers/${appId}/events`, xml));
      const { audits } = (await (await platform.admin(`/admin/authorizers/${appId}/audits`)).json()) as Json;
      expect(audits).toHaveLength(1);
      // A push for an audit the platform did not submit opens a record of its own (`submitted`).
      expect(audits[0].events.map((e: Json) => e.event).filter((e: string) => e !== 'submitted')).toEqual([event]);
    });
  });
});
