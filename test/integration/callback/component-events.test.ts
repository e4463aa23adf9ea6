import { signedPush, ticketXml, type SignedPush } from '../../helpers/push';
import { useWorld } from '../../helpers/world';

describe('POST /wechat/component/events', () => {
  const world = useWorld();

  const post = (push: SignedPush, init: RequestInit = {}) =>
    fetch(`${world.platform.gatewayUrl}/wechat/component/events?${push.query}`, {
      method: 'POST',
      body: push.body,
      headers: { 'content-type': 'text/xml' },
      ...init,
    });
  const ticketPush = (ticket: string, createTime: number) => signedPush(world.platform.settings.component, ticketXml(world.platform.settings.component.appId, ticket, createTime));

  /** Sends a push that must be refused and checks that storage did not change. */
  async function expectRejected(push: SignedPush, status: number, code?: string, init?: RequestInit) {
    const before = await world.platform.scanTable();
    const response = await post(push, init);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { code: string; message: string };
    if (code) expect(body.code).toBe(code);
    expect(typeof body.message).toBe('string');
    expect(await world.platform.scanTable()).toEqual(before);
  }

  it('stores the ticket and answers the plain text success', async () => {
    const response = await post(ticketPush('ticket@@@first', 1_700_000_000));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('success');
    const items = (await world.platform.scanTable()) as Record<string, { S?: string; N?: string }>[];
    const ticket = items.find((i) => i.sk?.S === 'TICKET');
    expect(ticket?.pk?.S).toBe(`COMPONENT#${world.platform.settings.component.appId}`);
    expect(ticket?.ticket?.S).toBe('ticket@@@first');
    expect(ticket?.createTime?.N).toBe('1700000000');
    expect(Date.parse(ticket?.receivedAt?.S ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('treats a re-delivered push as done: one record, unchanged, still success', async () => {
    const push = ticketPush('ticket@@@retried', 1_700_000_100);
    expect(await (await post(push)).text()).toBe('success');
    const afterFirst = await world.platform.scanTable();
    for (let i = 0; i < 3; i++) {
      const response = await post(push);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('success');
    }
    expect(await world.platform.scanTable()).toEqual(afterFirst);
    expect(afterFirst).toHaveLength(1);
  });

  it('keeps the newest ticket when an older push arrives late', async () => {
    await post(ticketPush('ticket@@@newest', 1_700_000_300));
    const response = await post(ticketPush('ticket@@@older', 1_700_000_200));
    expect(await response.text()).toBe('success');
    const items = (await world.platform.scanTable()) as Record<string, { S?: string }>[];
    expect(items.find((i) => i.sk?.S === 'TICKET')?.ticket?.S).toBe('ticket@@@newest');
  });

  it('acknowledges an unknown InfoType without storing anything', async () => {
    const xml = `<xml><AppId><![CDATA[${world.platform.settings.component.appId}]]></AppId><CreateTime>1700000400</CreateTime><InfoType><![CDATA[something_new]]></InfoType></xml>`;
    const before = await world.platform.scanTable();
    const response = await post(signedPush(world.platform.settings.component, xml));
    expect(await response.text()).toBe('success');
    expect(await world.platform.scanTable()).toEqual(before);
  });

  describe('refuses, without changing storage', () => {
    it('a wrong msg_signature with 401', async () => {
      const push = ticketPush('ticket@@@forged', 1_700_001_000);
      const query = push.query.replace(/msg_signature=[0-9a-f]/, (m) => (m.endsWith('0') ? `${m.slice(0, -1)}1` : `${m.slice(0, -1)}0`));
      await expectRejected({ ...push, query }, 401, 'invalid_signature');
    });

    it('a push signed with another token with 401', async () => {
      const push = signedPush({ ...world.platform.settings.component, token: 'another-token' }, ticketXml(world.platform.settings.component.appId, 't', 1_700_001_001));
      await expectRejected(push, 401, 'invalid_signature');
    });

    it('a correctly signed push replayed after the 10-minute window with 401', async () => {
      const stale = signedPush(world.platform.settings.component, ticketXml(world.platform.settings.component.appId, 'ticket@@@replayed', 1_700_001_100), { timestamp: String(Math.floor(Date.now() / 1000) - 601) });
      await expectRejected(stale, 401, 'invalid_signature');
      const future = signedPush(world.platform.settings.component, ticketXml(world.platform.settings.component.appId, 'ticket@@@future', 1_700_001_101), { timestamp: String(Math.floor(Date.now() / 1000) + 601) });
      await expectRejected(future, 401, 'invalid_signature');
    });

    it('a push without signature parameters with 401', async () => {
      await expectRejected({ ...ticketPush('t', 1_700_001_002), query: '' }, 401);
    });

    it('a push encrypted for another appid with 401', async () => {
      const push = signedPush(world.platform.settings.component, ticketXml('wx1111111111111111', 't', 1_700_001_003), { appId: 'wx1111111111111111' });
      await expectRejected(push, 401, 'invalid_signature');
    });

    it('a decrypted push for another component appid with 400', async () => {
      await expectRejected(signedPush(world.platform.settings.component, ticketXml('wx2222222222222222', 't', 1_700_001_004)), 400);
    });

    it('malformed envelope XML with 400', async () => {
      await expectRejected({ ...ticketPush('t', 1_700_001_005), body: '<xml><Encrypt>abc</xml>' }, 400, 'malformed_xml');
    });

    it('an envelope without Encrypt with 400', async () => {
      await expectRejected({ ...ticketPush('t', 1_700_001_006), body: '<xml><AppId>x</AppId></xml>' }, 400, 'malformed_push');
    });

    it('XML with a DOCTYPE (entity expansion) with 400', async () => {
      const body = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Encrypt>&lol2;</Encrypt></xml>';
      await expectRejected({ ...ticketPush('t', 1_700_001_007), body }, 400, 'malformed_xml');
    });

    it('a decrypted push that fails the schema with 400', async () => {
      const xml = `<xml><AppId><![CDATA[${world.platform.settings.component.appId}]]></AppId><CreateTime>1700001008</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType></xml>`;
      await expectRejected(signedPush(world.platform.settings.component, xml), 400);
    });

    it('a decrypted push that is not XML with 400', async () => {
      await expectRejected(signedPush(world.platform.settings.component, 'not xml at all <'), 400);
    });

    it('a body over 64 KB with 413', async () => {
      const push = ticketPush('t', 1_700_001_009);
      await expectRejected({ ...push, body: `${push.body}${' '.repeat(64 * 1024)}` }, 413, 'payload_too_large');
    });

    it('a base64-encoded body over 64 KB with 413', async () => {
      const push = ticketPush('t', 1_700_001_010);
      await expectRejected({ ...push, body: 'x'.repeat(70 * 1024) }, 413, 'payload_too_large', { headers: { 'content-type': 'application/octet-stream' } });
    });
  });

  it('accepts the push when API Gateway base64-encodes the body', async () => {
    const push = ticketPush('ticket@@@binary', 1_700_002_000);
    const response = await post(push, { headers: { 'content-type': 'application/octet-stream' } });
    expect(await response.text()).toBe('success');
  });
});
