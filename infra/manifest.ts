import { PLATFORM_ROUTES } from '../functions/admin/contract';
import { PAYMENT_ROUTES } from '../functions/admin/payment-contract';
import { REGISTRATION_ROUTES } from '../functions/admin/registrations-contract';
import { RELEASE_ROUTES } from '../functions/admin/releases-contract';
import { TEMPLATE_ROUTES, WEAPP_ROUTES } from '../functions/admin/weapp/contract';

/**
 * What the platform is made of, declared once: the CDK stack deploys these functions and
 * routes, and the local runtime serves the very same handlers on the very same paths.
 */
/** `none`: no grant on the table or its key at all (and no TABLE_NAME). */
export type TableAccess = 'RO' | 'RW' | 'none';

export interface FunctionDefinition {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  table: TableAccess;
  /**
   * Reads or writes merchant tokens (authorizer access/refresh tokens, the component access
   * token): holds the token key (GenerateDataKey/Decrypt) and gets TOKEN_KEY_ARN. Without it
   * a function can read the table but not one token in it.
   */
  tokenKey?: boolean;
  /** Reads the component credentials (appsecret, message token, EncodingAESKey). */
  componentSecret: boolean;
  /** Calls WeChat's API, so in AWS it needs the fixed-IP egress WeChat whitelists. */
  callsWeChat: boolean;
  timeoutSeconds: number;
  memoryMiB?: number;
  /** Reads and writes merchants' payment certificates (S3) and keys (Secrets Manager). */
  paymentStore?: boolean;
  /** Starts and stops executions of the release state machine. */
  startsReleases?: boolean;
  /** Resumes waiting release executions (SendTaskSuccess). */
  resumesReleases?: boolean;
  /** EventBridge schedule expression; locally a timer with the interval given in `localIntervalMs`. */
  schedule?: { expression: string; localIntervalMs: number };
}

