import { createLimiter, mapSettled, mapSettledBefore } from '../../../functions/lib/concurrency';

describe('concurrency helpers', () => {
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('mapSettled keeps order, captures failures and never exceeds its limit', async () => {
    let active = 0;
    let peak = 0;
    const results = await mapSettled([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await tick(5 * (8 - n));
      active--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 30, 'four', 50, 60, 70]);
  });

  it('mapSettledBefore starts nothing after its deadline and leaves those items undefined', async () => {
    let clock = 0;
    const started: number[] = [];
    const results = await mapSettledBefore([1, 2, 3, 4, 5, 6], 2, 3, async (n) => {
      started.push(n);
      clock++;
      if (n === 2) throw new Error('two');
      return n * 10;
    }, () => clock);
    expect(started).toEqual([1, 2, 3]);
    expect(results.map((r) => (r === undefined ? 'not started' : r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'two', 30, 'not started', 'not started', 'not started']);
    expect(await mapSettledBefore([1, 2], 2, 0, async (n) => n, () => 0)).toEqual([undefined, undefined]);
  });

  it('createLimiter lets at most N run at once, also when work fails', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const work = (fail: boolean) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await tick(5);
        active--;
        if (fail) throw new Error('x');
        return 'ok';
      });
    const results = await Promise.allSettled([work(false), work(true), work(false), work(true), work(false)]);
    expect(peak).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });
});
