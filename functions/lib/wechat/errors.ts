import { AppError } from '../errors';

/** Meanings of the errcodes the platform reacts to; the rest pass through with WeChat's errmsg. */
export const ERRCODE_MEANINGS: Readonly<Record<number, string>> = {
  [-1]: 'WeChat system busy',
  40001: 'invalid credential (access token)',
  40013: 'invalid appid',
  40014: 'invalid access token',
  40125: 'invalid appsecret',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access token expired',
  45009: 'daily API quota reached',
  45011: 'API called too frequently',
  48001: 'API not authorized (permission set missing)',
  61003: 'component is not authorized by this account',
  61004: 'caller IP is not on the platform whitelist',
  61005: 'component verify ticket expired',
  61006: 'component verify ticket invalid',
  61010: 'authorization code expired or already used',
  61023: 'refresh token invalid',
  61024: 'authorization code does not belong to this component',
};

/** errcodes meaning the authorizer's refresh token can no longer be used. */
export const REFRESH_TOKEN_DEAD_ERRCODES: ReadonlySet<number> = new Set([61023]);
/** errcodes meaning the authorizer no longer authorizes this component. */
export const AUTHORIZATION_GONE_ERRCODES: ReadonlySet<number> = new Set([61003]);

/** errcodes after which the token used must be dropped and the call retried once. */
export const INVALID_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
export const SYSTEM_BUSY_ERRCODE = -1;

/** WeChat answered with a non-zero `errcode`. */
export class WeChatApiError extends AppError {
  readonly statusCode = 502;
  readonly code = 'wechat_error';
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${api}: errcode ${errcode} (${ERRCODE_MEANINGS[errcode] ?? errmsg})`);
  }

  get isInvalidToken(): boolean {
    return INVALID_TOKEN_ERRCODES.has(this.errcode);
  }
}

/**
 * WeChat could not be reached or answered outside its protocol (HTTP error, timeout, body
 * that fails the schema). The message never contains the URL: its query holds the token.
 */
export class WeChatTransportError extends AppError {
  readonly statusCode = 502;
  readonly code = 'wechat_unavailable';
  constructor(
    readonly api: string,
    readonly reason: string,
    /** True when retrying cannot duplicate an effect (the request never reached WeChat, or it was refused). */
    readonly retryable: boolean,
  ) {
    super(`${api}: ${reason}`);
  }
}
