import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import { FUNCTION_NODE_OPTIONS } from '../../infra/bundling';
import { FUNCTIONS, ROUTES, type FunctionName } from '../../infra/manifest';
import { bundleAllFunctions, bundleBaseline, BUNDLE_LIMIT, CALLBACK_BUNDLE_LIMIT, CALLBACK_FUNCTIONS, contributors, KB, REPO_ROOT, staticImportClosure, type FunctionBundle } from '../helpers/function-bundles';
import type { LocalPlatform } from '../../local/platform';
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
 * platform — side by side with an empty handler bundled the same way. Then the callbacks once
 * more, each first invoked with a push whose handler loads on first use (rarePaths), with the
 * KB of the chunks that first call loads: the cost code splitting moved out of init.
 */
export async function coldStartBench(): Promise<void> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-cold-'));
  const platform = await startBenchPlatform();
  try {
    const started = Date.now();
    const bundles = await bundleAllFunctions(outDir);
    const baseline = await bundleBaseline(outDir);
    console.log(`bundled ${bundles.length} functions in ${fmt((Date.now() - started) / 1000, 1)} s (infra/bundling.ts); node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}, ${RUNS} runs each, load average ${loadAverage()}`);

    const events = representativeEvents(platform.settings.component);
    const eventFiles = (name: FunctionName | 'baseline', run: number): string => {
      const file = path.join(outDir, `event-${name}-${run}.json`);
      writeFileSync(file, JSON.stringify(name === 'baseline' ? {} : events[name](run)));
      return file;
    };
    const rare = rarePaths(platform.settings.component, await appsForRarePaths(platform, 2 * RUNS));
    const rareEventFile = (row: RarePath, index: number, run: number): string => {
      const file = path.join(outDir, `event-rare-${index}-${run}.json`);
      writeFileSync(file, JSON.stringify(row.event(run)));
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
      for (const [index, rarePath] of rare.entries()) {
        const bundle = bundles.find((b) => b.name === rarePath.function)!;
        push(plain, rarePath.label, await coldStart(bundle, rarePath.function, rareEventFile(rarePath, index, 2 * run), '', outDir));
        push(withOptions, rarePath.label, await coldStart(bundle, rarePath.function, rareEventFile(rarePath, index, 2 * run + 1), FUNCTION_NODE_OPTIONS, outDir));
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

    console.log(
      `\nfirst call on a rare path: the same bundle cold-started and invoked first with a push whose handler sits behind await import(), so its chunks load inside that call (apps authorized through the simulator beforehand, one per cold start)`,
    );
    console.log(`lazy KB = the chunks of the modules that path imports with await import() and the chunks they import statically, less what init loaded (esbuild metafile); "usual" = the row above's first call`);
    console.log(`${'row'.padEnd(37)} ${'init ms'.padStart(8)} ${'+opts'.padStart(7)} ${'1st call'.padStart(9)} ${'cpu'.padStart(6)} ${'+opts'.padStart(7)} ${'usual'.padStart(7)} ${'lazy KB'.padStart(8)}  answer`);
    for (const rarePath of rare) {
      const bundle = bundles.find((b) => b.name === rarePath.function)!;
      const p = summarize(plain.get(rarePath.label)!);
      const o = summarize(withOptions.get(rarePath.label)!);
      const usual = summarize(plain.get(rarePath.function)!);
      console.log(
        `${rarePath.label.padEnd(37)} ${fmt(p.initMs, 1).padStart(8)} ${fmt(o.initMs, 1).padStart(7)} ${fmt(p.invokeMs, 1).padStart(9)} ${fmt(p.invokeCpuMs, 1).padStart(6)} ${fmt(o.invokeMs, 1).padStart(7)} ${fmt(usual.invokeMs, 1).padStart(7)} ${fmt(lazyBytes(bundle, rarePath.lazyModules) / KB, 1).padStart(8)}  ${p.outcomes}${p.outcomes === '200' && o.outcomes === '200' ? '' : ' ← not 200 on every run: the push was refused before the lazy path'}`,
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
 * shows which it was. The audit-delay push is an audit outcome: like the rare row's audit
 * success, its first call already loads audit-push.ts (recorded as an audit submitted elsewhere).
 */
type ComponentCredentials = { appId: string; token: string; aesKey: string };
type SealedPush = (routePath: string, rawPath: string, envelope: string, inner: string, run: number, pathParameters?: Record<string, string>) => APIGatewayProxyEventV2;

/** A push as WeChat sends it: the XML encrypted and signed with the component's key, timestamped now (+ run, so each is distinct). */
function pushSealer(component: ComponentCredentials, base: number): SealedPush {
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
  return (routePath, rawPath, envelope, inner, run, pathParameters) => {
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
}

function representativeEvents(component: ComponentCredentials): Record<FunctionName, EventFor> {
  const base = Math.floor(Date.now() / 1000);
  const sealedPush = pushSealer(component, base);
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

/**
 * A first call that takes a path the representative event does not: a handler behind
 * `await import()`, whose chunks the first such call after a cold start loads.
 */
interface RarePath {
  label: string;
  function: FunctionName;
  /** The source modules the path reaches through `await import()` (as the metafile names inputs). */
  lazyModules: readonly string[];
  /** Run i gets its own app (appsForRarePaths), so every cold start meets the same state. */
  event: EventFor;
}

interface AuthorizedApp {
  appId: string;
  /** The mini program's original id (`gh_…`): what its pushes carry in ToUserName. */
  userName: string;
}

/**
 * Apps authorized as a merchant authorizes one: the simulator's page, its `authorized` push
 * through the gateway to the platform's own handlers, which store tokens and profile. A ticket
 * push first, so the platform can get the component token the code exchange needs.
 */
async function appsForRarePaths(platform: LocalPlatform, perPath: number): Promise<{ unauthorize: AuthorizedApp[]; audit: AuthorizedApp[] }> {
  const sim = platform.simulator;
  if (!sim) throw new Error('the cold-start bench needs the WeChat simulator');
  await sim.ticketPusher.pushNow();
  const authorize = async (): Promise<AuthorizedApp> => {
    const { appId } = await sim.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` });
    const authorizer = sim.state.authorizers.get(appId);
    if (!authorizer) throw new Error(`the simulator does not know ${appId} after authorizing it`);
    return { appId, userName: authorizer.userName };
  };
  const apps = async () => {
    const list: AuthorizedApp[] = [];
    for (let i = 0; i < perPath; i++) list.push(await authorize());
    return list;
  };
  return { unauthorize: await apps(), audit: await apps() };
}

/**
 * componentEvents: an `unauthorized` push for an authorized app (the owner cancels): the
 * router loads the once-only wrapper and the authorization handlers, the push marks the app
 * unauthorized. authorizerEvents: a `weapp_audit_success` push for an authorized app with no
 * audit of ours (one submitted elsewhere): audit-push.ts loads and records the audit as passed;
 * no release waits on it, so resume-execution (behind its own `await import()`) stays unloaded.
 */
function rarePaths(component: ComponentCredentials, apps: { unauthorize: AuthorizedApp[]; audit: AuthorizedApp[] }): RarePath[] {
  // Each run's push names its own app, so no two are the same push; the timestamp stays within
  // the signature's allowed skew.
  const base = Math.floor(Date.now() / 1000);
  const sealedPush = pushSealer(component, base);
  const app = (list: AuthorizedApp[], run: number): AuthorizedApp => {
    const found = list[run];
    if (!found) throw new Error(`no app for run ${run}`);
    return found;
  };
  return [
    {
      label: 'componentEvents (unauthorized push)',
      function: 'componentEvents',
      lazyModules: ['functions/callback/component/run-once.ts', 'functions/callback/component/authorization.ts'],
      event: (run) =>
        sealedPush(
          '/wechat/component/events',
          '/wechat/component/events',
          'AppId',
          `<AppId>${component.appId}</AppId><CreateTime>${base + run}</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>${app(apps.unauthorize, run).appId}</AuthorizerAppid>`,
          run,
        ),
    },
    {
      label: 'authorizerEvents (audit success push)',
      function: 'authorizerEvents',
      lazyModules: ['functions/callback/authorizer/audit-push.ts'],
      event: (run) => {
        const { appId, userName } = app(apps.audit, run);
        return sealedPush(
          '/wechat/authorizers/{appId}/events',
          `/wechat/authorizers/${appId}/events`,
          'ToUserName',
          `<ToUserName>${userName}</ToUserName><CreateTime>${base + run}</CreateTime><MsgType>event</MsgType><Event>weapp_audit_success</Event><SuccTime>${base + run}</SuccTime>`,
          run,
          { appId },
        );
      },
    },
  ];
}

/**
 * Bytes a path's first call loads: the chunk esbuild made for each module it imports with
 * `await import()`, and the chunks those import statically, less what init already loaded.
 * A module no longer split off (imported statically somewhere) is an error, not a silent 0.
 */
function lazyBytes(bundle: FunctionBundle, modules: readonly string[]): number {
  const outputs = bundle.metafile.outputs;
  const atInit = new Set(bundle.initFiles.map((file) => path.relative(REPO_ROOT, file)));
  const loaded = new Set<string>();
  for (const module of modules) {
    const chunk = Object.keys(outputs).find((key) => outputs[key]!.entryPoint === module);
    if (!chunk) throw new Error(`${bundle.name}: esbuild made no chunk for ${module}: is it still behind await import()?`);
    for (const key of staticImportClosure(bundle.metafile, chunk)) if (!atInit.has(key)) loaded.add(key);
  }
  return [...loaded].reduce((total, key) => total + outputs[key]!.bytes, 0);
}
