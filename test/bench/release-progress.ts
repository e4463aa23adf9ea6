import { performance } from 'node:perf_hooks';
import { fmt } from './stats';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Polls `GET /admin/releases/{id}?limit=1` until the release leaves `running` or `timeoutMs`
 * has passed since `started`, printing the counts every `progressMs`. Answers the last release
 * seen and whether it finished.
 */
export async function waitForRelease(
  read: (pathname: string) => Promise<Json>,
  releaseId: string,
  { started, timeoutMs, pollMs, progressMs }: { started: number; timeoutMs: number; pollMs: number; progressMs: number },
): Promise<{ release: Json; finished: boolean }> {
  let nextProgress = started + progressMs;
  for (;;) {
    const release = await read(`/admin/releases/${releaseId}?limit=1`);
    if (release.status !== 'running') return { release, finished: true };
    const now = performance.now();
    if (now - started > timeoutMs) return { release, finished: false };
    if (now >= nextProgress) {
      console.log(`  … ${fmt((now - started) / 1000)} s: ${describeCounts(release.counts as Record<string, number>)}`);
      nextProgress += progressMs;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `released 990, failed 10`: the states that have apps. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${fmt(n)}`)
    .join(', ');
}
