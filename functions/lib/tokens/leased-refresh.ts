import { NotReadyError } from '../errors';

export interface LeasedRefreshSteps<T> {
  /** Reads the stored value (consistent read). */
  read(): Promise<T | undefined>;
  /** True when the value can be used as it is. */
  isFresh(value: T): boolean;
  /** Takes the lease; returns the stored value as of taking it, or undefined when another holder has it. */
  acquire(): Promise<{ current: T | undefined } | undefined>;
  /** Obtains a new value from WeChat and stores it while releasing the lease. */
  refresh(current: T | undefined): Promise<T>;
  release(): Promise<void>;
}

export interface LeasedRefreshOptions {
  /** A value the caller already read (e.g. from an index query): saves the first read. */
  known?: unknown;
  /** How long a loser waits for the winner before trying to take the lease itself. */
  maxWaitMs: number;
  pollMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Returns a fresh value, refreshing it under a lease when needed: the winner of the lease
 * calls WeChat; everyone else waits for the winner's value and reuses it.
 */
export async function getWithLeasedRefresh<T>(steps: LeasedRefreshSteps<T>, options: LeasedRefreshOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const deadline = Date.now() + options.maxWaitMs;
  let known = options.known as T | undefined;
  for (;;) {
    const stored = known ?? (await steps.read());
    known = undefined;
    if (stored && steps.isFresh(stored)) return stored;
    const lease = await steps.acquire();
    if (lease) {
      // Another holder may have finished between our read and our lease.
      if (lease.current && steps.isFresh(lease.current)) {
        await steps.release();
        return lease.current;
      }
      try {
        return await steps.refresh(lease.current);
      } catch (error) {
        await steps.release().catch(() => undefined);
        throw error;
      }
    }
    if (Date.now() > deadline) throw new NotReadyError('token refresh by another instance did not finish in time', 'refresh_in_progress');
    await sleep(options.pollMs);
  }
}
