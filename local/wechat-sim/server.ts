import { listenOn } from '../http-server';
import { readRequestBody } from '../read-body';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endpointForPath, RETIRED_WECHAT_PATHS } from '../../functions/lib/wechat/catalogue';
import { ERR } from '../../functions/lib/wechat/errcodes';
import { ApiCallLog } from './call-log';
import { FaultInjector, type FaultCounts, type FaultSettingsInput } from './faults';
import { AuthorizerEventPusher, type AuthorizerEventPush, type AuthorizerEventsUrl } from './authorizer-events';
import { AuditCenter, auditModule, type AuditEventKind } from './modules/audit';
import { authorizationModule } from './modules/authorization';
import { basicInfoModule } from './modules/basic-info';
import { codeModule } from './modules/code';
import { componentAuthModule } from './modules/component-auth';
import { domainsModule } from './modules/domains';
import { FastRegistrationCenter, fastRegisterModule, type LegalPersonAnswer } from './modules/fast-register';
import {
  MerchantConsole,
  merchantConsoleModule,
  SimControlError,
  type AuthorizationPush,
  type AuthorizeOptions,
  type AuthorizeResult,
  type SeedOptions,
} from './modules/merchant-console';
import { privacyModule } from './modules/privacy';
import { releaseModule } from './modules/release';
import { templatesModule } from './modules/templates';
import { weappControlModule } from './modules/weapp-control';
import { wxacodeModule } from './modules/wxacode';
import { SimState, type IssuedCredentialKind, type SimApp, type SimAuthorizer, type SimDraft, type SimDraftSeed, type SimFastRegistration, type SimOptions } from './state';
import { PushSender, TicketPusher, type PushResult } from './ticket-pusher';
import { wechatError, type SimModule, type SimRequest, type SimResponse, type SimRouteHandler } from './types';

export interface WeChatSimulatorOptions extends Partial<Omit<SimOptions, 'component'>> {
  component: SimOptions['component'];
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The platform's authorization-event URL; pushes start once it is known. */
  componentEventsUrl?: string;
  ticketPushIntervalMs?: number;
  /**
   * The platform's message-and-event URL for authorizers: a template in which `$APPID$` is
   * replaced by the mini program's appid (as WeChat does), or a function of the appid.
   */
  authorizerEventsUrl?: AuthorizerEventsUrl;
  /** Injected failures from the start (`npm start`: `WECHAT_SIM_FAULTS`); tests may use `faults()`. */
  faults?: FaultSettingsInput;
}

export type ScriptedAnswer = { delayMs?: number } & (
  | { errcode: number; errmsg?: string }
  | { httpStatus: number }
  | { json: unknown }
  | { passThrough: true }
);

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Control endpoints of the simulated merchant; not WeChat, so no latency and no WeChat-style errors. */
const CONTROL_PREFIX = '/sim/';

interface PatternRoute {
  method: string;
  /** The route as registered, e.g. `/sim/apps/:appId`. */
  path: string;
  pattern: RegExp;
  names: string[];
  handler: SimRouteHandler;
}

/**
 * A fake of WeChat's API servers, good enough that the platform cannot tell it from the real
 * one: same paths, same request fields, same errcodes, and encrypted pushes to the platform.
 * One module per API group; later capabilities add modules.
 */
export class WeChatSimulator {
  readonly state: SimState;
  readonly pushes: PushSender;
  readonly ticketPusher: TicketPusher;
  /** Every API request received, newest last (bounded), for tests to assert on. */
  readonly requests: RecordedRequest[] = [];
  /** Local-only: per app and API path, requests received and answered with success (unbounded counts). */
  readonly callLog = new ApiCallLog();
  private readonly routes = new Map<string, SimRouteHandler>();
  private readonly patternRoutes: PatternRoute[] = [];
  private readonly merchant: MerchantConsole;
  private readonly scripted = new Map<string, ScriptedAnswer[]>();
  /** Message events to authorizers' URL (audit results), with retries. */
  readonly authorizerEvents: AuthorizerEventPusher;
  private readonly auditCenter: AuditCenter;
  private readonly fastRegister: FastRegistrationCenter;
  private readonly faultInjector: FaultInjector;
  private server: Server | undefined;
  private componentEventsUrl: string | undefined;
  private authorizerEventsUrl: AuthorizerEventsUrl | undefined;

