import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../manifest';
import { DEFAULT_ROUTE_THROTTLE, ROUTE_THROTTLES, routeKeyOf } from '../throttles';

/** A manifest route; `function` is any deployed function's key. */
export type RouteSpec = Omit<RouteDefinition, 'function'> & { readonly function: string };

export interface PlatformApiProps {
  readonly routes: readonly RouteSpec[];
  readonly handlerFor: (name: string) => IFunction;
  /** Issues the JWTs accepted on `admin` routes. */
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
}

/** HTTP API variables (not the REST API set that `AccessLogFormat.jsonWithStandardFields` uses). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    // The caller of an admin route, as the JWT authorizer accepted it (empty on public routes);
    // the admin audit trail has the same two. `cognito:username` cannot be named here (the
    // colon); the access tokens the console sends carry it as `username`.
    userSub: '$context.authorizer.claims.sub',
    username: '$context.authorizer.claims.username',
  }),
);

/**
 * One HTTP API route per `ROUTES` entry, on an access-logged `$default` stage where each public
 * route has its own throttle (infra/throttles.ts) and every other route the default one.
 */
export class PlatformApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly routes: readonly { readonly definition: RouteSpec; readonly route: HttpRoute }[];

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id);

    // Our own stage instead of createDefaultStage: only an explicit stage takes throttling and access logs.
    this.api = new HttpApi(this, 'Api', { createDefaultStage: false, description: 'weapp-fleet' });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Each route without an entry in ROUTE_THROTTLES (the admin API) gets this, bucket by bucket.
      throttle: DEFAULT_ROUTE_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const adminAuthorizer = new HttpUserPoolAuthorizer('AdminAuthorizer', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (name: string): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}Integration`, props.handlerFor(name));
        integrations.set(name, integration);
      }
      return integration;
    };

    this.routes = props.routes.map((definition) => {
      const routes = this.api.addRoutes({
        path: definition.path,
        methods: [HttpMethod[definition.method]],
        integration: integrationFor(definition.function),
        authorizer: definition.auth === 'admin' ? adminAuthorizer : new HttpNoneAuthorizer(),
      });
      const route = routes[0];
      if (!route || routes.length !== 1) throw new Error(`expected one route for ${definition.method} ${definition.path}`);
      if (definition.auth === 'public') {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'WeChat server push callback: WeChat cannot send a JWT or sign with SigV4. The handler ' +
            'authenticates every request by verifying msg_signature against the component token.',
        });
      }
      return { definition, route };
    });
    this.throttleRoutes();
  }

  /**
   * Per-route limits: HttpStage has no property for them, so they go on the L1 stage's
   * `routeSettings`. The stage must be created after the routes it names, or CloudFormation
   * refuses a key it cannot find.
   */
  private throttleRoutes(): void {
    // A JSON map in CloudFormation: CDK passes it through as written, so the keys are CloudFormation's.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const { definition, route } of this.routes) {
      const key = routeKeyOf(definition);
      const limit = ROUTE_THROTTLES[key];
      if (!limit) continue;
      routeSettings[key] = { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit };
      this.stage.node.addDependency(route);
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }

  /** Base URL of the `$default` stage, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
