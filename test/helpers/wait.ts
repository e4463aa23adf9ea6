import { scaled } from './time-scale';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** The ceiling before failing, in ms at TEST_TIME_SCALE=1 (default 10 s). */
  timeoutMs?: number;
  /** Pause between probes (default 20 ms). */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than undefined and returns that; fails naming
 * `what` once the scaled ceiling has passed. Tests wait on the event itself, never on a guess
 * of how long it takes.
 */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, { timeoutMs = 10_000, intervalMs = 20 }: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + scaled(timeoutMs);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Polls until `check` holds; fails naming `what` once the scaled ceiling has passed. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, options?: WaitOptions): Promise<void> {
  await waitFor(async () => ((await check()) ? true : undefined), what, options);
}