  constructor(private readonly options: WeChatSimulatorOptions) {
    this.state = new SimState({
      component: options.component,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
      ticketTtlSeconds: options.ticketTtlSeconds ?? 12 * 3600,
      componentTokenDailyQuota: options.componentTokenDailyQuota ?? 2000,
      authCodeTtlSeconds: options.authCodeTtlSeconds,
      preAuthCodeTtlSeconds: options.preAuthCodeTtlSeconds,
      rotateRefreshTokens: options.rotateRefreshTokens,
      latencyMs: options.latencyMs,
      platformServerDomains: options.platformServerDomains,
      platformBizDomains: options.platformBizDomains,
      drafts: options.drafts,
      templateLibraryLimit: options.templateLibraryLimit,
      auditDelayMs: options.auditDelayMs,
      auditDecidesBeforeAnswer: options.auditDecidesBeforeAnswer,
      privacyScanMs: options.privacyScanMs,
      nicknameAuditMs: options.nicknameAuditMs,
      pushRetryDelayMs: options.pushRetryDelayMs,
      auditQuotaPerMonth: options.auditQuotaPerMonth,
      speedupQuotaPerMonth: options.speedupQuotaPerMonth,
      testerLimit: options.testerLimit,
      wxacodeLimit: options.wxacodeLimit,
      fastRegisterDelayMs: options.fastRegisterDelayMs,
    });
    this.componentEventsUrl = options.componentEventsUrl;
    this.authorizerEventsUrl = options.authorizerEventsUrl;
    this.faultInjector = new FaultInjector(options.faults);
    this.pushes = new PushSender(this.state, this.faultInjector);
    this.ticketPusher = new TicketPusher(this.state, this.pushes, () => this.componentEventsUrl, options.ticketPushIntervalMs ?? 10_000);
    this.merchant = new MerchantConsole(this.state, this.pushes, () => this.componentEventsUrl);
    this.use(componentAuthModule(this.state, () => void this.ticketPusher.pushNow()));
    this.use(authorizationModule(this.state));
    this.use(merchantConsoleModule(this.merchant, this.state));
    this.fastRegister = new FastRegistrationCenter(this.state, this.pushes, () => this.componentEventsUrl, () => this.url);
    this.use(fastRegisterModule(this.state, this.fastRegister));
    this.authorizerEvents = new AuthorizerEventPusher(this.state, this.pushes, () => this.authorizerEventsUrl);
    this.auditCenter = new AuditCenter(this.state, this.authorizerEvents);
    this.use(basicInfoModule(this.state));
    this.use(domainsModule(this.state));
    this.use(templatesModule(this.state));
    this.use(codeModule(this.state));
    this.use(auditModule(this.state, this.auditCenter));
    this.use(releaseModule(this.state));
    this.use(privacyModule(this.state));
    this.use(wxacodeModule(this.state));
    this.use(weappControlModule(this));
  }

