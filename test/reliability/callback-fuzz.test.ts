import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import { SeededRandom } from '../../local/wechat-sim/seeded-random';
import { invokeLocally } from '../../local/lambda-context';
import { apiEvent } from '../helpers/api-event';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { ticketXml } from '../helpers/push';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** FUZZ_SEED=<n> replays a run; the seed is printed with the figures. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const IN_PROCESS = 9_000;
const OVER_HTTP = 1_200;
const MAX_LATENCY_MS = 1_000;

interface FuzzRequest {
  kind: string;
  route: 'component' | 'authorizer';
  /** The `{appId}` path segment of the authorizer route (raw, may be hostile). */
  pathAppId: string;
  query: string;
  body: Buffer;
  contentType: string;
}

/**
 * Both public callback routes get ≥ 10,000 generated and mutated requests: forged, broken,
 * hostile XML, invalid bytes, wrong sizes, bit flips of valid pushes. None may answer 5xx,
 * throw, change storage or take longer than the bound. Most go in-process to the handlers as
 * API Gateway events; a share goes over HTTP through the local gateway.
 */
describe('callback routes under generated and mutated input', () => {
  let platform: TestPlatform;
  let crypto: WeChatMessageCrypto;
  let authorizerAppId: string;
  let storedTicket: { ticket: string; createTime: number };
  const random = new SeededRandom(SEED);

  beforeAll(async () => {
    platform = await startTestPlatform();
    const { component } = platform.settings;
    crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
    // The valid pushes the fuzzer starts from are ones that change nothing when accepted: the
    // ticket already stored, an unknown InfoType, a text message to an authorizer.
    storedTicket = { ticket: platform.simulator!.state.issueTicket(), createTime: Math.floor(Date.now() / 1000) };
    const first = signed(ticketXml(component.appId, storedTicket.ticket, storedTicket.createTime));
    const stored = await fetch(`${platform.gatewayUrl}/wechat/component/events?${first.query}`, { method: 'POST', body: first.body });
    expect(await stored.text()).toBe('success');
    authorizerAppId = `wx${'0123456789abcdef'}`;
  });
  afterAll(() => platform.stop());

  function signed(innerXml: string, options: { appId?: string; timestamp?: string; nonce?: string; encrypt?: string } = {}): { query: string; body: Buffer } {
    const { component } = platform.settings;
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(random.int(1e9, 9e9));
    const sealer = options.appId ? new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: options.appId }) : crypto;
    const encrypt = options.encrypt ?? sealer.encrypt(innerXml);
    const query = new URLSearchParams({ signature: crypto.signature(timestamp, nonce, ''), timestamp, nonce, encrypt_type: 'aes', msg_signature: crypto.signature(timestamp, nonce, encrypt) }).toString();
    return { query, body: Buffer.from(`<xml><AppId><![CDATA[${component.appId}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`) };
  }

  const componentAppId = () => platform.settings.component.appId;
  const now = () => Math.floor(Date.now() / 1000);
  const validInner = (route: FuzzRequest['route']) =>
    route === 'component'
      ? random.chance(0.5)
        ? ticketXml(componentAppId(), storedTicket.ticket, storedTicket.createTime)
        : `<xml><AppId><![CDATA[${componentAppId()}]]></AppId><CreateTime>${now()}</CreateTime><InfoType><![CDATA[fuzz_${random.int(0, 1e6)}]]></InfoType></xml>`
      : `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[ofuzz]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi ${random.int(0, 1e6)}]]></Content></xml>`;

  const deepXml = (depth: number) => `<xml>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</xml>`;
  const hostileXml = (): [string, string] => {
    switch (random.int(0, 6)) {
      case 0:
        return ['doctype', `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><AppId>&xxe;</AppId><Encrypt>x</Encrypt></xml>`];
      case 1: {
        const lol = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
        return ['entity-expansion', `<!DOCTYPE xml [${lol}]><xml><Encrypt>&l9;</Encrypt></xml>`];
      }
      case 2:
        return ['deep-nesting', deepXml(random.pick([50, 1000, 5000]))];
      case 3:
        return ['huge-attribute', `<xml a="${'A'.repeat(random.int(10_000, 60_000))}"><Encrypt>x</Encrypt></xml>`];
      case 4:
        return ['many-attributes', `<xml ${Array.from({ length: 2000 }, (_, i) => `a${i}="${i}"`).join(' ')}><Encrypt>x</Encrypt></xml>`];
      case 5:
        return ['unclosed', `<xml><Encrypt>${'<x>'.repeat(random.int(1, 200))}`];
      default:
        return ['cdata-tricks', `<xml><Encrypt><![CDATA[]]]]><![CDATA[>${random.bytes(32).toString('base64')}]]></Encrypt><Encrypt>dup</Encrypt></xml>`];
    }
  };

  function flipBits(buffer: Buffer, flips: number): Buffer {
    const copy = Buffer.from(buffer);
    for (let i = 0; i < flips && copy.length; i++) copy[random.int(0, copy.length - 1)]! ^= 1 << random.int(0, 7);
    return copy;
  }

  function generate(): FuzzRequest {
    const route: FuzzRequest['route'] = random.chance(0.5) ? 'component' : 'authorizer';
    const base = { route, pathAppId: authorizerAppId, contentType: 'text/xml' };
    const valid = () => signed(validInner(route));
    const encryptOf = (body: Buffer) => /<Encrypt><!\[CDATA\[([^\]]*)\]\]>/.exec(body.toString('latin1'))?.[1] ?? '';
    switch (random.int(0, 15)) {
      case 0: {
        const push = valid();
        const query = push.query.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${random.bytes(20).toString('hex')}`);
        return { ...base, kind: 'bad-signature', query, body: push.body };
      }
      case 1: {
        const encrypt = crypto.encrypt(validInner(route));
        const cut = encrypt.slice(0, random.int(0, encrypt.length - 1));
        return { ...base, kind: 'truncated-ciphertext', ...signed('', { encrypt: cut }) };
      }
      case 2: {
        const encrypt = crypto.encrypt(validInner(route));
        const padded = random.chance(0.5) ? encrypt + random.bytes(random.pick([16, 32, 48, 3000])).toString('base64') : encrypt + '='.repeat(random.int(1, 8));
        return { ...base, kind: 'padded-ciphertext', ...signed('', { encrypt: padded }) };
      }
      case 3:
        return { ...base, kind: 'wrong-appid', ...signed(validInner(route), { appId: `wx${random.bytes(8).toString('hex')}` }) };
      case 4: {
        const [kind, xml] = hostileXml();
        return { ...base, kind: `outer-${kind}`, query: valid().query, body: Buffer.from(xml) };
      }
      case 5: {
        const [kind, xml] = hostileXml();
        // Signed and encrypted correctly: only WeChat's key holder could send it, and still it must not hurt.
        return { ...base, kind: `inner-${kind}`, ...signed(xml) };
      }
      case 6:
        return { ...base, kind: 'invalid-utf8', query: valid().query, body: Buffer.concat([Buffer.from('<xml><Encrypt>'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), random.bytes(64), Buffer.from('</Encrypt></xml>')]), contentType: random.pick(['text/xml', 'application/octet-stream']) };
      case 7:
        return { ...base, kind: 'empty-body', query: valid().query, body: Buffer.alloc(0) };
      case 8:
        return { ...base, kind: 'oversize-body', query: valid().query, body: Buffer.concat([valid().body, Buffer.alloc(random.int(64 * 1024, 300 * 1024), 0x20)]) };
      case 9: {
        const push = valid();
        return { ...base, kind: 'bitflip-body', query: push.query, body: flipBits(push.body, random.int(1, 4)) };
      }
      case 10: {
        const push = valid();
        return { ...base, kind: 'bitflip-query', query: flipBits(Buffer.from(push.query), random.int(1, 3)).toString('latin1'), body: push.body };
      }
      case 11: {
        const push = valid();
        const params = new URLSearchParams(push.query);
        const mutation = random.int(0, 4);
        if (mutation === 0) params.delete(random.pick(['msg_signature', 'timestamp', 'nonce']));
        if (mutation === 1) params.set('timestamp', random.pick(['', 'abc', '-1', '99999999999999', String(now() - 3600), '1e9']));
        if (mutation === 2) params.set('nonce', 'n'.repeat(random.int(65, 5000)));
        if (mutation === 3) params.append('msg_signature', params.get('msg_signature')!);
        if (mutation === 4) params.set('msg_signature', '');
        return { ...base, kind: 'query-mutation', query: params.toString(), body: push.body };
      }
      case 12: {
        // Signed pushes whose content breaks the schema: missing fields, wrong types, another component.
        const inner = random.pick([
          `<xml><AppId><![CDATA[${componentAppId()}]]></AppId><InfoType><![CDATA[authorized]]></InfoType></xml>`,
          `<xml><AppId><![CDATA[${componentAppId()}]]></AppId><CreateTime>soon</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType></xml>`,
          `<xml><AppId><![CDATA[wx0000000000000000]]></AppId><CreateTime>${now()}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>`,
          `<xml><AppId><![CDATA[${componentAppId()}]]></AppId><CreateTime>${now()}</CreateTime><InfoType><![CDATA[${'x'.repeat(5000)}]]></InfoType></xml>`,
          `<xml><ToUserName>gh</ToUserName><CreateTime>${now()}</CreateTime><MsgType>event</MsgType><Event>weapp_audit_success</Event><SuccTime>never</SuccTime></xml>`,
          `<xml><ToUserName>gh</ToUserName><MsgType>event</MsgType></xml>`,
          `<xml></xml>`,
          `<notxml/>`,
          ``,
          `{"json":true}`,
        ]);
        return { ...base, kind: 'signed-schema-violation', ...signed(inner) };
      }
      case 13:
        return { ...base, kind: 'random-bytes', query: random.chance(0.5) ? valid().query : '', body: random.bytes(random.int(0, 4096)), contentType: random.pick(['text/xml', 'application/octet-stream', 'application/json']) };
      case 14: {
        const push = valid();
        const encrypt = encryptOf(push.body);
        return { ...base, kind: 'replayed-old-push', ...signed('', { encrypt, timestamp: String(now() - random.int(700, 100_000)) }) };
      }
      default: {
        const push = valid();
        const pathAppId = random.pick(['wx123', 'WX0123456789ABCDEF0', '..', 'wx0123456789abcdeg', `wx${'0'.repeat(200)}`, '%00', 'wx0123456789abcdef;drop', '%ZZ', '%E0%A4%A']);
        return { ...base, route: 'authorizer', kind: 'bad-path-appid', pathAppId, query: push.query, body: push.body };
      }
    }
  }

  const functionFor = { component: 'componentEvents', authorizer: 'authorizerEvents' } as const;

  async function inProcess(request: FuzzRequest): Promise<number> {
    const event =
      request.route === 'component'
        ? apiEvent('POST /wechat/component/events', { rawPath: '/wechat/component/events', query: request.query, body: request.body, contentType: request.contentType })
        : apiEvent('POST /wechat/authorizers/{appId}/events', {
            rawPath: `/wechat/authorizers/${request.pathAppId}/events`,
            query: request.query,
            body: request.body,
            contentType: request.contentType,
            pathParameters: { appId: request.pathAppId },
          });
    const name = functionFor[request.route];
    const result = await invokeLocally(platform.gateway.handlerFor(name) as unknown as Handler, name, event);
    return result.statusCode ?? 200;
  }

  async function overHttp(request: FuzzRequest): Promise<number> {
    // A malformed %-escape goes on the wire as is: the gateway must not fall over decoding it.
    const segment = request.pathAppId.startsWith('%') ? request.pathAppId : encodeURIComponent(request.pathAppId);
    const path = request.route === 'component' ? '/wechat/component/events' : `/wechat/authorizers/${segment}/events`;
    const response = await fetch(`${platform.gatewayUrl}${path}?${request.query}`, { method: 'POST', body: request.body, headers: { 'content-type': request.contentType } });
    await response.arrayBuffer();
    return response.status;
  }

  it(`answers ≥ 10,000 hostile requests with 4xx or success, in bounded time, with no storage change (seed ${SEED})`, async () => {
    const before = await platform.scanTable();
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    const failures: string[] = [];

    const run = async (index: number, send: (r: FuzzRequest) => Promise<number>) => {
      const request = generate();
      kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
      const started = performance.now();
      let status: number;
      try {
        status = await send(request);
      } catch (error) {
        failures.push(`#${index} ${request.kind}: threw ${(error as Error).message}`);
        return;
      }
      const ms = performance.now() - started;
      latencies.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) failures.push(`#${index} ${request.kind}: HTTP ${status}`);
      if (ms > MAX_LATENCY_MS) failures.push(`#${index} ${request.kind}: ${ms.toFixed(0)} ms`);
    };

    // Generation is sequential (the PRNG sequence must not depend on timing); sending is in small batches.
    const started = performance.now();
    for (let i = 0; i < IN_PROCESS; i += 8) await Promise.all(Array.from({ length: Math.min(8, IN_PROCESS - i) }, (_, j) => run(i + j, inProcess)));
    for (let i = 0; i < OVER_HTTP; i += 8) await Promise.all(Array.from({ length: Math.min(8, OVER_HTTP - i) }, (_, j) => run(IN_PROCESS + i + j, overHttp)));
    const elapsedS = (performance.now() - started) / 1000;

    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    process.stdout.write(
      `callback fuzz (seed ${SEED}): ${latencies.length} requests (${IN_PROCESS} in-process, ${OVER_HTTP} over HTTP) in ${elapsedS.toFixed(1)} s; ` +
        `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, p100 ${latencies.at(-1)!.toFixed(1)} ms (bound ${MAX_LATENCY_MS} ms); ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${kinds.size} kinds\n`,
    );

    expect(failures.slice(0, 20)).toEqual([]);
    expect(latencies.length).toBe(IN_PROCESS + OVER_HTTP);
    expect(kinds.size).toBeGreaterThanOrEqual(20);
    expect(await platform.scanTable()).toEqual(before);
  }, 120_000);
});
