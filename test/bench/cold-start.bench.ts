import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import { FUNCTION_NODE_OPTIONS } from '../../infra/bundling';
import { FUNCTIONS, ROUTES, type FunctionName } from '../../infra/manifest';
import { bundleAllFunctions, bundleBaseline, BUNDLE_LIMIT, CALLBACK_BUNDLE_LIMIT, CALLBACK_FUNCTIONS, contributors, KB, type FunctionBundle } from '../helpers/function-bundles';
import { startBenchPlatform } from './bench-platform';
import { fmt, median, verdict } from './stats';

const RUNS = Number(process.env.BENCH_COLD_START_RUNS ?? 5);
/** The `node` that loads the bundles (default: this one). Lambda runs Node 24. */
const NODE = process.env.BENCH_NODE ?? process.execPath;
const CHILD = path.join(__dirname, 'cold-start-child.mjs');
const INIT_TARGET_MS = 100;
/** AWS: a function gets one full vCPU at 1,769 MB and CPU in proportion to memory below that. */
const MB_PER_VCPU = 1769;
const DUMMY_APP_ID = 'wx00000000000000aa';

interface Sample {
  initMs: number;
  initCpuMs: number;
  invokeMs?: number;
  invokeCpuMs?: number;
  outcome?: string;
  error?: string;
}

type EventFor = (run: number) => unknown;

/**
 * `npm run bench -- cold-start`: every function bundled exactly as the stack bundles it
 * (infra/bundling.ts: ES modules, code split), then per function: the KB loaded at init
 * (index.mjs and the chunks it imports statically) and the KB of every chunk, module init (a
 * fresh `node` doing `await import()` of index.mjs, median of RUNS) without and with the
 * NODE_OPTIONS the stack sets, and the first invocation of the handler against the local
 * platform — side by side with an empty handler bundled the same way.
 */
