import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoClient } from '../../functions/lib/aws/clients';
import { logger } from '../../functions/lib/logger';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import { invokeLocally } from '../../local/lambda-context';
import type { FunctionName } from '../../infra/manifest';
import { startBenchPlatform } from './bench-platform';
import { fmt } from './stats';

const PUSHES = Number(process.env.BENCH_PUSH_COST_PUSHES ?? 1500);
const WARMUP_PUSHES = 100;
const CLOCK_TICKS_PER_S = 100;

interface PushKind {
  name: string;
  function: FunctionName;
  xml: (i: number, createTime: number) => { appId?: string; inner: string; envelope: string };
}

/** The two pushes of the load bench, one at a time: what each costs on its own. */
const KINDS: PushKind[] = [
  {
    name: 'verify ticket',
    function: 'componentEvents',
    xml: (i, createTime) => ({ envelope: 'AppId', inner: `<AppId>{appId}</AppId><CreateTime>${createTime}</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>ticket@@@cost-${i}</ComponentVerifyTicket>` }),
  },
  {
    name: 'audit delay',
    function: 'authorizerEvents',
    xml: (i, createTime) => ({
      appId: `wx${(0xb000000000000000n + BigInt(i % 500)).toString(16)}`,
      envelope: 'ToUserName',
      inner: `<ToUserName>gh_cost</ToUserName><CreateTime>${createTime}</CreateTime><MsgType>event</MsgType><Event>weapp_audit_delay</Event><Reason>cost ${i}</Reason><DelayTime>${createTime}</DelayTime>`,
    }),
  },
];

/** CPU time of the DynamoDB Local JVM (Linux /proc), or undefined where it cannot be read. */
function dynamoDbLocalCpuMs(): number | undefined {
  try {
    const pids = execFileSync('pgrep', ['-f', 'DynamoDBLocal'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    return pids.reduce((sum, pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
    }, 0);
  } catch {
    return undefined;
  }
}

/**
 * What one push costs, push type by push type: the real callback handler invoked in this
 * process (no HTTP in front, so no client's CPU in the figure) one push after the other, with
 * this process's CPU time, DynamoDB Local's CPU time and the DynamoDB requests per push.
 * The handlers run as in the load bench (logs and metrics off, no invocation isolation).
 */
export async function pushCostBench(): Promise<void> {
  const platform = await startBenchPlatform();
  logger.setLogLevel('SILENT');
  try {
    const { component } = platform.settings;
    const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
    const requests = new Map<string, number>();
    dynamoClient().middlewareStack.add(
      (next, context) => (args) => {
        requests.set(context.commandName ?? 'unknown', (requests.get(context.commandName ?? 'unknown') ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCount' },
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    let serial = 0;
    const event = (kind: PushKind): APIGatewayProxyEventV2 => {
      const i = serial++;
      const { appId, inner, envelope } = kind.xml(i, Number(timestamp) + i);
      const nonce = String(2_000_000_000 + i);
      const sealed = crypto.encryptAndSign(`<xml>${inner.replace('{appId}', component.appId)}</xml>`, timestamp, nonce);
      const rawPath = appId ? `/wechat/authorizers/${appId}/events` : '/wechat/component/events';
      return {
        version: '2.0',
        routeKey: `POST ${rawPath}`,
        rawPath,
        rawQueryString: '',
        headers: { 'content-type': 'text/xml' },
        queryStringParameters: { timestamp, nonce, encrypt_type: 'aes', msg_signature: sealed.msgSignature },
        ...(appId ? { pathParameters: { appId } } : {}),
        requestContext: { requestId: `cost-${i}`, http: { method: 'POST', path: rawPath } } as APIGatewayProxyEventV2['requestContext'],
        body: `<xml><${envelope}>x</${envelope}><Encrypt>${sealed.encrypt}</Encrypt></xml>`,
        isBase64Encoded: false,
      };
    };
    const invoke = async (kind: PushKind, pushEvent: APIGatewayProxyEventV2) => {
      const handler = platform.gateway.handlerFor(kind.function);
      const result = (await invokeLocally(handler, kind.function, pushEvent, pushEvent.requestContext.requestId)) as APIGatewayProxyStructuredResultV2;
      if (result.statusCode !== 200) throw new Error(`${kind.name} push answered ${result.statusCode}: ${result.body}`);
    };

    console.log(`push cost: ${fmt(PUSHES)} pushes of each type, one at a time, handler invoked in-process`);
    for (const kind of KINDS) {
      for (let i = 0; i < WARMUP_PUSHES; i++) await invoke(kind, event(kind));
      const events = Array.from({ length: PUSHES }, () => event(kind));
      requests.clear();
      const dynamoBefore = dynamoDbLocalCpuMs();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (const pushEvent of events) await invoke(kind, pushEvent);
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const dynamoAfter = dynamoDbLocalCpuMs();
      const perPush = (ms: number) => `${fmt(ms / PUSHES, 2)} ms`;
      const total = [...requests.values()].reduce((a, b) => a + b, 0);
      console.log(`  ${kind.name.padEnd(14)}  handler CPU ${perPush((cpu.user + cpu.system) / 1000)}, DynamoDB Local CPU ${dynamoBefore === undefined || dynamoAfter === undefined ? 'n/a' : perPush(dynamoAfter - dynamoBefore)}, wall ${perPush(wallMs)} per push`);
      console.log(`  ${''.padEnd(14)}  DynamoDB ${fmt(total / PUSHES, 2)} requests per push (${[...requests].map(([name, n]) => `${name.replace(/Command$/, '')} ${fmt(n / PUSHES, 2)}`).join(', ')})`);
    }
  } finally {
    await platform.stop();
  }
}
