import * as z from 'zod/mini';
import { ConfigurationError } from './errors';
import { ALARM_THRESHOLD_SECONDS } from './observability/metric-names';

/** Payment secrets are named `<prefix><appId>`; the stack grants and sets exactly this prefix. */
export const DEFAULT_PAYMENT_SECRET_PREFIX = 'weapp-fleet/payment/';

// zod/mini: every function parses its environment at cold start, the callbacks included.
const nonEmpty = () => z.string().check(z.minLength(1));
const optionalNonEmpty = () => z.optional(nonEmpty());
const optionalUrl = () => z.optional(z.url());
const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/**
 * Environment, parsed once per cold start. The same variables drive AWS and the local
 * platform: only their values differ (endpoints, table name, credential source).
 */
const EnvSchema = z.object({
  TABLE_NAME: nonEmpty(),
  WECHAT_API_BASE: z._default(z.url(), 'https://api.weixin.qq.com'),
  WECHAT_API_TIMEOUT_MS: positiveInt(5000),
  WECHAT_COMPONENT_APPID: nonEmpty(),
  /** Secrets Manager secret with `{ appSecret, token, aesKey }`; when unset the values come from env. */
  COMPONENT_SECRET_ARN: optionalNonEmpty(),
  WECHAT_COMPONENT_SECRET: optionalNonEmpty(),
  WECHAT_COMPONENT_TOKEN: optionalNonEmpty(),
  WECHAT_COMPONENT_AES_KEY: optionalNonEmpty(),
  /**
   * A push whose signed timestamp is further than this from now is refused like a bad
   * signature, so a captured push cannot be replayed later.
   */
  PUSH_MAX_AGE_SECONDS: positiveInt(600),
  /** GET /admin/health: a verify ticket older than this is `degraded` (WeChat pushes every 10 minutes). */
  HEALTH_TICKET_MAX_AGE_SECONDS: positiveInt(ALARM_THRESHOLD_SECONDS.ticketAge),
  /** GET /admin/health: the refresher's last run older than this is `degraded` (it runs every 5 minutes). */
  HEALTH_REFRESHER_MAX_AGE_SECONDS: positiveInt(900),
  /** GET /admin/health: a release still running after this long is `degraded` (audits usually take 1–7 days). */
  HEALTH_RELEASE_MAX_AGE_SECONDS: positiveInt(ALARM_THRESHOLD_SECONDS.oldestRunningRelease),
  /** Hosts of the pages merchants open to authorize (PC QR page and mobile page). */
  WECHAT_MP_BASE: z._default(z.url(), 'https://mp.weixin.qq.com'),
  WECHAT_OPEN_BASE: z._default(z.url(), 'https://open.weixin.qq.com'),
  /**
   * Public base URL of this platform's API (no trailing slash): the authorization redirect URI
   * is built on it. It must be on the authorization-launch domain registered with WeChat.
   */
  PUBLIC_BASE_URL: optionalUrl(),
  /** Where a merchant lands after authorizing (`?appid=` appended); a plain page when unset. */
  AUTH_SUCCESS_URL: optionalUrl(),
  /** Authorizer tokens the scheduled refresher renews at once. */
  REFRESH_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 20),
  /** Private bucket for merchants' apiclient_cert.p12 (versioned, SSE-KMS). */
  PAYMENT_BUCKET: optionalNonEmpty(),
  /** KMS key for the P12 objects and payment secrets; unset → the services' default keys. */
  PAYMENT_KMS_KEY_ID: optionalNonEmpty(),
  /** Payment secrets are named `<prefix><appId>`, one per authorizer. */
  PAYMENT_SECRET_PREFIX: z._default(z.string(), DEFAULT_PAYMENT_SECRET_PREFIX),
  /**
   * The key merchant tokens are encrypted under (crypto-at-rest/): a KMS key in AWS, set only
   * on the functions that read or write tokens (and granted to them alone) …
   */
  TOKEN_KEY_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** … or, where there is no KMS (the local platform), a file holding a 256-bit key. */
  TOKEN_KEY_FILE: optionalNonEmpty(),
  S3_ENDPOINT: optionalUrl(),
  /** Releases with more targets than this read their target list from S3 (Distributed Map). */
  RELEASE_INLINE_TARGETS_MAX: positiveInt(2000),
  /** Bucket for large releases' target lists; without it, releases are limited to the inline size. */
  RELEASE_TARGETS_BUCKET: optionalNonEmpty(),
  /** The release state machine (Step Functions). */
  RELEASE_STATE_MACHINE_ARN: optionalNonEmpty(),
  /** Optional endpoints for local stand-ins of AWS services. */
  STEPFUNCTIONS_ENDPOINT: optionalUrl(),
  DYNAMODB_ENDPOINT: optionalUrl(),
  SECRETS_MANAGER_ENDPOINT: optionalUrl(),
  AWS_REGION: z._default(z.string(), 'ap-east-1'),
});

export type Config = z.infer<typeof EnvSchema>;

let cached: Config | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new ConfigurationError(`invalid environment: ${fields}`);
  }
  return parsed.data;
}

/** The process-wide config; tests that change env call `resetConfig()`. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

export function resetConfig(): void {
  cached = undefined;
}
