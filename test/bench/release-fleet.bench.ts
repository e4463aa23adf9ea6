import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dynamoClient } from '../../functions/lib/aws/clients';
import { componentServices } from '../../functions/lib/platform';
import type { RefreshSummary } from '../../functions/scheduler/refresh-tokens';
import type { ExecutionEvent } from '../../local/stepfunctions';
import { startBenchPlatform } from './bench-platform';
import { describeCounts, waitForRelease } from './release-progress';
import { fmt, verdict } from './stats';

const APPS = Number(process.env.BENCH_FLEET_APPS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const AUDIT_DELAY_MS = 1_000;
/** The largest `maxConcurrency` `POST /admin/releases` accepts (functions/admin/releases-contract.ts). */
const MAX_CONCURRENCY = 40;
const TARGET_RATIO = 1.5;
/** The inline path's figure (`npm run bench -- release`): commit, get_code_privacy_info, submit_audit, release. */
const INLINE_CALLS_PER_APP = 4;
const REQUIRED_PATHS = ['/wxa/commit', '/wxa/submit_audit', '/wxa/release'];
const TIMEOUT_MS = Number(process.env.BENCH_FLEET_TIMEOUT_S ?? 1_800) * 1000;
const POLL_MS = 1_000;
/** The faults run: share of apps whose audit the reviewer rejects, share of WeChat API answers that are errcode -1. */
const REJECTED_SHARE = 0.1;
const FAULT_RATE = 0.05;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Resources {
  /** Peak RSS, bytes. */
  nodePeak: number;
  javaPeak: number | undefined;
}

/**
 * One release of a template to 10,000 authorized mini programs, through the admin API and the
 * release state machine's DistributedTargets branch (target list in the local S3, one child
 * execution per app) on the local Step Functions, against the simulator with 50 ms on every
 * WeChat answer and audits decided after 1 s and pushed. Then a second release to the same
 * fleet with 10% of audits rejected and 5% of WeChat answers errcode -1.
 *
 * The apps are seeded in the simulator's state directly (no authorization pages), and enter the
 * table through the platform's own code: one in-process authorizer sync (api_get_authorizer_list
 * pages, a profile per app) and one refresher run (an access token per app), so stored tokens
 * are written by the token store whatever it does to them.
 */
export async function releaseFleetBench(): Promise<void> {
  const events: ExecutionEvent[] = [];
  const platform = await startBenchPlatform({}, { onStepFunctionsEvent: (event) => {
    // Map run events, and the states the parent executions enter (not their children's: 10,000 inputs held here would swell the RSS measured).
    if (event.type.startsWith('MapRun') || (event.type === 'StateEntered' && !event.executionArn.includes('/'))) events.push(event);
  } });
  try {
    const sim = platform.simulator!;
    sim.state.options.auditDelayMs = AUDIT_DELAY_MS;
    // One submission per app per release, two releases: the month's platform-wide audit quota must hold them.
    sim.state.options.auditQuotaPerMonth = APPS * 3;
    const adminHeaders = { authorization: `Bearer ${platform.settings.adminToken}`, 'content-type': 'application/json' };
    const admin = async (pathname: string, init: RequestInit = {}): Promise<{ status: number; json: Json }> => {
      const response = await fetch(`${platform.gatewayUrl}${pathname}`, { ...init, headers: adminHeaders });
      const text = await response.text();
      try {
        return { status: response.status, json: JSON.parse(text) as Json };
      } catch {
        return { status: response.status, json: { body: text } };
      }
    };

    // Setup, without latency.
    const setupStarted = performance.now();
    await sim.ticketPusher.pushNow();
    const before = new Set(((await admin('/admin/templates')).json.templates as Json[]).map((t) => t.template_id as number));
    await admin('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId: 1 }) });
    const templateId = ((await admin('/admin/templates')).json.templates as Json[]).map((t) => t.template_id as number).find((id) => !before.has(id));
    if (templateId === undefined) throw new Error('no new template after POST /admin/templates');
    const appIds = sim.seedAuthorizers(APPS).map((s) => s.appId);
    const sync = await (await componentServices()).authorization.sync(40);
    if (sync.added !== APPS || sync.failed !== 0) throw new Error(`authorizer sync added ${sync.added} of ${APPS}, failed ${sync.failed}`);
    process.env.REFRESH_CONCURRENCY = '40';
    (await import('../../functions/lib/config')).resetConfig();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler: refresh } = require('../../functions/scheduler/refresh-tokens') as { handler: () => Promise<RefreshSummary> };
    const refreshed = await refresh();
    if (refreshed.authorizers.refreshed !== APPS) throw new Error(`token refresher refreshed ${refreshed.authorizers.refreshed} of ${APPS}`);
    console.log(`release-fleet: ${fmt(APPS)} authorized mini programs seeded in the simulator and registered by one sync + one refresher run in ${fmt((performance.now() - setupStarted) / 1000, 1)} s`);

    let dynamoRequests = 0;
    dynamoClient().middlewareStack.add(
      (next) => (args) => {
        dynamoRequests++;
        return next(args);
      },
      { step: 'initialize', name: 'fleetBenchRequestCounter' },
    );

    const releaseOnce = async (label: string, userVersion: string): Promise<void> => {
      sim.callLog.clear();
      dynamoRequests = 0;
      const eventsFrom = events.length;
      const peak = startPeakSampler(platform.dynamoDbPid);
      sim.latencyMs = LATENCY_MS;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const javaCpuBefore = cpuSecondsOf(platform.dynamoDbPid);
      let release: Json = {};
      let finished = false;
      let postMs = 0;
      try {
        const start = await admin('/admin/releases', {
          method: 'POST',
          body: JSON.stringify({ templateId, userVersion, userDesc: `fleet bench ${label}`, targets: { allAuthorized: true }, maxConcurrency: MAX_CONCURRENCY }),
        });
        postMs = performance.now() - started;
        if (start.status !== 202) throw new Error(`POST /admin/releases → ${start.status} ${JSON.stringify(start.json)}`);
        ({ release, finished } = await waitForRelease(async (pathname) => (await admin(pathname)).json, start.json.releaseId as string, { started, timeoutMs: TIMEOUT_MS, pollMs: POLL_MS, progressMs: 60_000 }));
      } finally {
        sim.latencyMs = 0;
      }
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const javaCpuS = (cpuSecondsOf(platform.dynamoDbPid) ?? Number.NaN) - (javaCpuBefore ?? Number.NaN);
      const resources = peak.stop();
      const counts = release.counts as Record<string, number>;

      // WeChat calls per target app, from the simulator's call log (every request, and those it acted on).
      const perPath = new Map<string, number>();
      let callsTotal = 0;
      for (const appId of appIds) {
        for (const [path, { calls }] of sim.callLog.byApp.get(appId) ?? []) {
          perPath.set(path, (perPath.get(path) ?? 0) + calls);
          callsTotal += calls;
        }
      }
      const callsPerApp = callsTotal / APPS;
      // The limit counts the calls the pipeline needs (the inline path's), not the retries a fault adds.
      const limitMs = (APPS * (INLINE_CALLS_PER_APP * LATENCY_MS + AUDIT_DELAY_MS)) / MAX_CONCURRENCY;
      const ratio = wallMs / limitMs;

      const runEvents = events.slice(eventsFrom).filter((e) => e.executionArn === release.executionArn);
      const branch = runEvents.filter((e) => e.type === 'StateEntered').map((e) => (e.detail as Json).state?.name as string);
      let running = 0;
      let maxRunning = 0;
      let children = 0;
      for (const event of runEvents) {
        if (event.type === 'MapRunChildStarted') {
          children++;
          maxRunning = Math.max(maxRunning, ++running);
        }
        if (event.type === 'MapRunChildClosed') running--;
      }

      // Effects per app: WeChat acted on exactly one commit and one submission, and one release per released app.
      const targets = await allTargets(release.releaseId as string);
      const stateOf = new Map(targets.map((t) => [t.appId as string, t.state as string]));
      const duplicates = { commit: 0, submit_audit: 0, release: 0 };
      const missing = { commit: 0, submit_audit: 0, release: 0 };
      for (const appId of appIds) {
        const released = stateOf.get(appId) === 'released';
        const expected = { commit: 1, submit_audit: 1, release: released ? 1 : 0 };
        for (const step of ['commit', 'submit_audit', 'release'] as const) {
          const ok = sim.callLog.of(appId, `/wxa/${step}`).ok;
          if (ok > expected[step]) duplicates[step]++;
          if (ok < expected[step]) missing[step]++;
        }
      }
      const notFinal = targets.filter((t) => !['released', 'failed', 'held', 'cancelled', 'gray_released', 'rolled_back'].includes(t.state as string)).length;

      console.log(`  ${label}`);
      if (!finished) console.log(`    NOT FINISHED: still '${release.status}' after ${fmt(wallMs / 1000)} s (BENCH_FLEET_TIMEOUT_S ${fmt(TIMEOUT_MS / 1000)})`);
      const distributed = branch.includes('DistributedTargets') && !branch.includes('Waves');
      console.log(`    branch                ${distributed ? 'DistributedTargets' : 'NOT the distributed branch (Waves)'}; ${fmt(children)} child executions, at most ${maxRunning} running at once (maxConcurrency ${MAX_CONCURRENCY})`);
      console.log(`    POST /admin/releases  ${fmt(postMs / 1000, 2)} s   (${fmt(APPS)} targets resolved, validated, written; list to S3; execution started)`);
      console.log(`    wall time             ${fmt(wallMs / 1000, 1)} s   (POST → status '${release.status}', polled every ${POLL_MS} ms)`);
      console.log(`    limit                 ${fmt(limitMs / 1000, 1)} s = N × (${INLINE_CALLS_PER_APP} calls × ${LATENCY_MS} ms + ${fmt(AUDIT_DELAY_MS)} ms audit) / ${MAX_CONCURRENCY} = ${fmt(APPS)} × ${fmt(INLINE_CALLS_PER_APP * LATENCY_MS + AUDIT_DELAY_MS)} ms / ${MAX_CONCURRENCY}`);
      console.log(`    ratio wall/limit      ${fmt(ratio, 2)}×   target ≤ ${TARGET_RATIO}×  ${verdict(finished && ratio <= TARGET_RATIO)}`);
      console.log(`    WeChat calls per app  ${fmt(callsPerApp, 2)}   (inline path ${fmt(INLINE_CALLS_PER_APP, 2)}): ${[...perPath].sort((a, b) => b[1] - a[1]).map(([path, n]) => `${path.split('/').pop()} ${fmt(n / APPS, 2)}`).join(', ')}`);
      console.log(`    DynamoDB requests     ${fmt(dynamoRequests)} = ${fmt(dynamoRequests / APPS, 1)} per app (every handler and step, counted on the SDK client)`);
      console.log(`    peak RSS              node platform ${mib(resources.nodePeak)}; DynamoDB Local (java) ${resources.javaPeak === undefined ? 'unknown' : mib(resources.javaPeak)}`);
      const nodeCpuMs = (cpu.user + cpu.system) / 1000;
      const cpuPerAppMs = (nodeCpuMs + javaCpuS * 1000) / APPS;
      console.log(`    CPU                   this Node process (gateway, handlers, Step Functions, simulator) ${fmt((nodeCpuMs / wallMs) * 100)}% of one core, DynamoDB Local ${fmt(((javaCpuS * 1000) / wallMs) * 100)}%; load average ${loadavg().map((n) => fmt(n, 1)).join(' ')}`);
      console.log(`    CPU per app           node ${fmt(nodeCpuMs / APPS, 1)} ms + DynamoDB Local ${fmt((javaCpuS * 1000) / APPS, 1)} ms: on ${cpus().length} idle cores no faster than ${fmt((APPS * cpuPerAppMs) / cpus().length / 1000, 1)} s (${fmt((APPS * cpuPerAppMs) / cpus().length / limitMs, 2)}× the limit)`);
      console.log(`    apps by state         ${describeCounts(counts)}; not final ${fmt(notFinal)}`);
      console.log(`    WeChat effects        duplicated: commit ${duplicates.commit}, submit_audit ${duplicates.submit_audit}, release ${duplicates.release}; missing: commit ${missing.commit}, submit_audit ${missing.submit_audit}, release ${missing.release}   ${verdict(notFinal === 0 && Object.values(duplicates).every((n) => n === 0) && Object.values(missing).every((n) => n === 0))}`);
      return;
    };

    await releaseOnce('one release to all (DistributedTargets)', '2.0.0');

    // The faults run: every tenth app's audit is rejected; 5% of all WeChat answers are errcode -1.
    const rejected = appIds.filter((_, i) => i % Math.round(1 / REJECTED_SHARE) === 0);
    sim.rejectAudits(rejected);
    sim.faults({ seed: 20, api: { '*': { errorRate: FAULT_RATE, errors: [-1] } } });
    console.log(`  faults: ${fmt(rejected.length)} apps' audits rejected (${fmt(REJECTED_SHARE * 100)}%), ${fmt(FAULT_RATE * 100)}% of WeChat answers errcode -1 (seeded)`);
    await releaseOnce(`second release, with faults`, '2.1.0');
    const injected = sim.faultCounts;
    console.log(`    faults injected       ${fmt(injected.errors)} errcode -1 answers`);
    sim.faults({});
  } finally {
    await platform.stop();
  }

  async function allTargets(releaseId: string): Promise<Json[]> {
    const targets: Json[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (
        await fetch(`${platform.gatewayUrl}/admin/releases/${releaseId}?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${platform.settings.adminToken}` } })
      ).json()) as Json;
      targets.push(...((page.targets ?? []) as Json[]));
      cursor = page.nextCursor as string | undefined;
    } while (cursor);
    return targets;
  }
}

/**
 * Peak RSS over a run: this Node process's own peak (getrusage maxrss, which covers the whole
 * process life, so it is the peak so far) and DynamoDB Local's JVM, sampled from /proc every
 * second (VmHWM is its high-water mark).
 */
function startPeakSampler(javaPid: number | undefined): { stop(): Resources } {
  const javaPeak = (): number | undefined => {
    if (javaPid === undefined) return undefined;
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${javaPid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  };
  let java = javaPeak();
  const timer = setInterval(() => {
    const now = javaPeak();
    if (now !== undefined) java = Math.max(java ?? 0, now);
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      const last = javaPeak();
      if (last !== undefined) java = Math.max(java ?? 0, last);
      return { nodePeak: process.resourceUsage().maxRSS * 1024, javaPeak: java };
    },
  };
}

/** utime + stime of a process, seconds (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function mib(bytes: number): string {
  return `${fmt(bytes / 1024 / 1024)} MiB`;
}

