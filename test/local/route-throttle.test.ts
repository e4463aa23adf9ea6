import { DEFAULT_ROUTE_THROTTLE, ROUTE_THROTTLES } from '../../infra/throttles';
import { RouteThrottles, TokenBucket } from '../../local/route-throttle';

/** API Gateway's token bucket, on a clock the test moves by hand. */
describe('Class: TokenBucket', () => {
  it('lets a full burst through, then one request per refilled token', () => {
    let now = 0;
    const bucket = new TokenBucket({ rateLimit: 2, burstLimit: 5 }, () => now);
    expect(Array.from({ length: 8 }, () => bucket.take())).toEqual([true, true, true, true, true, false, false, false]);
    now += 499; // 0.998 tokens: still none
    expect(bucket.take()).toBe(false);
    now += 1; // one token
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000; // refills to the burst, never beyond
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
  });
});

describe('Class: RouteThrottles', () => {
  it('keeps one bucket per route, sized from infra/throttles.ts', () => {
    const throttles = new RouteThrottles(() => 0);
    const openApi = { method: 'GET', path: '/openapi.json' } as const;
    const push = { method: 'POST', path: '/wechat/component/events' } as const;
    const admitted = (route: typeof openApi | typeof push | { method: 'GET'; path: string }, n: number) => Array.from({ length: n }, () => throttles.admit(route)).filter(Boolean).length;
    expect(admitted(openApi, 50)).toBe(ROUTE_THROTTLES['GET /openapi.json']!.burstLimit);
    // Another route's bucket is untouched by that burst.
    expect(admitted(push, 1)).toBe(1);
    // Admin routes take the default, each its own bucket.
    expect(admitted({ method: 'GET', path: '/admin/health' }, 500)).toBe(DEFAULT_ROUTE_THROTTLE.burstLimit);
    expect(admitted({ method: 'GET', path: '/admin/overview' }, 1)).toBe(1);
  });
});
