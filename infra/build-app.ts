import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_CONSOLE_DIST, WeappFleetStack } from './stack';

export const STACK_NAME = 'WeappFleet';
/** Lets `cdk synth` work before the platform is registered; deploy with `-c componentAppId=wx...`. */
export const PLACEHOLDER_COMPONENT_APPID = 'wx0000000000000000';
export const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';
/** Same default as functions/lib/config.ts; the CLI's profile region wins when it has one. */
export const DEFAULT_REGION = 'ap-east-1';

function contextString(app: App, key: string, fallback: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') throw new Error(`context '${key}' must be a string`);
  return value;
}

export interface BuildAppOptions {
  /** Called with the console build folder the stack will deploy, before the stack reads it. */
  readonly prepareConsole?: (distPath: string) => void;
}

/**
 * The CDK app, without synthesizing it: infra/app.ts synthesizes it for the CLI and the
 * tests synthesize it in memory. cdk-nag findings make `app.synth()` throw.
 */
export function buildApp(props: AppProps = {}, options: BuildAppOptions = {}): { app: App; stack: WeappFleetStack } {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const componentAppId = contextString(app, 'componentAppId', PLACEHOLDER_COMPONENT_APPID);
  if (!/^wx[0-9a-f]{16}$/i.test(componentAppId)) {
    throw new Error(`context componentAppId '${componentAppId}' is not a WeChat AppID (wx + 16 hex digits)`);
  }
  const wechatApiBase = contextString(app, 'wechatApiBase', DEFAULT_WECHAT_API_BASE);
  if (new URL(wechatApiBase).protocol !== 'https:') {
    throw new Error(`context wechatApiBase '${wechatApiBase}' must be an https URL`);
  }

  const publicBaseUrl = contextString(app, 'publicBaseUrl', '') || undefined;
  const authSuccessUrl = contextString(app, 'authSuccessUrl', '') || undefined;
  for (const [key, value] of [['publicBaseUrl', publicBaseUrl], ['authSuccessUrl', authSuccessUrl]] as const) {
    if (value && new URL(value).protocol !== 'https:') throw new Error(`context ${key} '${value}' must be an https URL`);
  }

  const alarmEmail = contextString(app, 'alarmEmail', '') || undefined;
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) throw new Error(`context alarmEmail '${alarmEmail}' is not an email address`);
  const consoleDistPath = contextString(app, 'consoleDistPath', DEFAULT_CONSOLE_DIST);
  options.prepareConsole?.(consoleDistPath);

  // A concrete region is required: TableV2 cannot render a customer-managed key region-agnostically.
  const region = contextString(app, 'region', process.env.CDK_DEFAULT_REGION ?? DEFAULT_REGION);

  const stack = new WeappFleetStack(app, STACK_NAME, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    description: 'weapp-fleet: serverless WeChat third-party platform',
    componentAppId,
    wechatApiBase,
    publicBaseUrl: publicBaseUrl?.replace(/\/$/, ''),
    authSuccessUrl,
    alarmEmail,
    consoleDistPath,
  });
  return { app, stack };
}
