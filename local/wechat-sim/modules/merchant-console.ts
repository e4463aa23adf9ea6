import type { SimAuthorizer, SimState } from '../state';
import type { PushResult, PushSender } from '../ticket-pusher';
import { json, type SimModule, type SimRequest, type SimResponse } from '../types';

/**
 * The merchant's side of WeChat: what a mini-program owner does by scanning the authorization
 * QR code, confirming, cancelling or changing permissions in the WeChat admin. Not WeChat APIs:
 * tests and benchmarks drive it in-process (methods on WeChatSimulator) or over HTTP under /sim/.
 */

export type AuthorizationInfoType = 'authorized' | 'updateauthorized' | 'unauthorized';

export interface AuthorizeOptions {
  /** The platform's redirect URI; `auth_code` and `expires_in` are appended. */
  redirectUri: string;
  /** From `api_create_preauthcode`; when omitted one is created (as if the platform had). */
  preAuthCode?: string;
  /** Authorize (or re-authorize) this mini program; a new `wx`+16 hex appid when omitted. */
  appId?: string;
  nickname?: string;
  /** Permission set ids granted; a new authorizer gets `DEFAULT_FUNC_INFO`, an existing one keeps its set. */
  funcInfo?: number[];
  /** Default true; false skips the push, leaving only the redirect (the platform must cope with either arriving alone). */
  push?: boolean;
}

export interface AuthorizeResult {
  appId: string;
  authCode: string;
  expiresIn: number;
  /** Where WeChat sends the owner's browser: redirectUri plus `auth_code` and `expires_in`. */
  location: string;
  infoType: 'authorized' | 'updateauthorized';
  /** The platform's answer to the push; absent when not pushed or no events URL is known. */
  push?: PushResult;
}

export interface SeedOptions {
  funcInfo?: number[];
  nicknamePrefix?: string;
  /** Seed them as created through the API (fast registration): `checkwxverifynickname` works for them. */
  createdViaApi?: boolean;
}

export interface AuthorizationPush {
  infoType: AuthorizationInfoType;
  authorizerAppId: string;
  xml: string;
  result: PushResult;
}

/** A request the simulated merchant cannot make; `status` is the HTTP status of the control endpoint. */
export class SimControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimControlError';
  }
}

const APPID = /^wx[0-9a-zA-Z]{16}$/;
const MAX_SEED = 100_000;

export class MerchantConsole {
  /** Authorization pushes sent (newest last, bounded), with the platform's answers. */
  readonly pushes: AuthorizationPush[] = [];

  constructor(
    private readonly state: SimState,
    private readonly sender: PushSender,
    private readonly eventsUrl: () => string | undefined,
  ) {}

  /** The owner confirms on the authorization page. */
  async authorize(options: AuthorizeOptions): Promise<AuthorizeResult> {
    const { redirectUri, appId, nickname, funcInfo, push = true } = options;
    // Check everything before consuming the pre_auth_code, so a bad call does not burn it.
    if (!redirectUri) throw new SimControlError(400, 'redirect_uri is required');
    if (appId !== undefined && !APPID.test(appId)) throw new SimControlError(400, 'appid must be wx followed by 16 letters or digits');
    if (funcInfo !== undefined) checkFuncInfo(funcInfo);
    const preAuthCode = options.preAuthCode ?? this.state.issuePreAuthCode().preAuthCode;
    const status = this.state.consumePreAuthCode(preAuthCode);
    if (status !== 'ok') throw new SimControlError(400, `pre_auth_code is ${status === 'unknown' ? 'invalid' : status}`);

    const existing = appId ? this.state.authorizers.get(appId) : undefined;
    let authorizer: SimAuthorizer;
    let infoType: AuthorizeResult['infoType'];
    if (!existing) {
      authorizer = this.state.createAuthorizer({ appId, nickname, funcInfo });
      infoType = 'authorized';
    } else {
      authorizer = existing;
      // Authorizing again gives a new refresh token and the old one dies at once (61023), as on WeChat.
      infoType = existing.status === 'authorized' ? 'updateauthorized' : 'authorized';
      existing.status = 'authorized';
      this.state.replaceRefreshToken(existing);
      existing.authTime = Math.floor(this.state.now() / 1000);
      if (nickname) existing.nickname = nickname;
      if (funcInfo) existing.funcInfo = [...funcInfo];
    }
    const { authCode, expiresIn, expiresAt } = this.state.issueAuthCode(authorizer.appId);
    const result: AuthorizeResult = { appId: authorizer.appId, authCode, expiresIn, location: withAuthCode(redirectUri, authCode, expiresIn), infoType };
    if (push) {
      const pushed = await this.push(infoType, authorizer.appId, { AuthorizationCode: authCode, AuthorizationCodeExpiredTime: Math.floor(expiresAt / 1000), PreAuthCode: preAuthCode });
      if (pushed) result.push = pushed;
    }
    return result;
  }