export const FUNCTIONS = {
  componentEvents: {
    entry: 'functions/callback/component-events.ts',
    description: 'Authorization-event URL: verify, decrypt and route WeChat component pushes',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    // authorized/updateauthorized pushes exchange their code with api_query_auth.
    callsWeChat: true,
    timeoutSeconds: 10,
    // Cold start is CPU-bound and Lambda gives CPU in proportion to memory (1,769 MB = 1 vCPU).
    // Init + first call take ~130 ms of CPU here (npm run bench -- cold-start), so ≈ 0.9 s at
    // 256 MB, ≈ 0.45 s at 512 MB, ≈ 0.22 s at 1024 MB (estimated, not measured on Lambda).
    // WeChat waits 5 s; a push takes a few ms warm, so the larger size costs next to nothing.
    memoryMiB: 1024,
  },
  authorizeRedirect: {
    entry: 'functions/callback/authorize-redirect.ts',
    description: 'Authorization redirect target: exchange the auth_code and show the result',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 20,
  },
  adminAuthorizations: {
    entry: 'functions/admin/authorizations.ts',
    description: 'Admin API: create authorization links (pre_auth_code), ask WeChat to push the ticket again',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 15,
  },
  adminWeapp: {
    entry: 'functions/admin/weapp/handler.ts',
    description: 'Admin API: every console action for one mini program (info, domains, code, audit, release, codes)',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 30,
  },
  adminTemplates: {
    entry: 'functions/admin/templates.ts',
    description: 'Admin API: the code template library',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 15,
  },
  authorizerEvents: {
    entry: 'functions/callback/authorizer-events.ts',
    description: 'Message-event URL: verify, decrypt and record mini-program pushes (audit results)',
    table: 'RW',
    componentSecret: true,
    callsWeChat: false,
    timeoutSeconds: 5,
    resumesReleases: true,
    // As componentEvents: ~105 ms of CPU for init + first call, ≈ 0.75 s at 256 MB, ≈ 0.19 s at 1024 MB.
    memoryMiB: 1024,
  },
  adminReleases: {
    entry: 'functions/admin/releases.ts',
    description: 'Admin API: start, follow, approve, cancel and retry fleet releases',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 60,
    startsReleases: true,
  },
  adminRegistrations: {
    entry: 'functions/admin/registrations.ts',
    description: 'Admin API: fast registration of enterprise mini programs',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 15,
  },
  adminPayment: {
    entry: 'functions/admin/payment.ts',
    description: 'Admin API: WeChat Pay settings per mini program (P12 in S3, keys in Secrets Manager)',
    table: 'RW',
    componentSecret: false,
    callsWeChat: false,
    timeoutSeconds: 15,
    paymentStore: true,
  },
  pipelineStep: {
    entry: 'functions/pipeline/handler.ts',
    description: 'Release state machine task: one step for one app (domains, commit, audit, release)',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 60,
    resumesReleases: true,
  },
  openApi: {
    entry: 'functions/admin/openapi.ts',
    description: 'The admin API contract (OpenAPI 3.1)',
    table: 'none',
    componentSecret: false,
    callsWeChat: false,
    timeoutSeconds: 5,
  },
  adminAuthorizers: {
    entry: 'functions/admin/authorizers.ts',
    description: 'Admin API: authorizer registry, token refresh and reconciliation with WeChat',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 60,
  },
  adminComponent: {
    entry: 'functions/admin/component.ts',
    description: 'Admin API: read-only views: component ticket and token status (never the values), health, overview, the audit trail',
    table: 'RO',
    componentSecret: false,
    callsWeChat: false,
    timeoutSeconds: 10,
  },
  refreshTokens: {
    entry: 'functions/scheduler/refresh-tokens.ts',
    description: 'Scheduled: keep the component and every authorizer access token fresh',
    table: 'RW',
    tokenKey: true,
    componentSecret: true,
    callsWeChat: true,
    timeoutSeconds: 300,
    memoryMiB: 512,
    schedule: { expression: 'rate(5 minutes)', localIntervalMs: 3000 },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

/** `AdminReleases` from `adminReleases`: the stack's construct ids (and so logical ids) start with it. */
export function constructIdOf(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway route path; `{name}` segments become path parameters. */
  path: string;
  function: FunctionName;
  /** `admin` routes need a Cognito JWT in AWS and the admin bearer token locally. */
  auth: 'admin' | 'public';
}

const admin = (fn: FunctionName, routes: Record<string, { method: HttpMethod; path: string }>): RouteDefinition[] =>
  Object.values(routes).map(({ method, path }) => ({ method, path, function: fn, auth: 'admin' }));

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/wechat/component/events', function: 'componentEvents', auth: 'public' },
  { method: 'POST', path: '/wechat/authorizers/{appId}/events', function: 'authorizerEvents', auth: 'public' },
  { method: 'GET', path: '/wechat/authorize/callback', function: 'authorizeRedirect', auth: 'public' },
  // The admin API's own description; it holds nothing secret.
  { method: 'GET', path: '/openapi.json', function: 'openApi', auth: 'public' },
  ...admin('adminComponent', { c: PLATFORM_ROUTES.getComponent, h: PLATFORM_ROUTES.getHealth, o: PLATFORM_ROUTES.getOverview, me: PLATFORM_ROUTES.getMe, audit: PLATFORM_ROUTES.getAuditLog }),
  ...admin('adminAuthorizations', { a: PLATFORM_ROUTES.createAuthorization, t: PLATFORM_ROUTES.pushTicket }),
  ...admin('adminAuthorizers', {
    list: PLATFORM_ROUTES.listAuthorizers,
    sync: PLATFORM_ROUTES.syncAuthorizers,
    get: PLATFORM_ROUTES.getAuthorizer,
    refresh: PLATFORM_ROUTES.refreshAuthorizerToken,
  }),
  ...admin('adminTemplates', TEMPLATE_ROUTES),
  ...admin('adminWeapp', WEAPP_ROUTES),
  ...admin('adminReleases', RELEASE_ROUTES),
  ...admin('adminRegistrations', REGISTRATION_ROUTES),
  ...admin('adminPayment', PAYMENT_ROUTES),
];

/** The release state machine: statemachines/release-definition.ts builds it, `${PipelineFunctionArn}` substituted. */
export const RELEASE_STATE_MACHINE = {
  taskFunction: 'pipelineStep' as FunctionName,
  substitution: 'PipelineFunctionArn',
} as const;
