import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import { startDynamoDbLocal, ensureTable, LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb';
import { generateCredentials } from '../../local/settings';
import { fmt, median, percentile, verdict } from './stats';
import { freePort } from '../helpers/free-port';

// wechat-crypto ships no types; its surface is two methods.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WXBizMsgCrypt = require('wechat-crypto') as new (token: string, aesKey: string, appId: string) => {
  getSignature(timestamp: string, nonce: string, encrypt: string): string;
  decrypt(encrypt: string): { message: string; id: string };
};

const PUSHES = 1000;
const ROUNDS = 21;
const TARGET_RATIO = 1.5;
const TARGET_P99_MS = 5;
const WARMUP_PUSHES = 6000;

interface Push {
  timestamp: string;
  nonce: string;
  encrypt: string;
  msgSignature: string;
  xml: string;
}

/** A mix of what the authorization-event URL receives: tickets, authorizations, registrations. */
function realisticXml(appId: string, i: number): string {
  const createTime = 1_764_115_200 + i;
  switch (i % 4) {
    case 0:
    case 1:
      return `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${createTime}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@${randomBytes(30).toString('base64url')}]]></ComponentVerifyTicket></xml>`;
    case 2:
      return `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${createTime}</CreateTime><InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[wx${randomBytes(8).toString('hex')}]]></AuthorizerAppid><AuthorizationCode><![CDATA[queryauthcode@@@${randomBytes(48).toString('base64url')}]]></AuthorizationCode><AuthorizationCodeExpiredTime>${createTime + 3600}</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauthcode@@@${randomBytes(36).toString('base64url')}]]></PreAuthCode></xml>`;
    default:
      return `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${createTime}</CreateTime><InfoType><![CDATA[notify_third_fasteregister]]></InfoType><appid><![CDATA[wx${randomBytes(8).toString('hex')}]]></appid><status>0</status><auth_code><![CDATA[${randomBytes(32).toString('hex')}]]></auth_code><msg><![CDATA[OK]]></msg><info><taskid><![CDATA[${randomBytes(16).toString('hex')}]]></taskid><name><![CDATA[深圳市示例科技有限公司]]></name><code><![CDATA[91440300MA5XXXXXXX]]></code><component_phone><![CDATA[13800000000]]></component_phone></info></xml>`;
  }
}

function makePushes(crypto: WeChatMessageCrypto, appId: string, xmlFor: (i: number) => string): Push[] {
  return Array.from({ length: PUSHES }, (_, i) => {
    const xml = xmlFor(i);
    const envelope = crypto.encryptAndSign(xml, String(1_764_115_200 + i), String(randomInt(1e9, 1e10)));
    return { ...envelope, xml };
  });
}

/**
 * Pushes per second for each implementation, measured in alternating passes so that drift
 * in machine speed hits both alike; each figure is the median over ROUNDS passes, and the
 * ratio the median of the per-round ratios.
 */
function throughput(ours: (push: Push) => string, anchor: (push: Push) => string, pushes: Push[]): { ours: number; anchor: number; ratio: number } {
  const pass = (run: (push: Push) => string) => {
    const started = performance.now();
    for (const push of pushes) run(push);
    return pushes.length / ((performance.now() - started) / 1000);
  };
  for (let i = 0; i < 3; i++) {
    pass(ours);
    pass(anchor);
  }
  const oursRates: number[] = [];
  const anchorRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const o = pass(ours);
    const a = pass(anchor);
    oursRates.push(o);
    anchorRates.push(a);
    ratios.push(o / a);
  }
  return { ours: median(oursRates), anchor: median(anchorRates), ratio: median(ratios) };
}