  /** The owner cancels the authorization in the WeChat admin. */
  async revoke(appId: string): Promise<{ push?: PushResult }> {
    const authorizer = this.active(appId);
    this.state.revokeAuthorizer(authorizer);
    const push = await this.push('unauthorized', appId, {});
    return push ? { push } : {};
  }

  /**
   * The owner changes the granted permission sets. WeChat sends `updateauthorized` with a new
   * auth code; the refresh token stays. PreAuthCode carries a fresh (already used) code, since
   * the change did not start from one of the platform's links.
   */
  async changePermissions(appId: string, funcInfo: number[]): Promise<{ authCode: string; expiresIn: number; push?: PushResult }> {
    checkFuncInfo(funcInfo);
    const authorizer = this.active(appId);
    authorizer.funcInfo = [...funcInfo];
    const { authCode, expiresIn, expiresAt } = this.state.issueAuthCode(appId);
    const { preAuthCode } = this.state.issuePreAuthCode();
    this.state.consumePreAuthCode(preAuthCode);
    const push = await this.push('updateauthorized', appId, { AuthorizationCode: authCode, AuthorizationCodeExpiredTime: Math.floor(expiresAt / 1000), PreAuthCode: preAuthCode });
    return push ? { authCode, expiresIn, push } : { authCode, expiresIn };
  }

  /** Every access token of this authorizer answers 40001 from now on (WeChat reset them). */
  invalidateAccessTokens(appId: string): void {
    this.known(appId);
    this.state.invalidateAuthorizerTokens(appId);
  }

  /** WeChat re-issues the refresh token: the old one answers 61023, the new one shows in api_get_authorizer_list. */
  replaceRefreshToken(appId: string): string {
    return this.state.replaceRefreshToken(this.active(appId));
  }

  /** Authorized authorizers created directly, without pre_auth_codes or pushes (benchmarks with thousands of apps). */
  seedAuthorizers(count: number, options: SeedOptions = {}): { appId: string; refreshToken: string }[] {
    if (!Number.isInteger(count) || count < 0 || count > MAX_SEED) throw new SimControlError(400, `count must be an integer 0..${MAX_SEED}`);
    if (options.funcInfo) checkFuncInfo(options.funcInfo);
    const seeded: { appId: string; refreshToken: string }[] = [];
    for (let i = 0; i < count; i++) {
      const nickname = options.nicknamePrefix === undefined ? undefined : `${options.nicknamePrefix}${this.state.authorizers.size + 1}`;
      const authorizer = this.state.createAuthorizer({ nickname, funcInfo: options.funcInfo, createdViaApi: options.createdViaApi });
      seeded.push({ appId: authorizer.appId, refreshToken: authorizer.refreshToken });
    }
    return seeded;
  }

  listAuthorizers(): SimAuthorizer[] {
    return [...this.state.authorizers.values()];
  }

  private known(appId: string): SimAuthorizer {
    const authorizer = this.state.authorizers.get(appId);
    if (!authorizer) throw new SimControlError(404, `no authorizer ${appId}`);
    return authorizer;
  }

  private active(appId: string): SimAuthorizer {
    const authorizer = this.known(appId);
    if (authorizer.status !== 'authorized') throw new SimControlError(409, `authorizer ${appId} is revoked`);
    return authorizer;
  }

