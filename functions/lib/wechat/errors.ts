import { AppError } from '../errors';
import { ERR } from './errcodes';

/** Meanings of the errcodes the platform reacts to; the rest pass through with WeChat's errmsg. */
export const ERRCODE_MEANINGS: Readonly<Record<number, string>> = {
  [-1]: 'WeChat system busy',
  40001: 'invalid credential (access token)',
  40013: 'invalid appid',
  40014: 'invalid access token',
  40125: 'invalid appsecret',
  41033: 'only mini programs created through the API (fast registration) may call this',
  53010: 'the name format is invalid',
  53205: 'the crop box must run from the top left (x1, y1) to the bottom right (x2, y2)',
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
  61039: 'WeChat is still scanning the committed code for privacy compliance; retry in a minute',
  61040: 'the code failed the privacy check; see details for the APIs that need authorization or configuration',
  85001: 'WeChat id does not exist or cannot be searched',
  // WeChat's docs (and the simulator): 85002 is this app's tester limit, 85003 means the
  // WeChat id is already a tester of too many mini programs; our reference had them swapped.
  85002: 'the mini program has reached its tester limit',
  85003: 'this WeChat id is a tester of too many mini programs',
  85004: 'already a tester',
  85009: 'an audit is already running',
  85013: 'invalid custom fields in ext_json',
  85014: 'template not found',
  85017: 'domain is not registered on the platform',
  85019: 'no version has passed audit',
  85020: 'the audit state does not allow release',
  85052: 'this version is already released',
  85085: 'too many audit submissions recently (quota)',
  85086: 'no code has been committed',
  86001: 'no code has been committed by the platform',
  85079: 'no version is online yet: WeChat gray-releases only over a live version, so release this app in full first',
  85080: 'the submitted version has not passed audit',
  85081: 'invalid gray percentage (an integer 0–100; 0 only with support_experiencer_first or support_debuger_first)',
  85082: 'the gray percentage must be higher than the current one',
  86002: 'the mini program profile is incomplete',
  87011: 'a staged (gray) release is running',
  87012: 'this version cannot be reverted',
  87013: 'undo-audit quota reached (5 a day, 10 a month)',
  89019: 'web-view domains unchanged',
  89401: 'WeChat is unstable; retry the speed-up later',
  89402: 'the audit is not in the audit queue',
  89403: 'this kind of audit cannot be sped up',
  89404: 'this audit was already sped up',
  89405: 'no speed-ups left this month',
  89020: 'no web-view domains set yet',
  89021: 'not a platform business domain or a sub-domain of one',
  89231: 'personal mini programs cannot set web-view domains',
  86004: 'invalid WeChat id',
  86069: 'owner_setting is missing a required field (notice_method, or every contact)',
  86070: 'owner_setting.notice_method is missing',
  86071: 'invalid privacy_ver',
  86072: 'invalid store_expire_timestamp (a number of days, e.g. "30天")',
  86073: 'invalid ext_file_media_id',
  86074: 'no live privacy guide yet: set the development version (privacy_ver 2) and release it first',
  86075: 'the live privacy guide\'s ext_file_media_id cannot be changed',
  61070: 'the legal person\'s name does not match the WeChat id',
  // Fast registration (fastregisterenterpriseweapp); 89247 is also WeChat's answer to a code
  // that is not an 18-character unified social credit code.
  89247: 'WeChat internal error during fast registration (or the code is not an 18-character credit code)',
  89249: 'this company already has a registration task running; retry once it has ended',
  89250: 'no such registration task',
  89253: 'a required field is missing',
};

/** errcodes meaning the authorizer's refresh token can no longer be used. */
export const REFRESH_TOKEN_DEAD_ERRCODES: ReadonlySet<number> = new Set([ERR.REFRESH_TOKEN_INVALID]);
/** errcodes meaning the authorizer no longer authorizes this component. */
export const AUTHORIZATION_GONE_ERRCODES: ReadonlySet<number> = new Set([ERR.COMPONENT_NOT_AUTHORIZED]);

/** errcodes after which the token used must be dropped and the call retried once. */
export const INVALID_TOKEN_ERRCODES: ReadonlySet<number> = new Set([ERR.INVALID_CREDENTIAL, ERR.INVALID_ACCESS_TOKEN, ERR.ACCESS_TOKEN_EXPIRED]);
export const SYSTEM_BUSY_ERRCODE = ERR.SYSTEM_BUSY;

/**
 * HTTP status for a WeChat errcode surfaced to an admin caller: 400 when the request was
 * wrong, 409 when the app's state does not allow it yet, 429 for WeChat's own quotas, 502
 * when WeChat (or the platform's standing with it) failed. Unlisted codes are 502.
 */
const ERRCODE_STATUS: Readonly<Record<number, 400 | 409 | 429>> = {
  // the caller's request
  40005: 400, 40007: 400, 40009: 400, 40013: 400, 40097: 400, 40159: 400, 40169: 400, 41030: 400,
  47001: 400, 61010: 400, 61040: 400, 85001: 400, 85002: 409, 85003: 400, 85004: 409, 85301: 400,
  85006: 400, 85007: 400, 85008: 400, 85012: 400, 85013: 400, 85014: 400, 85015: 400, 85016: 400,
  85017: 400, 85018: 400, 85043: 400, 85044: 400, 85045: 400, 85046: 400, 85047: 400, 85048: 400,
  85064: 400, 85065: 409, 85077: 400, 86004: 400, 89019: 400, 89020: 409, 89021: 400, 89029: 400,
  89231: 400, 89248: 400, 89249: 409, 61070: 400, 91001: 400, 91010: 400, 91011: 400, 40004: 400, 41005: 400,
  53010: 400, 53204: 400, 53205: 400, 89250: 400, 89251: 409, 89253: 400, 89255: 400, 85022: 400, 85023: 400, 85081: 400, 85084: 400,
  86069: 400, 86070: 400, 86071: 400, 86072: 400, 86073: 400, 86075: 400,
  // the app's state
  61039: 409, 85009: 409, 85019: 409, 85020: 409, 85052: 409, 85086: 409, 86002: 409, 87011: 409,
  87012: 409, 86074: 409, 89000: 409, 61003: 409, 48001: 409, 86001: 409, 85021: 409, 85079: 409, 85080: 409, 85082: 409,
  89402: 409, 89403: 409, 89404: 409,
  // WeChat's quotas
  89405: 429, 45009: 429, 45011: 429, 45029: 429, 85085: 429, 87013: 429, 91018: 429, 53200: 429, 53202: 429,
};

/** WeChat answered with a non-zero `errcode`; surfaces as `{ code: "WECHAT_<errcode>", message }`. */
export class WeChatApiError extends AppError {
  override readonly name: string = 'WeChatApiError';
  readonly statusCode: number;
  readonly code: string;
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
    /** Extra fields of WeChat's answer (e.g. the findings of a failed privacy check). */
    readonly details?: Record<string, unknown>,
  ) {
    super(`${api}: errcode ${errcode} (${ERRCODE_MEANINGS[errcode] ?? errmsg})`);
    this.code = `WECHAT_${errcode}`;
    this.statusCode = ERRCODE_STATUS[errcode] ?? 502;
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
  override readonly name: string = 'WeChatTransportError';
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