export async function cryptoBench(): Promise<void> {
  const creds = generateCredentials();
  const ours = new WeChatMessageCrypto({ token: creds.componentToken, encodingAesKey: creds.componentAesKey, appId: creds.componentAppId });
  const theirs = new WXBizMsgCrypt(creds.componentToken, creds.componentAesKey, creds.componentAppId);
  const pushes = makePushes(ours, creds.componentAppId, (i) => realisticXml(creds.componentAppId, i));

  // Both must return the same plaintext before their speed means anything.
  for (const push of pushes.slice(0, 20)) {
    if (theirs.decrypt(push.encrypt).message !== push.xml || ours.verifyAndDecrypt(push) !== push.xml) throw new Error('implementations disagree');
  }

  const { ours: oursRate, anchor: theirsRate, ratio } = throughput(
    (push) => ours.verifyAndDecrypt(push),
    (push) => {
      // What wechat-crypto's users write: signature check with ===, then decrypt (no appid or padding check).
      if (theirs.getSignature(push.timestamp, push.nonce, push.encrypt) !== push.msgSignature) throw new Error('bad signature');
      return theirs.decrypt(push.encrypt).message;
    },
    pushes,
  );
  const avgBytes = pushes.reduce((n, p) => n + p.encrypt.length, 0) / pushes.length;

  console.log(`crypto: verify + decrypt of ${PUSHES} realistic pushes (avg ${fmt(avgBytes)} base64 chars), median of ${ROUNDS} alternating passes`);
  console.log(`  weapp-fleet WeChatMessageCrypto   ${fmt(oursRate).padStart(9)} pushes/s   (constant-time signature, padding, length and appid checked)`);
  console.log(`  wechat-crypto 0.0.2 (anchor)      ${fmt(theirsRate).padStart(9)} pushes/s`);
  console.log(`  ratio                             ${fmt(ratio, 2).padStart(9)}×   target ≥ ${TARGET_RATIO}×  ${verdict(ratio >= TARGET_RATIO)}`);

  await callbackLatency(creds);
}

/** The whole callback in-process: API Gateway v2 event → handler → DynamoDB Local write → `success`. */
async function callbackLatency(creds: ReturnType<typeof generateCredentials>): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    const tableName = 'bench-callback';
    await ensureTable(dynamo.endpoint, tableName);
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      WECHAT_COMPONENT_APPID: creds.componentAppId,
      WECHAT_COMPONENT_SECRET: creds.componentSecret,
      WECHAT_COMPONENT_TOKEN: creds.componentToken,
      WECHAT_COMPONENT_AES_KEY: creds.componentAesKey,
    });
    // Loaded after the environment is set, as Lambda would at cold start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../functions/callback/component-events') as {
      handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }>;
    };
    const crypto = new WeChatMessageCrypto({ token: creds.componentToken, encodingAesKey: creds.componentAesKey, appId: creds.componentAppId });
    // Every push a new, newer ticket, so each one is a real conditional write.
    const ticketPushes = (count: number, firstCreateTime: number) =>
      Array.from({ length: count }, (_, i) => {
        const xml = `<xml><AppId><![CDATA[${creds.componentAppId}]]></AppId><CreateTime>${firstCreateTime + i}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@${randomBytes(30).toString('base64url')}]]></ComponentVerifyTicket></xml>`;
        // Signed now: pushes outside the replay window are refused.
        return { ...crypto.encryptAndSign(xml, String(Math.floor(Date.now() / 1000)), String(randomInt(1e9, 1e10))), xml };
      });
    const warmup = ticketPushes(WARMUP_PUSHES, 1_700_000_000);
    const pushes = ticketPushes(PUSHES, 1_764_115_200);
    const event = (push: Push): APIGatewayProxyEventV2 =>
      ({
        version: '2.0',
        routeKey: 'POST /wechat/component/events',
        rawPath: '/wechat/component/events',
        rawQueryString: '',
        headers: { 'content-type': 'text/xml' },
        queryStringParameters: { timestamp: push.timestamp, nonce: push.nonce, msg_signature: push.msgSignature, encrypt_type: 'aes' },
        requestContext: { http: { method: 'POST', path: '/wechat/component/events' } },
        body: `<xml><AppId><![CDATA[${creds.componentAppId}]]></AppId><Encrypt><![CDATA[${push.encrypt}]]></Encrypt></xml>`,
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEventV2;
    const context = {} as Context;
    // DynamoDB Local is a JVM: its latency settles only after a few thousand requests (JIT),
    // which a real table does not need. Warm both sides before measuring.
    for (const push of warmup) await handler(event(push), context);

    const latencies: number[] = [];
    for (const push of pushes) {
      const started = performance.now();
      const response = await handler(event(push), context);
      latencies.push(performance.now() - started);
      if (response.statusCode !== 200 || response.body !== 'success') throw new Error(`callback answered ${response.statusCode}`);
    }
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    console.log(`callback in-process: ${PUSHES} ticket pushes after ${WARMUP_PUSHES} warm-up, API Gateway v2 event → handler → DynamoDB Local conditional write → success`);
    console.log(`  p50 ${fmt(percentile(latencies, 50), 2)} ms   p99 ${fmt(p99, 2)} ms   max ${fmt(latencies.at(-1)!, 2)} ms`);
    console.log(`  p99 vs target 5 ms: ${fmt(p99 / TARGET_P99_MS, 2)}× of target  ${verdict(p99 < TARGET_P99_MS)}`);
  } finally {
    await dynamo.stop();
  }
}
