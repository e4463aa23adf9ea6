import path from 'node:path';
import { resetClients } from '../functions/lib/aws/clients';
import { resetConfig } from '../functions/lib/config';
import { enableTokenKey, resetPlatform } from '../functions/lib/platform';
import { resetComponentCredentials } from '../functions/lib/wechat/component-credentials';
import { ensureTable, LOCAL_AWS_CREDENTIALS, startDynamoDbLocal, type LocalDynamoDb } from './dynamodb';
import { LocalGateway, type GatewayOptions } from './gateway';
import { enableInvocationIsolation } from './invoke-store';
import { invokeLocally, localFunctionArn } from './lambda-context';
import { LocalScheduler, type ScheduleRun } from './scheduler';
import type { LocalSettings } from './settings';
import { WeChatSimulator, type WeChatSimulatorOptions } from './wechat-sim/server';
import { RELEASE_STATE_MACHINE } from '../infra/manifest';
import { releaseDefinitionJson } from '../statemachines/release-definition';
import { LocalStepFunctions, type ExecutionEvent } from './stepfunctions';
import { s3ObjectReader, startLocalS3 } from './s3';
import { startLocalSecretsManager } from './secrets-manager';
import { LOCAL_ACCOUNT } from './aws-json-server';
import { ensureTokenKeyFile } from './token-key';
import { configuredTokenKey } from '../functions/lib/crypto-at-rest/configured-key';

const LOCAL_PAYMENT_BUCKET = 'weapp-fleet-payment';
/** The release target-list bucket (ReleaseStateMachine's TargetLists in the stack): large releases' lists, read by the distributed Map. */
export const LOCAL_RELEASE_TARGETS_BUCKET = 'weapp-fleet-release-targets';

export interface LocalPlatformOptions {
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoDbEndpoint?: string;
  /** Start the scheduled functions' timers (tests may drive them by hand). */
  schedule?: boolean;
  /** Start the simulator's periodic ticket push. */
  pushTickets?: boolean;
  onRequest?: GatewayOptions['onRequest'];
  onResponse?: GatewayOptions['onResponse'];
  functionTimeoutScale?: GatewayOptions['functionTimeoutScale'];
  /** What the console is told to sign in with (default: the local tokens); see GatewayOptions. */
  consoleConfig?: GatewayOptions['consoleConfig'];
  /** The gateway's per-route limits, as deployed (default on); see GatewayOptions. */
  throttle?: GatewayOptions['throttle'];
  /** Extra simulator options (audit delay, quotas, …) for tests and benchmarks. */
  simulator?: Partial<WeChatSimulatorOptions>;
  /** Restart executions of releases left running by a previous run (default true). */
  redriveReleases?: boolean;
  /**
   * Keep overlapping invocations' log keys and metrics apart (default true). On Node 20 the
   * async context it needs slows promise-heavy work (a third at 20 refreshes in flight), so
   * benchmarks, which read no logs, turn it off.
   */
  isolateInvocations?: boolean;
  /** Multiplies the state machine's waits and timeouts (tests shrink hours to milliseconds). */
  stepFunctionsTimeScale?: number;
  /** Every event of every execution the local Step Functions runs (child executions and map runs included). */
  onStepFunctionsEvent?: (event: ExecutionEvent) => void;
  onScheduleRun?: (run: ScheduleRun) => void;
}

export interface LocalPlatform {
  gatewayUrl: string;
  wechatBase: string;
  /** Absent when `WECHAT_API_BASE` points at another WeChat. */
  simulator: WeChatSimulator | undefined;
  gateway: LocalGateway;
  scheduler: LocalScheduler;
  stepFunctions: LocalStepFunctions;
  dynamoDbEndpoint: string;
  stop(): Promise<void>;
}

/**
 * The whole platform on one machine: DynamoDB Local, the WeChat simulator, the gateway in
 * front of the real handlers, and the schedule as timers. Handlers are configured purely by
 * environment, exactly as in Lambda.
 */
