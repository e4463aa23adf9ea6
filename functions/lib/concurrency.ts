/**
 * Runs `work` over `items` with at most `limit` in flight, keeping input order in the
 * results. Each item's failure is captured, so one bad item never stops the rest.
 */
export async function mapSettled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index]!) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * `mapSettled` that starts no item once `deadline` (epoch ms) has passed; those come back
 * `undefined`. An admin request answers within API Gateway's 30 s, so a long list is worked
 * through over several calls, each saying how many are left.
 */
export async function mapSettledBefore<T, R>(
  items: readonly T[],
  limit: number,
  deadline: number,
  work: (item: T) => Promise<R>,
  now: () => number = Date.now,
): Promise<(PromiseSettledResult<R> | undefined)[]> {
  const notStarted = Symbol('not started');
  const results = await mapSettled<T, R | typeof notStarted>(items, limit, (item) => (now() >= deadline ? Promise.resolve(notStarted) : work(item)));
  return results.map((result) => (result.status === 'fulfilled' && result.value === notStarted ? undefined : (result as PromiseSettledResult<R>)));
}

export type Limiter = <T>(work: () => Promise<T>) => Promise<T>;

/** At most `slots` calls of the wrapped work in flight; the rest queue in call order. */
export function createLimiter(slots: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export const unlimited: Limiter = (work) => work();
