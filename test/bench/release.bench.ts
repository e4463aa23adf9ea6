import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from '../../local/wechat-sim/server';
import { startBenchPlatform } from './bench-platform';
import { describeCounts, waitForRelease } from './release-progress';
import { fmt, median, percentile, verdict } from './stats';

const APPS = Number(process.env.BENCH_RELEASE_APPS ?? 1_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const AUDIT_DELAY_MS = 1_000;
/** The largest `maxConcurrency` `POST /admin/releases` accepts (functions/admin/releases-contract.ts). */
const MAX_CONCURRENCY = 40;
const TARGET_RATIO = 1.5;
/** Gives up waiting (and says so) after this long; nothing else is reduced. */
const TIMEOUT_MS = Number(process.env.BENCH_RELEASE_TIMEOUT_S ?? 600) * 1000;
const POLL_MS = 200;
/** The WeChat calls a release cannot do without, one per step: commit, submit for audit, release. */
const REQUIRED_PATHS = ['/wxa/commit', '/wxa/submit_audit', '/wxa/release'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * One release of a template to 1,000 authorized mini programs through the admin API, the
 * local Step Functions runtime running the deployed ASL, and the simulator with 50 ms on every
 * WeChat answer and a 1 s audit whose result is pushed. The limit is what max concurrency
 * allows: every app holds a Map slot for its WeChat calls and its audit, so
 * N × (calls per app × latency + audit) / maxConcurrency. WeChat calls are counted per app
 * and per path as the simulator records them.
 */
export async function releaseBench(): Promise<void> {
  const platform = await startBenchPlatform();
  try {
    const sim = platform.simulator!;
    // startBenchPlatform takes no simulator options; the audit delay is read per submission.
    sim.state.options.auditDelayMs = AUDIT_DELAY_MS;
    const admin = async (pathname: string, init: RequestInit = {}): Promise<{ status: number; json: Json }> => {
      const response = await fetch(`${platform.gatewayUrl}${pathname}`, {
        ...init,
        headers: { authorization: `Bearer ${platform.settings.adminToken}`, 'content-type': 'application/json' },
      });
      const text = await response.text();
      let json: Json = {};
      try {
        json = JSON.parse(text) as Json;
      } catch {
        json = { body: text };
      }
      return { status: response.status, json };
    };
    const must = async (pathname: string, init: RequestInit = {}, expected = [200, 201, 202]): Promise<Json> => {
      const { status, json } = await admin(pathname, init);
      if (!expected.includes(status)) throw new Error(`${init.method ?? 'GET'} ${pathname} → ${status} ${JSON.stringify(json)}`);
      return json;
    };

    // Setup, without latency: ticket, template, authorizers, their access tokens.
    await sim.ticketPusher.pushNow();
    const templateIds = async () => ((await must('/admin/templates')).templates as Json[]).map((t) => t.template_id as number);
    const existing = new Set(await templateIds());
    await must('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId: 1 }) });
    const templateId = (await templateIds()).find((id) => !existing.has(id));
    if (templateId === undefined) throw new Error('no new template after POST /admin/templates');
    const appIds = sim.seedAuthorizers(APPS).map((s) => s.appId);
    const sync = await must('/admin/authorizers:sync', { method: 'POST' });
    if (sync.added !== APPS || sync.failed !== 0) throw new Error(`authorizers:sync added ${sync.added} of ${APPS}, failed ${sync.failed}`);
    const refresh = await platform.scheduler.runNow('refreshTokens');
    const refreshed = (refresh?.result as Json | undefined)?.authorizers?.refreshed as number | undefined;
    if (!refresh?.ok || refreshed !== APPS) throw new Error(`token refresher refreshed ${refreshed} of ${APPS}: ${JSON.stringify(refresh)}`);

    // Count every WeChat request the simulator records while the release runs, by app and path.
    // `sim.requests` keeps only the last 5,000, so count as they are pushed.
    const perApp = new Map<string, Map<string, number>>();
    const notPerApp = new Map<string, number>();
    let counting = false;
    const log = sim.requests;
    const originalPush = log.push;
    log.push = function (this: RecordedRequest[], ...items: RecordedRequest[]): number {
      if (counting) for (const request of items) count(request);
      return originalPush.apply(this, items);
    };
    const count = (request: RecordedRequest): void => {
      if (request.path.startsWith('/sim/')) return;
      const body = (request.body ?? {}) as Json;
      const appId = sim.state.checkAuthorizerToken(request.query.access_token).appId ?? (typeof body.authorizer_appid === 'string' ? body.authorizer_appid : undefined);
      if (!appId) {
        notPerApp.set(request.path, (notPerApp.get(request.path) ?? 0) + 1);
        return;
      }
      const paths = perApp.get(appId) ?? new Map<string, number>();
      paths.set(request.path, (paths.get(request.path) ?? 0) + 1);
      perApp.set(appId, paths);
    };
    const auditPushesBefore = sim.auditPushes.length;

    sim.latencyMs = LATENCY_MS;
    counting = true;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    let release: Json;
    let finished = false;
    try {
      const start = await admin('/admin/releases', {
        method: 'POST',
        body: JSON.stringify({ templateId, userVersion: '2.0.0', userDesc: 'bench release', targets: { appIds }, maxConcurrency: MAX_CONCURRENCY }),
      });
      if (start.status !== 202) throw new Error(`POST /admin/releases → ${start.status} ${JSON.stringify(start.json)}`);
      ({ release, finished } = await waitForRelease(must, start.json.releaseId as string, { started, timeoutMs: TIMEOUT_MS, pollMs: POLL_MS, progressMs: 15_000 }));
    } finally {
      counting = false;
      sim.latencyMs = 0;
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    log.push = originalPush;

    const counts = release.counts as Record<string, number>;
    const released = counts.released ?? 0;
    const failed = counts.failed ?? 0;
    const perPath = new Map<string, { total: number; min: number; max: number }>();
    const allPaths = new Set<string>();
    for (const paths of perApp.values()) for (const path of paths.keys()) allPaths.add(path);
    for (const path of allPaths) {
      const values = appIds.map((appId) => perApp.get(appId)?.get(path) ?? 0);
      perPath.set(path, { total: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values) });
    }
    const perAppTotals = appIds.map((appId) => [...(perApp.get(appId)?.values() ?? [])].reduce((a, b) => a + b, 0));
    const callsTotal = perAppTotals.reduce((a, b) => a + b, 0);
    const callsPerApp = callsTotal / APPS;
    const limitMs = (APPS * (callsPerApp * LATENCY_MS + AUDIT_DELAY_MS)) / MAX_CONCURRENCY;
    const ratio = wallMs / limitMs;
    const serverMs = release.finishedAt ? Date.parse(release.finishedAt as string) - Date.parse(release.createdAt as string) : undefined;
    const required = REQUIRED_PATHS.length;
    const extra = [...perPath].filter(([path]) => !REQUIRED_PATHS.includes(path)).sort((a, b) => b[1].total - a[1].total);

    console.log(`release: ${fmt(APPS)} authorized mini programs, one release, maxConcurrency ${MAX_CONCURRENCY} (API maximum), simulator latency ${LATENCY_MS} ms, audit ${fmt(AUDIT_DELAY_MS / 1000)} s then pushed, Step Functions waits unscaled (×1)`);
    if (!finished) console.log(`  NOT FINISHED: still '${release.status}' after ${fmt(wallMs / 1000)} s (timeout ${fmt(TIMEOUT_MS / 1000)} s, BENCH_RELEASE_TIMEOUT_S); figures below cover that much`);
    console.log(`  wall time             ${fmt(wallMs / 1000, 2)} s   (POST → status '${release.status}' seen by polling every ${POLL_MS} ms${serverMs !== undefined ? `; createdAt → finishedAt ${fmt(serverMs / 1000, 2)} s` : ''})`);
    console.log(`  apps                  released ${fmt(released)}, failed ${fmt(failed)} of ${fmt(APPS)}   (${describeCounts(counts)})`);
    console.log(`  WeChat calls per app  (mean over ${fmt(APPS)} apps; min–max per app)`);
    for (const [path, { total, min, max }] of [...perPath].sort((a, b) => order(a[0]) - order(b[0]) || b[1].total - a[1].total)) {
      console.log(`    ${path.padEnd(36)} ${fmt(total / APPS, 2).padStart(6)}   ${min}–${max}   ${REQUIRED_PATHS.includes(path) ? 'required' : 'extra'}`);
    }
    console.log(`    ${'total per app'.padEnd(36)} ${fmt(callsPerApp, 2).padStart(6)}   ${Math.min(...perAppTotals)}–${Math.max(...perAppTotals)}   minimum ${required} (${REQUIRED_PATHS.map((p) => p.split('/').pop()).join(', ')})`);
    console.log(`    extra per app         ${fmt(callsPerApp - required, 2)}: ${extra.map(([path, { total }]) => `${path.split('/').pop()} ${fmt(total / APPS, 2)}`).join(', ') || 'none'}`);
    console.log(`    not per app           ${[...notPerApp].map(([path, n]) => `${path} ${fmt(n)}`).join(', ') || 'none'}   (${fmt(callsTotal)} per-app calls in all; audit pushes to the platform ${fmt(sim.auditPushes.length - auditPushesBefore)})`);
    console.log(`  limit                 ${fmt(limitMs / 1000, 2)} s = N × (calls per app × latency + audit) / maxConcurrency = ${fmt(APPS)} × (${fmt(callsPerApp, 2)} × ${LATENCY_MS} ms + ${fmt(AUDIT_DELAY_MS)} ms) / ${MAX_CONCURRENCY}`);
    console.log(`  ratio wall/limit      ${fmt(ratio, 2)}×   target ≤ ${TARGET_RATIO}×  ${verdict(finished && ratio <= TARGET_RATIO)}`);

    console.log(`  where the time goes   (not part of the target) this Node process (gateway, handlers, Step Functions runtime, simulator) used ${fmt((cpu.user + cpu.system) / 1000 / wallMs * 100)}% of one core; ${fmt((wallMs * MAX_CONCURRENCY) / APPS / 1000, 2)} s of a Map slot per app vs ${fmt((callsPerApp * LATENCY_MS + AUDIT_DELAY_MS) / 1000, 2)} s in the limit`);
    await printStepTimes(release.releaseId as string);
    if (failed > 0 || !finished) await printFailures(release.releaseId as string, failed);
  } finally {
    await platform.stop();
  }

  /** Median and p90 between a target's recorded states (history timestamps, ms resolution). */
  async function printStepTimes(releaseId: string): Promise<void> {
    const gaps = new Map<string, number[]>();
    for (const target of await allTargets(releaseId)) {
      const history = (target.history ?? []) as { at: string; state: string }[];
      for (let i = 1; i < history.length; i++) {
        const key = `${history[i - 1]!.state} → ${history[i]!.state}`;
        const list = gaps.get(key) ?? [];
        list.push(Date.parse(history[i]!.at) - Date.parse(history[i - 1]!.at));
        gaps.set(key, list);
      }
    }
    console.log('  between recorded states (target history, not part of the target)');
    for (const [key, values] of gaps) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(`    ${key.padEnd(34)} median ${fmt(median(values)).padStart(5)} ms   p90 ${fmt(percentile(sorted, 90)).padStart(5)} ms   (${fmt(values.length)} apps)${key.startsWith('pending') ? '   includes waiting for a Map slot' : ''}`);
    }
  }

  async function allTargets(releaseId: string, state?: string): Promise<Json[]> {
    const targets: Json[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (
        await fetch(`${platform.gatewayUrl}/admin/releases/${releaseId}?limit=500${state ? `&state=${state}` : ''}${cursor ? `&cursor=${cursor}` : ''}`, {
          headers: { authorization: `Bearer ${platform.settings.adminToken}` },
        })
      ).json()) as Json;
      targets.push(...((page.targets ?? []) as Json[]));
      cursor = page.nextCursor as string | undefined;
    } while (cursor);
    return targets;
  }

  async function printFailures(releaseId: string, failed: number): Promise<void> {
    const reasons = new Map<string, number>();
    for (const target of await allTargets(releaseId, 'failed')) {
      const key = `${target.failure?.step ?? '?'}: ${String(target.failure?.reason ?? '?').replace(/wx[0-9a-f]{16}/gi, 'wx…')}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    if (failed > 0) console.log(`  failure reasons       ${[...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${fmt(n)}× ${reason}`).join('\n                        ')}`);
  }
}


/** Paths in pipeline order where known, then the rest. */
function order(path: string): number {
  const known = ['/wxa/modify_domain', '/wxa/commit', '/wxa/security/get_code_privacy_info', '/wxa/queryquota', '/wxa/submit_audit', '/wxa/get_auditstatus', '/wxa/release'];
  const index = known.indexOf(path);
  return index === -1 ? known.length : index;
}
