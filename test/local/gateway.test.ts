import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { accessLogLine, LocalGateway, type AccessLogEntry } from '../../local/gateway';

/** The gateway must hand handlers the same event shape API Gateway HTTP API (payload 2.0) does. */
describe('Class: LocalGateway', () => {
  let gateway: LocalGateway;
  let seen: APIGatewayProxyEventV2 | undefined;

  beforeAll(async () => {
    gateway = new LocalGateway({ port: 0, adminToken: 'x'.repeat(24) });
    await gateway.start();
    // Replace the real handler with a recorder for this test only.
    const handlers = (gateway as unknown as { handlers: Map<string, unknown> }).handlers;
    handlers.set('componentEvents', async (event: APIGatewayProxyEventV2) => {
      seen = event;
      return { statusCode: 202, headers: { 'x-test': 'yes' }, body: Buffer.from([0, 1, 2]).toString('base64'), isBase64Encoded: true };
    });
  });
  afterAll(() => gateway.stop());

  it('builds a payload 2.0 event with route key, query, headers and text body', async () => {
    const response = await fetch(`${gateway.url}/wechat/component/events?a=1&a=2&b=x%20y`, {
      method: 'POST',
      body: '<xml/>',
      headers: { 'content-type': 'text/xml', 'X-Custom': 'v', cookie: 'c1=1; c2=2' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2]));
    expect(seen).toMatchObject({
      version: '2.0',
      routeKey: 'POST /wechat/component/events',
      rawPath: '/wechat/component/events',
      rawQueryString: 'a=1&a=2&b=x%20y',
      queryStringParameters: { a: '1,2', b: 'x y' },
      cookies: ['c1=1', 'c2=2'],
      body: '<xml/>',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/wechat/component/events' }, stage: '$default' },
    });
    expect(seen?.headers['x-custom']).toBe('v');
  });

  it('base64-encodes binary bodies', async () => {
    await fetch(`${gateway.url}/wechat/component/events`, { method: 'POST', body: Buffer.from([255, 0, 1]), headers: { 'content-type': 'application/octet-stream' } });
    expect(seen?.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen!.body!, 'base64')).toEqual(Buffer.from([255, 0, 1]));
  });

  it('answers 404 for a method or path with no route', async () => {
    expect((await fetch(`${gateway.url}/wechat/component/events`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/nope`, { method: 'POST' })).status).toBe(404);
  });
});

/** The access log names the caller of an admin route, and the answer carries the request id, as API Gateway's do. */
describe('LocalGateway access log', () => {
  const tokens = { adminToken: 'a'.repeat(24), operatorToken: 'o'.repeat(24), viewerToken: 'v'.repeat(24) };
  const entries: AccessLogEntry[] = [];
  let gateway: LocalGateway;
  let seen: APIGatewayProxyEventV2 | undefined;

  beforeAll(async () => {
    gateway = new LocalGateway({ port: 0, ...tokens, onRequest: (entry) => entries.push(entry) });
    await gateway.start();
    const handlers = (gateway as unknown as { handlers: Map<string, unknown> }).handlers;
    handlers.set('adminComponent', async (event: APIGatewayProxyEventV2) => {
      seen = event;
      return { statusCode: 200, body: '{}' };
    });
  });
  afterAll(() => gateway.stop());

  it('logs the role whose token an admin request carried, and its request id, which the answer names too', async () => {
    const response = await fetch(`${gateway.url}/admin/health`, { headers: { authorization: `Bearer ${tokens.operatorToken}` } });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('apigw-requestid');
    expect(requestId).toBe(seen?.requestContext.requestId);
    const entry = entries.at(-1)!;
    expect(entry).toMatchObject({ method: 'GET', path: '/admin/health', status: 200, caller: 'operator', requestId });
    expect(accessLogLine(entry)).toBe(`GET /admin/health → 200 (${entry.durationMs} ms)  caller=operator  req=${requestId!.slice(0, 8)}`);
  });

  it('logs no caller for a refused token or a public route', async () => {
    expect((await fetch(`${gateway.url}/admin/health`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(entries.at(-1)).toMatchObject({ status: 401, caller: undefined });
    expect(accessLogLine(entries.at(-1)!)).not.toContain('caller=');
  });
});