export async function coldStartBench(): Promise<void> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-cold-'));
  const platform = await startBenchPlatform();
  try {
    const started = Date.now();
    const bundles = await bundleAllFunctions(outDir);
    const baseline = await bundleBaseline(outDir);
    console.log(`bundled ${bundles.length} functions in ${fmt((Date.now() - started) / 1000, 1)} s (infra/bundling.ts); node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}, ${RUNS} runs each, load average ${loadAverage()}`);

    const events = representativeEvents(platform.settings.component, outDir);
    const eventFiles = (name: FunctionName | 'baseline', run: number): string => {
      const file = path.join(outDir, `event-${name}-${run}.json`);
      writeFileSync(file, JSON.stringify(name === 'baseline' ? {} : events[name](run)));
      return file;
    };
    const all: FunctionBundle[] = [baseline, ...bundles];
    const plain = new Map<string, Sample[]>();
    const withOptions = new Map<string, Sample[]>();
    // Round-robin, so a burst of load from elsewhere spreads over every function.
    for (let run = 0; run < RUNS; run++) {
      for (const bundle of all) {
        const name = bundle.name as FunctionName | 'baseline';
        push(plain, bundle.name, await coldStart(bundle, name, eventFiles(name, 2 * run), '', outDir));
        push(withOptions, bundle.name, await coldStart(bundle, name, eventFiles(name, 2 * run + 1), FUNCTION_NODE_OPTIONS, outDir));
      }
    }

    const base = summarize(plain.get('baseline')!);
    const baseOpt = summarize(withOptions.get('baseline')!);
    console.log(`init KB = index.mjs + the chunks it imports statically (what a cold start loads); total KB = every .mjs, the chunks behind await import() included (maps apart)`);
    console.log(`init = await import() of index.mjs in a fresh node; first call = the handler's first invocation after it (lazy chunks it reaches load here), against the local platform`);
    console.log(`"+opts" = with NODE_OPTIONS=${FUNCTION_NODE_OPTIONS || '(none)'} as the stack sets it; ×base = init / the empty handler's init`);
    console.log(
      `${'function'.padEnd(20)} ${'init KB'.padStart(7)} ${'total KB'.padStart(8)} ${'map KB'.padStart(7)} ${'init ms'.padStart(8)} ${'cpu'.padStart(6)} ${'×base'.padStart(6)} ${'+opts'.padStart(7)} ${'×base'.padStart(6)} ${'1st call'.padStart(9)} ${'cpu'.padStart(6)}  answer`,
    );
    for (const bundle of all) {
      const p = summarize(plain.get(bundle.name)!);
      const o = summarize(withOptions.get(bundle.name)!);
      console.log(
        `${bundle.name.padEnd(20)} ${fmt(bundle.initBytes / KB, 1).padStart(7)} ${fmt(bundle.totalBytes / KB, 1).padStart(8)} ${fmt(bundle.mapBytes / KB).padStart(7)} ${fmt(p.initMs, 1).padStart(8)} ${fmt(p.initCpuMs, 1).padStart(6)} ${fmt(p.initMs / base.initMs, 1).padStart(6)} ${fmt(o.initMs, 1).padStart(7)} ${fmt(o.initMs / baseOpt.initMs, 1).padStart(6)} ${fmt(p.invokeMs, 1).padStart(9)} ${fmt(p.invokeCpuMs, 1).padStart(6)}  ${p.outcomes}`,
      );
    }

    console.log('\nlargest contributors (KB loaded at init: index.mjs and its static chunks, esbuild metafile):');
    for (const bundle of bundles) {
      console.log(`  ${bundle.name.padEnd(20)} ${contributors(bundle).slice(0, 6).map(([origin, bytes]) => `${origin} ${fmt(bytes / KB)}`).join(', ')}`);
    }

    console.log(`\nmemory → init (callbacks): init CPU time / the vCPU share AWS gives that memory (${MB_PER_VCPU} MB = 1 vCPU). Estimated, not measured on Lambda.`);
    for (const name of CALLBACK_FUNCTIONS) {
      const s = summarize(withOptions.get(name)!);
      const at = (mb: number) => `${mb} MB ${fmt((s.initCpuMs + s.invokeCpuMs) / Math.min(1, mb / MB_PER_VCPU))} ms`;
      console.log(`  ${name.padEnd(20)} init+1st call CPU ${fmt(s.initCpuMs + s.invokeCpuMs, 1)} ms → ${[128, 256, 512, 1024, MB_PER_VCPU].map(at).join(', ')} (manifest: ${(FUNCTIONS[name] as { memoryMiB?: number }).memoryMiB ?? 256} MB)`);
    }

    console.log('\ntargets:');
    for (const name of CALLBACK_FUNCTIONS) {
      const bundle = bundles.find((b) => b.name === name)!;
      const p = summarize(plain.get(name)!);
      const o = summarize(withOptions.get(name)!);
      const shipped = FUNCTION_NODE_OPTIONS ? o : p;
      console.log(`  ${name}: ${fmt(bundle.initBytes / KB, 1)} KB at init ≤ 350 KB ${verdict(bundle.initBytes <= CALLBACK_BUNDLE_LIMIT)} (${fmt(bundle.totalBytes / KB, 1)} KB in all chunks); init ${fmt(shipped.initMs, 1)} ms as shipped (${fmt(p.initMs, 1)} ms without NODE_OPTIONS) ≤ ${INIT_TARGET_MS} ms ${verdict(shipped.initMs <= INIT_TARGET_MS)}`);
    }
    const largest = bundles.reduce((a, b) => (b.initBytes > a.initBytes ? b : a));
    const over = bundles.filter((b) => b.initBytes > BUNDLE_LIMIT).map((b) => b.name);
    console.log(
      `  no function loads over 600 KB at init (largest ${largest.name} ${fmt(largest.initBytes / KB, 1)} KB at init, ${fmt(largest.totalBytes / KB, 1)} KB in all chunks) ${verdict(largest.initBytes <= BUNDLE_LIMIT)}${over.length ? `; over: ${over.join(', ')}` : ''}`,
    );
  } finally {
    await platform.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

function push(map: Map<string, Sample[]>, key: string, sample: Sample): void {
  map.set(key, [...(map.get(key) ?? []), sample]);
}

function summarize(samples: Sample[]): { initMs: number; initCpuMs: number; invokeMs: number; invokeCpuMs: number; outcomes: string } {
  const failed = samples.find((s) => s.error);
  if (failed) throw new Error(`a cold start failed: ${failed.error}`);
  return {
    initMs: median(samples.map((s) => s.initMs)),
    initCpuMs: median(samples.map((s) => s.initCpuMs)),
    invokeMs: median(samples.map((s) => s.invokeMs ?? 0)),
    invokeCpuMs: median(samples.map((s) => s.invokeCpuMs ?? 0)),
    outcomes: [...new Set(samples.map((s) => s.outcome ?? '-'))].join('/'),
  };
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** One fresh `node`: import the bundle, invoke the handler once, report. */
async function coldStart(bundle: FunctionBundle, name: string, eventFile: string, nodeOptions: string, outDir: string): Promise<Sample> {
  const resultFile = path.join(outDir, `result-${name}.json`);
  rmSync(resultFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // As the stack sets them (infra/constructs/weapp-function.ts); logs and metrics on, as in Lambda.
    NODE_OPTIONS: nodeOptions,
    POWERTOOLS_SERVICE_NAME: 'weapp-fleet',
    LOG_LEVEL: 'INFO',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String((FUNCTIONS[name as FunctionName] as { memoryMiB?: number } | undefined)?.memoryMiB ?? 256),
  };
  delete env.POWERTOOLS_LOG_LEVEL;
  delete env.POWERTOOLS_METRICS_DISABLED;
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    // The handler's logs are read by nobody here; stderr is kept for a child that fails.
    const child = spawn(NODE, [CHILD, bundle.file, eventFile, name, resultFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8')) as Sample;
  } catch {
    return { initMs: NaN, initCpuMs: NaN, error: `${name}: no result\n${stderr.slice(-2000)}` };
  }
}

/** An API Gateway HTTP API (2.0) event like the one API Gateway sends. */
function httpEvent(method: string, routePath: string, rawPath: string, init: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath,
    rawQueryString: '',
    headers: { host: 'bench.local', 'user-agent': 'cold-start-bench' },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'cold-start-bench' },
      requestId: `cold-${now.getTime()}`,
      routeKey: `${method} ${routePath}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      // Admin routes come through the JWT authorizer: an admin's claims, so the first call runs
      // the route rather than the role check's 403.
      ...(rawPath.startsWith('/admin/') ? { authorizer: { jwt: { claims: { sub: 'bench-admin', 'cognito:groups': '[admin]' }, scopes: null } } } : {}),
    },
    isBase64Encoded: false,
    ...init,
  } as APIGatewayProxyEventV2;
}

/**
 * What each function is invoked with: the callbacks get a valid sealed push (a verify ticket,
 * an audit-delay result), the admin functions the first GET route they serve (path parameters
 * naming an app nobody authorized), the pipeline a step of a release that does not exist, the
 * refresher its scheduled event. An error answer is still a first invocation: the answer column
 * shows which it was.
 */
function representativeEvents(component: { appId: string; token: string; aesKey: string }, _outDir: string): Record<FunctionName, EventFor> {
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
  const base = Math.floor(Date.now() / 1000);
  const sealedPush = (routePath: string, rawPath: string, envelope: string, inner: string, run: number, pathParameters?: Record<string, string>) => {
    const timestamp = String(base + run);
    const nonce = String(1_000_000_000 + run);
    const sealed = crypto.encryptAndSign(`<xml>${inner}</xml>`, timestamp, nonce);
    return httpEvent('POST', routePath, rawPath, {
      headers: { 'content-type': 'text/xml' },
      queryStringParameters: { timestamp, nonce, encrypt_type: 'aes', msg_signature: sealed.msgSignature },
      ...(pathParameters ? { pathParameters } : {}),
      body: `<xml><${envelope}>x</${envelope}><Encrypt>${sealed.encrypt}</Encrypt></xml>`,
    });
  };
  const firstRoute = (name: FunctionName): EventFor => {
    const routes = ROUTES.filter((r) => r.function === name);
    const route = routes.find((r) => r.method === 'GET') ?? routes[0];
    if (!route) throw new Error(`${name} serves no route`);
    const params: Record<string, string> = {};
    const rawPath = route.path.replace(/\{(\w+)\+?\}/g, (_m, param: string) => (params[param] = param === 'appId' ? DUMMY_APP_ID : 'bench'));
    return () =>
      httpEvent(route.method, route.path, rawPath, {
        ...(Object.keys(params).length ? { pathParameters: params } : {}),
        ...(route.method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
      });
  };
  return {
    componentEvents: (run) =>
      sealedPush('/wechat/component/events', '/wechat/component/events', 'AppId', `<AppId>${component.appId}</AppId><CreateTime>${base + run}</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>ticket@@@cold-${run}</ComponentVerifyTicket>`, run),
    authorizerEvents: (run) =>
      sealedPush(
        '/wechat/authorizers/{appId}/events',
        `/wechat/authorizers/${DUMMY_APP_ID}/events`,
        'ToUserName',
        `<ToUserName>gh_cold</ToUserName><CreateTime>${base + run}</CreateTime><MsgType>event</MsgType><Event>weapp_audit_delay</Event><Reason>cold ${run}</Reason><DelayTime>${base + run}</DelayTime>`,
        run,
        { appId: DUMMY_APP_ID },
      ),
    authorizeRedirect: firstRoute('authorizeRedirect'),
    openApi: firstRoute('openApi'),
    adminAuthorizations: firstRoute('adminAuthorizations'),
    adminWeapp: firstRoute('adminWeapp'),
    adminTemplates: firstRoute('adminTemplates'),
    adminReleases: firstRoute('adminReleases'),
    adminRegistrations: firstRoute('adminRegistrations'),
    adminPayment: firstRoute('adminPayment'),
    adminAuthorizers: firstRoute('adminAuthorizers'),
    adminComponent: firstRoute('adminComponent'),
    pipelineStep: () => ({ step: 'gateWave', releaseId: 'cold-start-bench', waveIndex: 0 }),
    refreshTokens: () => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }),
  };
}