  use(module: SimModule): void {
    for (const [key, handler] of Object.entries(module.routes)) {
      const [method = '', path = ''] = key.split(' ');
      if (!path.includes('/:')) {
        this.routes.set(key, handler);
        continue;
      }
      const names: string[] = [];
      const source = path
        .split('/')
        .map((segment) => (segment.startsWith(':') ? (names.push(segment.slice(1)), '([^/]+)') : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      this.patternRoutes.push({ method, path, pattern: new RegExp(`^${source}$`), names, handler });
    }
  }

  /** `METHOD /path` of every WeChat API route served (not the /sim/ control routes). */
  servedApis(): { method: string; path: string }[] {
    return [...this.routes.keys(), ...this.patternRoutes.map((r) => `${r.method} ${r.path}`)]
      .map((key) => key.split(' ') as [string, string])
      .filter(([, path]) => !path.startsWith(CONTROL_PREFIX))
      .map(([method, path]) => ({ method, path }));
  }

  /** Delay before every WeChat API answer (not /sim/), ms; same as `state.latencyMs`. */
  get latencyMs(): number {
    return this.state.latencyMs;
  }

  set latencyMs(ms: number) {
    this.state.latencyMs = ms;
  }

  // --- The simulated merchant (in-process equivalents of the /sim/ endpoints) ---

  /** The owner scans and confirms: `authorized` or `updateauthorized` push, then the redirect location. */
  authorize(options: AuthorizeOptions): Promise<AuthorizeResult> {
    return this.merchant.authorize(options);
  }

  /** The owner cancels: tokens die, `unauthorized` push, 61003 from then on. */
  revoke(appId: string): Promise<{ push?: PushResult }> {
    return this.merchant.revoke(appId);
  }

  /** The owner changes permission sets: new auth code, `updateauthorized` push. */
  changePermissions(appId: string, funcInfo: number[]): Promise<{ authCode: string; expiresIn: number; push?: PushResult }> {
    return this.merchant.changePermissions(appId, funcInfo);
  }

  /** The authorizer's access tokens answer 40001 from now on. */
  invalidateAccessTokens(appId: string): void {
    this.merchant.invalidateAccessTokens(appId);
  }

  /** WeChat re-issues the refresh token; returns the new one (the old one answers 61023). */
  replaceRefreshToken(appId: string): string {
    return this.merchant.replaceRefreshToken(appId);
  }

  /** Authorized authorizers without pushes, for benchmarks. */
  seedAuthorizers(count: number, options?: SeedOptions): { appId: string; refreshToken: string }[] {
    return this.merchant.seedAuthorizers(count, options);
  }

  /** Every authorizer the simulator knows, revoked ones included, in authorization order. */
  get authorizers(): SimAuthorizer[] {
    return this.merchant.listAuthorizers();
  }

  /** Authorization pushes sent (authorized, updateauthorized, unauthorized) with the platform's answers. */
  get authorizationPushes(): readonly AuthorizationPush[] {
    return this.merchant.pushes;
  }

  // --- Fast registration of enterprise mini programs (快速注册企业小程序) ---

  /** Every `fastregisterenterpriseweapp?action=create` task accepted, oldest first, with its outcome and push once ended. */
  get fastRegistrations(): readonly SimFastRegistration[] {
    return this.fastRegister.tasks;
  }

  /**
   * The legal person answers every pending registration now (`[reject]` in the company name:
   * refused; past its 24 h: timed out); resolves once every `notify_third_fasteregister` push
   * is answered. Returns how many tasks ended.
   */
  completeFastRegistrations(): Promise<number> {
    return this.fastRegister.completeAll();
  }

  /** The legal person opens one task's authorize_url and confirms or refuses; resolves once its push is answered. */
  answerFastRegistration(taskId: string, answer: LegalPersonAnswer): Promise<SimFastRegistration> {
    return this.fastRegister.answer(taskId, answer);
  }

  // --- Mini-program management (in-process control and introspection) ---

  /** Management state of one mini program (domains, testers, versions, audits, releases, counters). */
  app(appId: string): SimApp {
    if (!this.state.authorizers.has(appId)) throw new SimControlError(404, `no authorizer ${appId}`);
    return this.state.app(appId);
  }

  /** A new draft in the platform's draft box, as if uploaded from WeChat DevTools. */
  addDraft(draft: SimDraftSeed): SimDraft {
    return this.state.addDraft(draft);
  }

  /** Where authorizer message events go: `$APPID$` in a template is replaced per mini program. */
  setAuthorizerEventsUrl(url: AuthorizerEventsUrl): void {
    this.authorizerEventsUrl = url;
  }

  /** Audit event pushes sent (newest last) with every attempt's answer. */
  get auditPushes(): readonly AuthorizerEventPush[] {
    return this.authorizerEvents.pushes;
  }

  /** Pushes an audit event for the app's latest audit by hand, without changing its state. */
  pushAuditEvent(appId: string, kind: AuditEventKind): Promise<AuthorizerEventPush | undefined> {
    this.app(appId);
    return this.auditCenter.pushEvent(appId, kind);
  }

  /** Finishes every running audit now (delay notice first for `[delay]` ones) and waits for the pushes. */
  async completeAudits(): Promise<void> {
    await this.auditCenter.completeAll();
    await this.authorizerEvents.settled();
  }

  /** Resolves once every authorizer event push started so far is delivered or out of attempts. */
  authorizerPushesSettled(): Promise<void> {
    return this.authorizerEvents.settled();
  }

  /**
   * The next requests to `path` get these answers, in order, instead of the normal ones
   * (then normal service resumes). For tests of retries, timeouts and error handling.
   */
  script(path: string, answers: ScriptedAnswer[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...answers]);
  }

  /**
   * From now on, WeChat APIs fail and pushes get lost as configured (seeded, so a run can be
   * replayed); `faults({})` ends it. Scripted answers still come first.
   */
  faults(settings: FaultSettingsInput): void {
    this.faultInjector.configure(settings);
  }

  /** Every secret this WeChat handed out (tokens, refresh tokens, pre-auth and authorization codes), for leak checks. */
  issuedCredentials(): { kind: IssuedCredentialKind; value: string }[] {
    return Object.entries(this.state.issued).flatMap(([kind, values]) => values.map((value) => ({ kind: kind as IssuedCredentialKind, value })));
  }

  /** How many faults were injected since the last `faults()` call. */
  get faultCounts(): FaultCounts {
    return this.faultInjector.counts;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const seen: { request?: SimRequest } = {};
      this.handle(req, seen)
        .then((answer) => {
          if (seen.request && !seen.request.path.startsWith(CONTROL_PREFIX)) this.logCall(seen.request, answer);
          if ('destroySocket' in answer) {
            req.socket.destroy();
            return;
          }
          const status = answer.status ?? 200;
          if ('json' in answer) {
            res.writeHead(status, { 'content-type': 'application/json; encoding=utf-8' }).end(JSON.stringify(answer.json));
          } else {
            res.writeHead(status, { 'content-type': answer.contentType, ...answer.headers }).end(answer.body);
          }
        })
        .catch(() => res.writeHead(500).end());
    });
    await listenOn(this.server, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('simulator not started');
    return `http://${address.address}:${address.port}`;
  }

