import type { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, type FunctionName, ROUTES } from '../../infra/manifest';
import {
  DEFAULT_ROUTE_THROTTLE,
  LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY,
  LAMBDA_MIN_UNRESERVED,
  RESERVED_CONCURRENCY,
  ROUTE_THROTTLES,
  routeKeyOf,
  throttleFor,
} from '../../infra/throttles';
import { functionOf, only, platformFunctions, type Resource, synthStack } from './stack-template';

type RouteSettings = Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;

/** The limits infra/throttles.ts declares, as the stack deploys them. */
describe('throttles', () => {
  let template: Template;
  let stage: Resource;

  beforeAll(() => {
    ({ template } = synthStack());
    [, stage] = only(template, 'AWS::ApiGatewayV2::Stage');
  });

  it('declares a limit for every public route, and only for routes the manifest has', () => {
    const publicKeys = ROUTES.filter((route) => route.auth === 'public').map(routeKeyOf);
    expect(Object.keys(ROUTE_THROTTLES).sort()).toEqual([...publicKeys].sort());
    // WeChat's pushes keep the largest share; what a person or a tool opens gets far less.
    const pushes = Math.min(throttleFor({ method: 'POST', path: '/wechat/component/events' }).rateLimit, throttleFor({ method: 'POST', path: '/wechat/authorizers/{appId}/events' }).rateLimit);
    expect(throttleFor({ method: 'GET', path: '/wechat/authorize/callback' }).rateLimit).toBeLessThan(pushes);
    expect(throttleFor({ method: 'GET', path: '/openapi.json' }).rateLimit).toBeLessThan(pushes);
    for (const limit of Object.values(ROUTE_THROTTLES)) expect(limit.burstLimit).toBeGreaterThanOrEqual(limit.rateLimit);
  });

  it('puts each public route’s own limit on the stage, with the declared numbers', () => {
    const settings = stage.Properties?.RouteSettings as RouteSettings;
    expect(settings).toEqual(
      Object.fromEntries(Object.entries(ROUTE_THROTTLES).map(([key, limit]) => [key, { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit }])),
    );
    expect(settings['POST /wechat/authorizers/{appId}/events']).toEqual({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
    expect(settings['GET /openapi.json']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 });
  });

  it('gives every other route (the admin API) the default limit', () => {
    expect(stage.Properties?.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLE.burstLimit });
    expect(throttleFor({ method: 'GET', path: '/admin/health' })).toBe(DEFAULT_ROUTE_THROTTLE);
  });

  it('creates the stage after the routes its settings name (CloudFormation refuses an unknown route key)', () => {
    const routes = Object.entries(template.findResources('AWS::ApiGatewayV2::Route')) as [string, Resource][];
    const throttled = routes.filter(([, route]) => String(route.Properties?.RouteKey) in ROUTE_THROTTLES).map(([id]) => id);
    expect(throttled).toHaveLength(Object.keys(ROUTE_THROTTLES).length);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(throttled));
  });

  it('reserves the declared concurrency for the refresher, the pipeline steps and the push handlers, and none for the rest', () => {
    for (const [name, def] of Object.entries(FUNCTIONS)) {
      const [, fn] = functionOf(template, def);
      expect([name, fn.Properties?.ReservedConcurrentExecutions]).toEqual([name, RESERVED_CONCURRENCY[name as FunctionName]]);
    }
    expect(RESERVED_CONCURRENCY).toEqual({ refreshTokens: 2, pipelineStep: 80, componentEvents: 20, authorizerEvents: 40 });
  });

  it('leaves at least 100 of a default account’s 1,000 unreserved', () => {
    const reserved = platformFunctions(template).reduce((sum, [, fn]) => sum + Number(fn.Properties?.ReservedConcurrentExecutions ?? 0), 0);
    expect(reserved).toBe(142);
    expect(LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY - reserved).toBeGreaterThanOrEqual(LAMBDA_MIN_UNRESERVED);
  });
});
