import type { FunctionName, RouteDefinition } from './manifest';

/**
 * How much traffic each route and function may take, declared once: the CDK stack sets these
 * on the HTTP API stage and on the functions, and the local gateway enforces the same route
 * limits (infra/ never imports local/; local/ reads this module).
 */

/** API Gateway's token bucket: `rateLimit` requests a second refill a bucket of `burstLimit`. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** `POST /wechat/component/events`, as API Gateway names a route and its `routeSettings` key. */
export type RouteKey = `${RouteDefinition['method']} ${string}`;

export function routeKeyOf(route: Pick<RouteDefinition, 'method' | 'path'>): RouteKey {
  return `${route.method} ${route.path}`;
}

/**
 * Every route without its own entry below: the admin API. Each route has its own bucket. A
 * handful of operators, the console polling a release every few seconds per open tab and the
 * CLI's `--wait` polling stay far below it; API Gateway's JWT authorizer refuses junk before
 * any function runs, so this only bounds a signed-in client gone wrong.
 */
export const DEFAULT_ROUTE_THROTTLE: RouteThrottle = { rateLimit: 50, burstLimit: 100 };

/**
 * The public routes, each limited on its own so junk on one cannot take another's capacity.
 * WeChat's pushes get the most; what a person or a tool opens gets little.
 */
export const ROUTE_THROTTLES: Readonly<Record<RouteKey, RouteThrottle>> = {
  // WeChat's authorization-event URL: a verify ticket every 10 minutes, authorization events at
  // the pace merchants authorize, fast-registration results; each delivery retried up to three
  // times. Well under 1/s normally; 50/s lets WeChat drain a backlog of retries after an outage.
  'POST /wechat/component/events': { rateLimit: 50, burstLimit: 100 },
  // The message-event URL of every authorized mini program: audit results of a fleet release
  // arrive together (1,000 apps whose audits pass in the same minutes). 200/s drains 1,000 in
  // 5 s; the handler took 528 pushes/s on two local cores (`npm run bench -- load`).
  'POST /wechat/authorizers/{appId}/events': { rateLimit: 200, burstLimit: 400 },
  // Where WeChat sends a merchant's browser after authorizing: one click per authorization,
  // each costing an api_query_auth. An onboarding campaign of 1,000 merchants an hour is 0.3/s.
  'GET /wechat/authorize/callback': { rateLimit: 5, burstLimit: 10 },
  // The admin API's description: read by people and tools now and then (the console's types are
  // generated at build time), never on a hot path.
  'GET /openapi.json': { rateLimit: 2, burstLimit: 5 },
};

/** The limit API Gateway applies to a route. */
export function throttleFor(route: Pick<RouteDefinition, 'method' | 'path'>): RouteThrottle {
  return ROUTE_THROTTLES[routeKeyOf(route)] ?? DEFAULT_ROUTE_THROTTLE;
}

/**
 * Lambda concurrency set aside for the functions that must run whatever else the account does:
 * a flood elsewhere (another workload, a public route) cannot take it, and it also caps them.
 * Lambda keeps at least 100 of the account's concurrency unreserved; with the default 1,000
 * these 142 leave 858. An account whose quota is lower (new accounts may start at 10) must ask
 * for the default before deploying.
 */
export const RESERVED_CONCURRENCY: Readonly<Partial<Record<FunctionName, number>>> = {
  // One run every 5 minutes with a 300 s timeout: a slow run may still be going when the next
  // starts (the token lease keeps them from refreshing the same token twice).
  refreshTokens: 2,
  // A release runs at most 40 apps at once (maxConcurrency ≤ 40): two releases at full speed.
  // Beyond that Lambda answers TooManyRequests, which the state machine retries with backoff.
  pipelineStep: 80,
  // The WeChat push routes above: a push takes a few ms, an `authorized` one waits on
  // api_query_auth (~0.5 s), so 20 carry the route's 50/s even then.
  componentEvents: 20,
  // 200/s at the few tens of ms a push took under load (p50 35 ms in the load bench) needs ~10;
  // 40 leave room for cold starts.
  authorizerEvents: 40,
};

/** What Lambda keeps unreserved in every account, and the default account concurrency. */
export const LAMBDA_MIN_UNRESERVED = 100;
export const LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY = 1000;