  /** Where pushes go; setting it starts the ticket pusher if it is not running. */
  setComponentEventsUrl(url: string): void {
    this.componentEventsUrl = url;
  }

  startPushing(): void {
    this.ticketPusher.start();
  }

  async stop(): Promise<void> {
    this.ticketPusher.stop();
    this.auditCenter.stop();
    this.fastRegister.stop();
    this.authorizerEvents.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private logCall(request: SimRequest, answer: SimResponse | { destroySocket: true }): void {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = request.token ?? request.query.access_token;
    const appId = (token ? this.state.checkAuthorizerToken(token).appId : undefined) ?? (typeof body.authorizer_appid === 'string' ? body.authorizer_appid : undefined);
    const json = 'json' in answer ? (answer.json as Record<string, unknown> | undefined) : undefined;
    const succeeded = 'json' in answer && (answer.status ?? 200) === 200 && (json?.errcode === undefined || json.errcode === 0);
    this.callLog.record(appId, request.path, succeeded);
  }

  /** Local-only: the reviewer rejects every audit of these apps from now on (`accept` undoes it). */
  rejectAudits(appIds: Iterable<string>, accept = false): void {
    for (const appId of appIds) {
      if (accept) this.state.auditRejectedApps.delete(appId);
      else this.state.auditRejectedApps.add(appId);
    }
  }

  private async handle(req: IncomingMessage, seen: { request?: SimRequest }): Promise<SimResponse | { destroySocket: true }> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const rawBody = await readBodyOrThrow(req);
    let body: unknown;
    const contentType = req.headers['content-type'] ?? '';
    // WeChat reads JSON whatever the Content-Type says (fetch with a string body sends
    // text/plain); only a declared JSON body that does not parse is a format error.
    const looksLikeJson = !contentType.includes('multipart') && /^\s*[{[]/.test(rawBody.subarray(0, 16).toString('utf8'));
    if (rawBody.length > 0 && (contentType.includes('json') || looksLikeJson)) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        if (contentType.includes('json')) return wechatError(47001, 'data format error');
      }
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
    const request: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, rawBody, headers, params: {} };
    seen.request = request;
    this.requests.push({ method: request.method, path: request.path, query: request.query, body });
    if (this.requests.length > 5000) this.requests.shift();
    const control = request.path.startsWith(CONTROL_PREFIX);
    // Read per request, so a test or benchmark can change it while the simulator runs.
    if (!control && this.state.latencyMs > 0) await sleep(this.state.latencyMs);
    // A switched-off API answers as WeChat does now, whatever the request (others are a 404).
    const retired = control ? undefined : RETIRED_WECHAT_PATHS[request.path]?.answer;
    if (retired) return wechatError(retired.errcode, retired.errmsg);
    // WeChat reads the token from one query name per API; under any other name it is missing.
    const tokenParam = control ? undefined : endpointForPath(request.path)?.token?.param;
    if (tokenParam) {
      request.token = request.query[tokenParam];
      if (!request.token) return wechatError(ERR.ACCESS_TOKEN_MISSING, `${tokenParam} missing`);
    }
    const scripted = this.scripted.get(request.path)?.shift();
    if (scripted) {
      if (scripted.delayMs) await sleep(scripted.delayMs);
      if ('errcode' in scripted) return wechatError(scripted.errcode, scripted.errmsg ?? 'scripted error');
      if ('httpStatus' in scripted) return { status: scripted.httpStatus, contentType: 'text/html', body: '<html>error</html>' };
      if ('json' in scripted) return { json: scripted.json };
    }
    const injected = control ? undefined : this.faultInjector.forApi(request.path);
    if (injected?.latencyMs) await sleep(injected.latencyMs);
    const fault = injected?.fault;
    if (fault?.kind === 'error') return wechatError(fault.errcode, fault.errcode === -1 ? 'system error' : 'reach max api daily quota limit');
    if (fault?.kind === 'http') return { status: fault.status, contentType: 'text/html', body: '<html>error</html>' };
    if (fault?.kind === 'timeout') {
      const answer = fault.phase === 'after' ? await this.serveRoute(request, control) : wechatError(-1, 'system error');
      if (fault.mode === 'destroy') return { destroySocket: true };
      await sleep(fault.holdMs);
      return answer;
    }
    return this.serveRoute(request, control);
  }

  private async serveRoute(request: SimRequest, control: boolean): Promise<SimResponse> {
    const handler = this.route(request.method, request.path, request.params);
    if (!handler) {
      const otherMethod = request.method === 'GET' ? 'POST' : 'GET';
      if (!this.route(otherMethod, request.path, {})) return { status: 404, contentType: 'text/html', body: '<html><body>404 Not Found</body></html>' };
      return control ? { status: 405, json: { error: `use ${otherMethod}` } } : wechatError(43002, `require ${otherMethod} method`);
    }
    return handler(request);
  }

  /** Exact routes first, then `:name` patterns (filling `params`). */
  private route(method: string, path: string, params: Record<string, string>): SimRouteHandler | undefined {
    const exact = this.routes.get(`${method} ${path}`);
    if (exact) return exact;
    for (const route of this.patternRoutes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
      } catch {
        continue; // a malformed %-escape matches nothing, so it gets a 404 rather than a 500
      }
      return route.handler;
    }
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function readBodyOrThrow(req: IncomingMessage): Promise<Buffer> {
  const body = await readRequestBody(req, MAX_BODY_BYTES);
  if (!body) throw new Error('body too large');
  return body;
}
