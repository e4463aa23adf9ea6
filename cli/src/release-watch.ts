import { setTimeout as sleep } from 'node:timers/promises';
import type { ReleaseProgress, ReleaseTarget } from './api';
import { CliError, EXIT, type ExitCode } from './errors';
import { note, print, printJson } from './output';
import { describeCounts, progressView, type Counts } from './progress';
import type { Session } from './session';

export interface WatchOptions {
  intervalMs: number;
  timeoutMs: number;
  json: boolean;
}

/** States in which an app is still moving on its own (not final, not waiting for an approval). */
const MOVING = ['pending', 'domains_set', 'committed', 'waiting_quota', 'audit_submitted', 'audit_passed'] as const;

type Release = Omit<ReleaseProgress, 'targets' | 'nextCursor'>;

const getRelease = (session: Session, releaseId: string, query: { state?: 'failed'; limit: number; cursor?: string }) =>
  session.call(session.api.GET('/admin/releases/{releaseId}', { params: { path: { releaseId }, query } }));

/**
 * Polls a release until it ends — or, when apps are held for approval, until nothing moves any
 * more (an approval is a person's decision, not something to wait for) — showing progress by
 * state. Returns the exit code its outcome means.
 */
export async function watchRelease(session: Session, releaseId: string, options: WatchOptions): Promise<ExitCode> {
  const view = progressView(releaseId);
  const deadline = Date.now() + options.timeoutMs;
  let release: Release;
  try {
    for (;;) {
      const { targets: _targets, nextCursor: _next, ...current } = await getRelease(session, releaseId, { limit: 1 });
      release = current;
      view.update(release.status, release.total, release.counts);
      if (release.status !== 'running' || waitingOnlyForApproval(release.counts)) break;
      if (Date.now() + options.intervalMs > deadline) {
        throw new CliError(`${releaseId} is still running after ${Math.round(options.timeoutMs / 1000)} s (${describeCounts(release.counts)}); it goes on: weapp-fleet release show ${releaseId}`, EXIT.cancelledOrTimedOut);
      }
      await sleep(options.intervalMs);
    }
  } finally {
    view.stop();
  }
  return reportOutcome(session, release, options.json);
}

const waitingOnlyForApproval = (counts: Counts): boolean => (counts.held ?? 0) > 0 && MOVING.every((state) => (counts[state] ?? 0) === 0);

/** Every failed app of a release, all pages. */
export async function failedTargets(session: Session, releaseId: string): Promise<ReleaseTarget[]> {
  const failed: ReleaseTarget[] = [];
  let cursor: string | undefined;
  do {
    const page = await getRelease(session, releaseId, { state: 'failed', limit: 500, ...(cursor ? { cursor } : {}) });
    failed.push(...page.targets);
    cursor = page.nextCursor;
  } while (cursor);
  return failed;
}

export const describeFailure = (target: ReleaseTarget): string => {
  const failure = target.failure;
  if (!failure) return `${target.appId}  failed`;
  return `${target.appId}  failed at ${failure.step}: ${failure.reason}${failure.errcode === undefined ? '' : ` (errcode ${failure.errcode})`}`;
};

/** Prints the outcome (each failed app with WeChat's reason) and returns its exit code. */
export async function reportOutcome(session: Session, release: Release, json: boolean): Promise<ExitCode> {
  const failed = (release.counts.failed ?? 0) > 0 ? await failedTargets(session, release.releaseId) : [];
  const held = release.status === 'running' ? (release.counts.held ?? 0) : 0;
  const code = release.status === 'cancelled' ? EXIT.cancelledOrTimedOut : failed.length > 0 ? EXIT.failures : EXIT.ok;
  if (json) {
    printJson({ ...release, failed });
  } else {
    print(`${release.releaseId} ${release.status}: ${describeCounts(release.counts)}`);
    for (const target of failed) print(`  ${describeFailure(target)}`);
  }
  if (held > 0) note(`${held} app(s) passed audit and wait for approval: weapp-fleet release approve ${release.releaseId}`);
  if (failed.length > 0) note(`retry the failed apps: weapp-fleet release retry ${release.releaseId} --wait`);
  return code;
}