export async function startLocalPlatform(settings: LocalSettings, options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const started: { stop(): Promise<void> | void }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop();
  };
  try {
    let dynamo: LocalDynamoDb | undefined;
    const dynamoDbEndpoint =
      options.dynamoDbEndpoint ??
      (dynamo = await startDynamoDbLocal({ port: settings.dynamoDbPort, dataDir: path.join(settings.dataDir, 'dynamodb') })).endpoint;
    if (dynamo) started.push(dynamo);
    await ensureTable(dynamoDbEndpoint, settings.tableName);

    // S3 and Secrets Manager stand-ins for payment settings and release target lists (same SDK clients as in AWS).
    const s3 = await startLocalS3({ port: 0, dataDir: path.join(settings.dataDir, 's3'), buckets: [LOCAL_PAYMENT_BUCKET, LOCAL_RELEASE_TARGETS_BUCKET] });
    started.push(s3);
    const secrets = await startLocalSecretsManager({ port: 0, dataFile: path.join(settings.dataDir, 'secrets.json') });
    started.push(secrets);

    let simulator: WeChatSimulator | undefined;
    let wechatBase = settings.externalWeChatBase;
    if (!wechatBase) {
      simulator = new WeChatSimulator({
        component: settings.component,
        port: settings.simPort,
        ticketPushIntervalMs: settings.ticketPushIntervalMs,
        accessTokenTtlSeconds: settings.simAccessTokenTtlSeconds,
        ...options.simulator,
      });
      wechatBase = await simulator.start();
      started.push(simulator);
    }

    // Handlers load on first request, so the environment can still be set once the port is known.
    const gateway = new LocalGateway({ port: settings.port, adminToken: settings.adminToken, operatorToken: settings.operatorToken, viewerToken: settings.viewerToken, onRequest: options.onRequest, onResponse: options.onResponse, functionTimeoutScale: options.functionTimeoutScale, throttle: options.throttle, consoleConfig: options.consoleConfig });
    const gatewayUrl = await gateway.start();
    started.push(gateway);
    // The release state machine: the same definition CDK deploys; its Lambda task is the same handler.
    const pipelineArn = localFunctionArn(RELEASE_STATE_MACHINE.taskFunction);
    const stepFunctions = new LocalStepFunctions({
      port: 0,
      waitTimeScale: options.stepFunctionsTimeScale ?? 1,
      readS3Object: s3ObjectReader(s3.endpoint),
      onExecutionEvent: options.onStepFunctionsEvent,
      stateMachines: [
        {
          name: 'weapp-fleet-release',
          arn: LOCAL_RELEASE_STATE_MACHINE_ARN,
          definition: releaseDefinitionJson(),
          substitutions: { [RELEASE_STATE_MACHINE.substitution]: pipelineArn },
          functions: {
            [pipelineArn]: (payload) => invokeLocally(gateway.handlerFor(RELEASE_STATE_MACHINE.taskFunction), RELEASE_STATE_MACHINE.taskFunction, payload),
          },
        },
      ],
    });
    const stepFunctionsEndpoint = await stepFunctions.start();
    started.push(stepFunctions);

    // Every handler runs in this one process, invocations overlapping: keep their log keys and metrics apart.
    if (options.isolateInvocations ?? true) enableInvocationIsolation();
    configureHandlers(settings, dynamoDbEndpoint, wechatBase, gatewayUrl, Boolean(simulator), stepFunctionsEndpoint);
    Object.assign(process.env, { S3_ENDPOINT: s3.endpoint, SECRETS_MANAGER_ENDPOINT: secrets.endpoint, PAYMENT_BUCKET: LOCAL_PAYMENT_BUCKET, RELEASE_TARGETS_BUCKET: LOCAL_RELEASE_TARGETS_BUCKET });
    resetClients();
    resetConfig();

    const scheduler = new LocalScheduler((name) => {
      const handler = gateway.handlerFor(name);
      return () => invokeLocally(handler, name, {});
    }, options.onScheduleRun);
    if (options.schedule ?? true) scheduler.start();
    started.push(scheduler);

    if (simulator) {
      simulator.setComponentEventsUrl(`${gatewayUrl}/wechat/component/events`);
      // As configured in the WeChat console: WeChat replaces $APPID$ per mini program.
      simulator.setAuthorizerEventsUrl(`${gatewayUrl}/wechat/authorizers/$APPID$/events`);
      if (options.pushTickets ?? true) simulator.startPushing();
    }

    // Executions live in this process: after a restart, releases still running start again
    // for their unfinished apps (AWS keeps executions, so only the local runtime needs this).
    if (options.redriveReleases ?? true) await redriveReleases();

    return { gatewayUrl, wechatBase, simulator, gateway, scheduler, stepFunctions, dynamoDbEndpoint, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function redriveReleases(): Promise<void> {
  const { platformStores, componentServices } = await import('../functions/lib/platform');
  const { ReleaseService } = await import('../functions/lib/release/release-service');
  const stores = platformStores();
  const running = await stores.releases.running();
  if (running.length === 0) return;
  const services = await componentServices();
  const releases = new ReleaseService(stores, services.templates, services.credentials.appId, services.miniPrograms);
  for (const release of running) {
    const executionArn = await releases.redrive(release.releaseId);
    if (executionArn) process.stdout.write(`[weapp-fleet] release ${release.releaseId} resumed after restart (${executionArn})\n`);
  }
}

export const LOCAL_RELEASE_STATE_MACHINE_ARN = `arn:aws:states:local:${LOCAL_ACCOUNT}:stateMachine:weapp-fleet-release`;

/** What Lambda's environment holds in AWS, pointed at the local stand-ins. */
function configureHandlers(settings: LocalSettings, dynamoDbEndpoint: string, wechatBase: string, gatewayUrl: string, simulated: boolean, stepFunctionsEndpoint: string): void {
  Object.assign(process.env, {
    STEPFUNCTIONS_ENDPOINT: stepFunctionsEndpoint,
    RELEASE_STATE_MACHINE_ARN: LOCAL_RELEASE_STATE_MACHINE_ARN,
    PUBLIC_BASE_URL: gatewayUrl,
    // The simulator also serves the merchant's authorization pages.
    ...(simulated ? { WECHAT_MP_BASE: wechatBase, WECHAT_OPEN_BASE: wechatBase } : {}),
    TABLE_NAME: settings.tableName,
    DYNAMODB_ENDPOINT: dynamoDbEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'ap-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
    WECHAT_API_BASE: wechatBase,
    WECHAT_COMPONENT_APPID: settings.component.appId,
    WECHAT_COMPONENT_SECRET: settings.component.appSecret,
    WECHAT_COMPONENT_TOKEN: settings.component.token,
    WECHAT_COMPONENT_AES_KEY: settings.component.aesKey,
    // Tokens at rest are encrypted under this file's key where AWS would use a KMS key.
    TOKEN_KEY_FILE: ensureTokenKeyFile(settings.dataDir),
  });
  delete process.env.COMPONENT_SECRET_ARN;
  delete process.env.TOKEN_KEY_ARN;
  // Every handler shares this one process (in AWS each function is its own, and only those
  // with the manifest's tokenKey take the key): tests and tools may read tokens before the
  // first token-using handler has loaded.
  enableTokenKey(configuredTokenKey);
  resetConfig();
  resetClients();
  resetPlatform();
  resetComponentCredentials();
}
