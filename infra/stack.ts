import * as path from 'node:path';
import { CfnOutput, Fn, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../functions/lib/store/table-schema';
import { AdminUserPool } from './constructs/admin-user-pool';
import { ComponentSecret } from './constructs/component-secret';
import { ConsoleHosting } from './constructs/console-hosting';
import { PlatformAlarms } from './constructs/platform-alarms';
import { PlatformDashboard } from './constructs/platform-dashboard';
import { PlatformApi, type RouteSpec } from './constructs/platform-api';
import { PlatformTable } from './constructs/platform-table';
import { FailedInvocationQueue, ScheduledInvocation } from './constructs/scheduled-invocation';
import { PaymentStore } from './constructs/payment-store';
import { ReleaseStateMachine } from './constructs/release-state-machine';
import { TokenKey } from './constructs/token-key';
import { WeappFunction } from './constructs/weapp-function';
import { EGRESS_AZ_COUNT, WeChatEgress } from './constructs/wechat-egress';
import { CONSOLE_DIST_DIR } from './console-location';
import { constructIdOf, FUNCTIONS, type FunctionDefinition, RELEASE_STATE_MACHINE, ROUTES } from './manifest';
import { RESERVED_CONCURRENCY } from './throttles';

const REPO_ROOT = path.resolve(__dirname, '..');
/** Where `npm run console:build` writes the admin console; the local gateway serves the same folder. */
export const DEFAULT_CONSOLE_DIST = CONSOLE_DIST_DIR;

export interface WeappFleetStackProps extends StackProps {
  /** AppID of the WeChat third-party platform (component). */
  readonly componentAppId: string;
  readonly wechatApiBase: string;
  /**
   * Public base URL of the API as WeChat and merchants see it (a custom domain registered as
   * the authorization-launch domain); defaults to the execute-api URL.
   */
  readonly publicBaseUrl?: string;
  /** Where merchants land after authorizing; a plain page when unset. */
  readonly authSuccessUrl?: string;
  /** Defaults to the manifest; tests pass their own to prove the stack follows it. */
  readonly functions?: Readonly<Record<string, FunctionDefinition>>;
  readonly routes?: readonly RouteSpec[];
  /** Subscribed by email to every alarm. */
  readonly alarmEmail?: string;
  /** The admin console's build output; defaults to `<repo>/console/dist`. */
  readonly consoleDistPath?: string;
}

/**
 * Everything is derived from infra/manifest.ts: a new FUNCTIONS or ROUTES entry deploys
 * without touching this file.
 */
export class WeappFleetStack extends Stack {
  readonly table: PlatformTable;
  readonly componentSecret: ComponentSecret;
  readonly tokenKey?: TokenKey;
  readonly admins: AdminUserPool;
  readonly api: PlatformApi;
  readonly functions: ReadonlyMap<string, WeappFunction>;
  readonly release?: import('aws-cdk-lib/aws-stepfunctions').StateMachine;
  readonly alarms: PlatformAlarms;
  readonly console: ConsoleHosting;

  constructor(scope: Construct, id: string, props: WeappFleetStackProps) {
    super(scope, id, props);
    const functionDefs = props.functions ?? FUNCTIONS;
    const routes = props.routes ?? ROUTES;
    Tags.of(this).add('project', 'weapp-fleet');

    this.table = new PlatformTable(this, 'Platform', { schema: TABLE_SCHEMA });
    this.componentSecret = new ComponentSecret(this, 'Component');
    this.admins = new AdminUserPool(this, 'Admins');
    const tokenKey = Object.values(functionDefs).some((def) => def.tokenKey) ? new TokenKey(this, 'TokenKey') : undefined;
    this.tokenKey = tokenKey;

    const egress = Object.values(functionDefs).some((def) => def.callsWeChat) ? new WeChatEgress(this, 'WeChatEgress') : undefined;
    const network = egress && { vpc: egress.vpc, subnets: egress.subnets, securityGroup: egress.securityGroup };

    const functions = new Map<string, WeappFunction>();
    // Only scheduled functions are invoked asynchronously: API Gateway and Step Functions wait for the answer.
    const deadLetterQueues = new Map<string, FailedInvocationQueue>();
    for (const [name, def] of Object.entries(functionDefs)) {
      const id = constructIdOf(name);
      // Created first so the function's own async failures land in the same queue as EventBridge's.
      const dlq = def.schedule ? new FailedInvocationQueue(this, `${id}FailedInvocations`) : undefined;
      if (dlq) deadLetterQueues.set(name, dlq);
      const fn = new WeappFunction(this, `${id}Function`, {
        entry: path.join(REPO_ROOT, def.entry),
        projectRoot: REPO_ROOT,
        description: def.description,
        timeoutSeconds: def.timeoutSeconds,
        memoryMiB: def.memoryMiB,
        reservedConcurrency: (RESERVED_CONCURRENCY as Readonly<Record<string, number | undefined>>)[name],
        componentAppId: props.componentAppId,
        wechatApiBase: props.wechatApiBase,
        deadLetterQueue: dlq,
        // WeChat accepts calls only from whitelisted IPs; the others stay out of the VPC (no cold-start ENI, no NAT cost).
        network: def.callsWeChat ? network : undefined,
      });
      if (def.table !== 'none') fn.bindTable(this.table.table, def.table);
      if (def.tokenKey) tokenKey?.grantTokenUse(fn);
      if (def.componentSecret) fn.grantComponentSecret(this.componentSecret.secret);
      if (def.callsWeChat) Tags.of(fn).add('weapp-fleet:calls-wechat', 'true');
      if (def.schedule && dlq) {
        new ScheduledInvocation(this, `${id}Schedule`, { fn, expression: def.schedule.expression, deadLetterQueue: dlq });
      }
      functions.set(name, fn);
    }
    this.functions = functions;

    const paymentFunctions = Object.entries(functionDefs).filter(([, def]) => def.paymentStore);
    if (paymentFunctions.length) {
      const payment = new PaymentStore(this, 'Payment');
      for (const [name] of paymentFunctions) payment.grant(functions.get(name)!);
    }

    const taskFunction = functions.get(RELEASE_STATE_MACHINE.taskFunction);
    if (taskFunction) {
      const pipeline = new ReleaseStateMachine(this, 'ReleasePipeline', { ...RELEASE_STATE_MACHINE, taskFunction });
      this.release = pipeline.stateMachine;
      for (const [name, def] of Object.entries(functionDefs)) {
        const fn = functions.get(name)!;
        if (def.startsReleases) pipeline.grantOperate(fn);
        if (def.resumesReleases) pipeline.grantTaskResponse(fn);
      }
    }

    this.api = new PlatformApi(this, 'Http', {
      routes,
      handlerFor: (name) => {
        const fn = functions.get(name);
        if (!fn) throw new Error(`route targets unknown function '${name}'`);
        return fn;
      },
      userPool: this.admins.userPool,
      userPoolClient: this.admins.consoleClient,
    });

    const publicBaseUrl = props.publicBaseUrl ?? `https://${this.api.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
    for (const fn of functions.values()) {
      fn.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
      if (props.authSuccessUrl) fn.addEnvironment('AUTH_SUCCESS_URL', props.authSuccessUrl);
    }

    this.alarms = new PlatformAlarms(this, 'Alarms', {
      functions,
      releaseStateMachine: this.release,
      deadLetterQueues,
      email: props.alarmEmail,
    });
    const dashboard = new PlatformDashboard(this, 'Operations', { dashboardName: 'weapp-fleet', functions, releaseStateMachine: this.release, alarms: this.alarms });

    this.console = new ConsoleHosting(this, 'Console', {
      distPath: props.consoleDistPath ?? DEFAULT_CONSOLE_DIST,
      api: this.api.api,
      userPool: this.admins.userPool,
      userPoolClient: this.admins.consoleClient,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'AuthorizationRedirectUri', {
      description: 'Redirect URI of the authorization flow; its domain must be the authorization-launch domain registered with WeChat',
      value: `${publicBaseUrl}/wechat/authorize/callback`,
    });
    const events = routes.find((r) => r.function === 'componentEvents');
    if (events) {
      new CfnOutput(this, 'ComponentEventsUrl', {
        description: 'Authorization event URL (授权事件接收URL) to enter in the WeChat open platform',
        value: `${this.api.url}${events.path.replace(/^\//, '')}`,
      });
    }
    new CfnOutput(this, 'UserPoolId', { value: this.admins.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.admins.consoleClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'ComponentSecretArn', { value: this.componentSecret.secret.secretArn });
    egress?.elasticIps.forEach((eip, i) => {
      new CfnOutput(this, `WeChatEgressIp${i + 1}`, {
        description: 'Outbound IP of the functions calling WeChat; add every WeChatEgressIp to the IP whitelist in the open platform',
        value: eip.attrPublicIp,
      });
    });
    new CfnOutput(this, 'ConsoleUrl', { description: 'The admin web console', value: this.console.url });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Every alarm notifies this SNS topic', value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
  }

  /**
   * The first AZs of the region, resolved by CloudFormation: synth needs no account lookup
   * (it works offline) and the VPC gets the two AZs the NAT gateways need.
   */
  override get availabilityZones(): string[] {
    return Array.from({ length: EGRESS_AZ_COUNT }, (_, i) => Fn.select(i, Fn.getAzs()));
  }
}
