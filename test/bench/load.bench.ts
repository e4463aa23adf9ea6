import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { dynamoClient } from '../../functions/lib/aws/clients';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import { startBenchPlatform } from './bench-platform';
import { fmt, verdict } from './stats';

const DURATION_S = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 20);
/** More than the run can send at the rates seen locally, so (almost) every push is new. */
const DISTINCT_PUSHES = Number(process.env.BENCH_LOAD_PUSHES ?? 60_000);
/** WeChat waits 5 s for an answer; a push answered within 50 ms at p99 leaves a wide margin. */
const P99_TARGET_MS = 50;
const MEMORY_SAMPLE_MS = 200;

/**
 * The callback path under load: the local gateway and the real callback handlers (DynamoDB
 * Local behind them) in this process; autocannon in a second process posting valid, distinct,
 * encrypted pushes — verify tickets (a conditional write each) and audit delays (a query and
 * one transaction with the push's idempotency record each) — for 30 s. Prints throughput,
 * latency, errors, DynamoDB requests per push and this process's resident memory.
 */
export async function loadBench(): Promise<void> {
  const platform = await startBenchPlatform();
  const dir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-load-'));
  try {
    const configFile = path.join(dir, 'load.json');
    const { component } = platform.settings;
    writeFileSync(
      configFile,
      JSON.stringify({ url: platform.gatewayUrl, durationS: DURATION_S, connections: CONNECTIONS, pushes: DISTINCT_PUSHES, component: { appId: component.appId, token: component.token, aesKey: component.aesKey } }),
      { mode: 0o600 },
    );
    // Warm both handlers (module load, first DynamoDB connections) before the clock starts: a
    // refused push loads a module but reaches no table, and a handler first loaded mid-run
    // puts its compile time into the latencies.
    await warmUp(platform.gatewayUrl, component);
    const requests = countDynamoDbRequests();

    const rssAtStart = process.memoryUsage().rss;
    let rssPeak = rssAtStart;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), MEMORY_SAMPLE_MS);
    console.log(`load: ${CONNECTIONS} connections for ${DURATION_S} s against ${platform.gatewayUrl} (autocannon in a second process), ${fmt(DISTINCT_PUSHES)} distinct pushes`);
    let result: autocannon.Result & { pushesSent: number; distinctPushes: number };
    try {
      result = await runClient(configFile);
    } finally {
      clearInterval(sampler);
    }
    const rssAtEnd = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, rssAtEnd);

    const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MiB`;
    const ratio = result.latency.p99 / P99_TARGET_MS;
    console.log(`  requests        ${fmt(result.requests.total)} in ${fmt(result.duration, 1)} s (${fmt(result.pushesSent)} pushes sent, ${fmt(Math.min(result.pushesSent, result.distinctPushes))} distinct)`);
    console.log(`  throughput      ${fmt(result.requests.average, 1)} req/s average (min ${fmt(result.requests.min)}, max ${fmt(result.requests.max)})`);
    console.log(`  latency         p50 ${fmt(result.latency.p50, 1)} ms, p99 ${fmt(result.latency.p99, 1)} ms, max ${fmt(result.latency.max, 1)} ms`);
    console.log(`  errors          ${result.errors} (timeouts ${result.timeouts}); non-2xx ${result.non2xx} (4xx ${result['4xx']}, 5xx ${result['5xx']})`);
    const pushes = result.requests.total;
    const perPush = (n: number) => fmt(n / Math.max(pushes, 1), 2);
    console.log(`  DynamoDB        ${perPush(requests.total)} requests per push (${[...requests.byOperation].map(([name, n]) => `${name.replace(/Command$/, '')} ${perPush(n)}`).join(', ')})`);
    console.log(`  gateway RSS     start ${mib(rssAtStart)}, peak ${mib(rssPeak)}, end ${mib(rssAtEnd)}`);
    console.log(`  p99 vs target   ${fmt(result.latency.p99, 1)} ms / ${P99_TARGET_MS} ms = ${fmt(ratio, 2)}x → ${verdict(ratio <= 1)}`);
    console.log(`  no errors       ${verdict(result.errors === 0 && result.non2xx === 0)}`);
    if (result.errors !== 0 || result.non2xx !== 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await platform.stop();
  }
}

/** One valid push of each kind, outside the run's set (other ticket, other app). */
async function warmUp(url: string, component: { appId: string; token: string; aesKey: string }): Promise<void> {
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const post = async (path: string, envelope: string, inner: string) => {
    const sealed = crypto.encryptAndSign(inner, timestamp, 'warm');
    const query = new URLSearchParams({ timestamp, nonce: 'warm', encrypt_type: 'aes', msg_signature: sealed.msgSignature });
    const response = await fetch(`${url}${path}?${query}`, { method: 'POST', body: `<xml><${envelope}>x</${envelope}><Encrypt>${sealed.encrypt}</Encrypt></xml>`, headers: { 'content-type': 'text/xml' } });
    if ((await response.text()) !== 'success') throw new Error(`warm-up push to ${path} answered ${response.status}`);
  };
  await post('/wechat/component/events', 'AppId', `<xml><AppId>${component.appId}</AppId><CreateTime>${timestamp}</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>ticket@@@warm</ComponentVerifyTicket></xml>`);
  await post('/wechat/authorizers/wxffffffffffffffff/events', 'ToUserName', `<xml><ToUserName>gh_warm</ToUserName><CreateTime>${timestamp}</CreateTime><MsgType>event</MsgType><Event>weapp_audit_delay</Event><Reason>warm</Reason></xml>`);
}

/** DynamoDB requests the handlers send from now on, by operation (they share this process's client). */
function countDynamoDbRequests(): { total: number; byOperation: Map<string, number> } {
  const counts = { total: 0, byOperation: new Map<string, number>() };
  dynamoClient().middlewareStack.add(
    (next, context) => (args) => {
      counts.total++;
      const name = context.commandName ?? 'unknown';
      counts.byOperation.set(name, (counts.byOperation.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCount' },
  );
  return counts;
}

function runClient(configFile: string): Promise<autocannon.Result & { pushesSent: number; distinctPushes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=import', '--import', 'tsx', path.join(__dirname, 'load-client.ts'), configFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      try {
        resolve(JSON.parse(output.trim().split('\n').at(-1)!) as autocannon.Result & { pushesSent: number; distinctPushes: number });
      } catch (error) {
        reject(new Error(`load client printed no result: ${(error as Error).message}`));
      }
    });
  });
}