  /** Section 4 XML, encrypted by PushSender, to the platform's authorization event URL. */
  private async push(infoType: AuthorizationInfoType, authorizerAppId: string, fields: Record<string, string | number>): Promise<PushResult | undefined> {
    const url = this.eventsUrl();
    if (!url) return undefined;
    const xml =
      `<xml><AppId><![CDATA[${this.state.options.component.appId}]]></AppId><CreateTime>${Math.floor(this.state.now() / 1000)}</CreateTime>` +
      `<InfoType><![CDATA[${infoType}]]></InfoType><AuthorizerAppid><![CDATA[${authorizerAppId}]]></AuthorizerAppid>` +
      Object.entries(fields)
        .map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value}]]></${name}>`))
        .join('') +
      '</xml>';
    const result = await this.sender.push(url, xml, undefined, 'authorization');
    this.pushes.push({ infoType, authorizerAppId, xml, result });
    if (this.pushes.length > 1000) this.pushes.shift();
    return result;
  }
}

function checkFuncInfo(funcInfo: unknown): asserts funcInfo is number[] {
  if (!Array.isArray(funcInfo) || funcInfo.length === 0 || !funcInfo.every((id) => Number.isInteger(id) && id > 0)) {
    throw new SimControlError(400, 'func_info must be a non-empty list of positive integers');
  }
}

/** `redirect_uri` plus `auth_code`/`expires_in`, with `&` when it already has a query, before any fragment. */
export function withAuthCode(redirectUri: string, authCode: string, expiresIn: number): string {
  const hash = redirectUri.indexOf('#');
  const base = hash < 0 ? redirectUri : redirectUri.slice(0, hash);
  const fragment = hash < 0 ? '' : redirectUri.slice(hash);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}auth_code=${encodeURIComponent(authCode)}&expires_in=${expiresIn}${fragment}`;
}

/** `"1,17,18"` from a query string, or a JSON array; undefined when absent. */
function parseFuncInfo(value: unknown): number[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value.split(',').map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : NaN));
  return value as number[];
}

const optionalString = (value: unknown, name: string): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new SimControlError(400, `${name} must be a string`);
  return value;
};


function htmlPage(status: number, title: string, message: string): SimResponse {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return { status, contentType: 'text/html; charset=utf-8', body: `<!doctype html><html><head><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>` };
}

function authorizeOptions(fields: Record<string, unknown>): AuthorizeOptions {
  const push = fields.push;
  if (push !== undefined && typeof push !== 'boolean') throw new SimControlError(400, 'push must be true or false');
  const options: AuthorizeOptions = {
    redirectUri: optionalString(fields.redirect_uri, 'redirect_uri') ?? '',
    preAuthCode: optionalString(fields.pre_auth_code, 'pre_auth_code'),
    appId: optionalString(fields.appid, 'appid'),
    nickname: optionalString(fields.nickname, 'nickname'),
    funcInfo: parseFuncInfo(fields.func_info),
  };
  if (push !== undefined) options.push = push;
  return options;
}

const bodyObject = (request: SimRequest): Record<string, unknown> => {
  const body = request.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body) || body === null) throw new SimControlError(400, 'body must be a JSON object');
  return body as Record<string, unknown>;
};

/** Control answers: JSON `{error}` with the SimControlError's status. */
export async function control(run: () => SimResponse | Promise<SimResponse>): Promise<SimResponse> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SimControlError) return json({ error: error.message }, error.status);
    throw error;
  }
}

/**
 * WeChat's authorization pages (PC `componentloginpage`, mobile `bindcomponent`): where the
 * real one shows a QR code for the owner to scan, the simulator shows a form that plays the
 * owner — pick a name (and optionally an existing appid) and confirm.
 */
