import { type RouteKey, type RouteThrottle, routeKeyOf, throttleFor } from '../infra/throttles';
import type { RouteDefinition } from '../infra/manifest';

/** What API Gateway answers a throttled request, body and all. */
export const THROTTLED_STATUS = 429;
export const THROTTLED_BODY = { message: 'Too Many Requests' } as const;

/**
 * API Gateway's token bucket: full at `burstLimit`, refilled at `rateLimit` tokens a second,
 * one token a request. `now` is milliseconds on any monotonic clock; tests pass their own.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limit: RouteThrottle,
    private readonly now: () => number,
  ) {
    this.tokens = limit.burstLimit;
    this.refilledAt = now();
  }

  /** Takes a token if one is there; false means the request is throttled. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limit.burstLimit, this.tokens + ((now - this.refilledAt) / 1000) * this.limit.rateLimit);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One bucket per route, sized from infra/throttles.ts as the stage deploys them. */
export class RouteThrottles {
  private readonly buckets = new Map<RouteKey, TokenBucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  admit(route: Pick<RouteDefinition, 'method' | 'path'>): boolean {
    const key = routeKeyOf(route);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(throttleFor(route), this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