function authorizationPage(state: SimState, query: Record<string, string>): SimResponse {
  const { component_appid: componentAppId, pre_auth_code: preAuthCode, redirect_uri: redirectUri } = query;
  if (componentAppId !== state.options.component.appId) return htmlPage(400, 'Invalid request', 'component_appid is not a registered third-party platform.');
  if (!preAuthCode || !redirectUri) return htmlPage(400, 'Invalid request', 'pre_auth_code and redirect_uri are required.');
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body =
    `<!doctype html><html><head><meta charset="utf-8"><title>Authorize a third-party platform</title></head>` +
    `<body style="font-family:sans-serif;max-width:30rem;margin:3rem auto"><h1>Authorize the platform (simulated WeChat)</h1>` +
    `<p>As the owner of a mini program, confirm to let platform <b>${escape(componentAppId)}</b> manage it.</p>` +
    `<form method="get" action="/sim/authorize">` +
    `<input type="hidden" name="pre_auth_code" value="${escape(preAuthCode)}"><input type="hidden" name="redirect_uri" value="${escape(redirectUri)}">` +
    `<p><label>Mini program name <input name="nickname" value="Demo mini program"></label></p>` +
    `<p><label>Existing appid (optional) <input name="appid" placeholder="wx… (new one when empty)"></label></p>` +
    `<p><button type="submit">Authorize</button></p></form></body></html>`;
  return { status: 200, contentType: 'text/html; charset=utf-8', body };
}

export function merchantConsoleModule(merchant: MerchantConsole, state: SimState): SimModule {
  return {
    routes: {
      'GET /cgi-bin/componentloginpage': ({ query }) => authorizationPage(state, query),
      'GET /wxaopen/safe/bindcomponent': ({ query }) => authorizationPage(state, query),
      /** What the owner's browser sees: a redirect to the platform, or an error page. */
      'GET /sim/authorize': async (request) => {
        try {
          const result = await merchant.authorize(authorizeOptions(request.query));
          return { status: 302, contentType: 'text/html; charset=utf-8', headers: { location: result.location }, body: '' };
        } catch (error) {
          if (error instanceof SimControlError) return htmlPage(error.status, 'Authorization failed', error.message);
          throw error;
        }
      },
      'POST /sim/authorize': (request) =>
        control(async () => {
          const { appId, authCode, expiresIn, location, infoType } = await merchant.authorize(authorizeOptions(bodyObject(request)));
          return json({ appId, authCode, expiresIn, location, infoType });
        }),
      'GET /sim/authorizers': () => json(merchant.listAuthorizers()),
      'POST /sim/authorizers/seed': (request) =>
        control(() => {
          const body = bodyObject(request);
          const funcInfo = parseFuncInfo(body.func_info);
          // created_via_api: seed them as fast-registered (checkwxverifynickname works for them).
          const createdViaApi = body.created_via_api === true;
          return json(merchant.seedAuthorizers(Number(body.count), { ...(funcInfo ? { funcInfo } : {}), ...(createdViaApi ? { createdViaApi } : {}) }));
        }),
      'POST /sim/authorizers/:appId/revoke': ({ params }) =>
        control(async () => {
          await merchant.revoke(params.appId!);
          return json({ appId: params.appId, status: 'revoked' });
        }),
      'POST /sim/authorizers/:appId/permissions': (request) =>
        control(async () => {
          const funcInfo = parseFuncInfo(bodyObject(request).func_info);
          if (!funcInfo) throw new SimControlError(400, 'func_info is required');
          const { authCode, expiresIn } = await merchant.changePermissions(request.params.appId!, funcInfo);
          return json({ appId: request.params.appId, authCode, expiresIn, funcInfo });
        }),
      'POST /sim/authorizers/:appId/invalidate-tokens': ({ params }) =>
        control(() => {
          merchant.invalidateAccessTokens(params.appId!);
          return json({ appId: params.appId });
        }),
      'POST /sim/authorizers/:appId/invalidate-refresh-token': ({ params }) =>
        control(() => json({ appId: params.appId, refreshToken: merchant.replaceRefreshToken(params.appId!) })),
      /** Latency of WeChat API answers for a running simulator, e.g. a benchmark against `npm start`. */
      'POST /sim/latency': (request) =>
        control(() => {
          const latencyMs = bodyObject(request).latencyMs;
          if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) throw new SimControlError(400, 'latencyMs must be a number >= 0');
          state.latencyMs = latencyMs;
          return json({ latencyMs });
        }),
    },
  };
}
