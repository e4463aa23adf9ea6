import axios, { type AxiosInstance, isAxiosError } from 'axios';
import * as z from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { logger } from '../logger';
import { METRIC } from '../observability/metric-names';
import { emitDimensionedCount } from '../observability/metrics';
import { useEnglishZodMessages } from '../zod-messages';
import type { TokenKind, WeChatEndpoint } from './catalogue';
import { SYSTEM_BUSY_ERRCODE, WeChatApiError, WeChatTransportError } from './errors';

/**
 * A credential of one kind (the component's or an authorizer's). Which query name carries it is
 * the endpoint's business (the catalogue's), not the token's: the component token travels as
 * `component_access_token` on the component APIs but as `access_token` on the template APIs.
 */
export interface AccessTokenProvider {
  readonly kind: TokenKind;
  getToken(): Promise<string>;
  /** Drops `staleToken` if it is still the stored one (compare-and-expire), so the next `getToken` refreshes. */
  invalidate(staleToken: string): Promise<void>;
}

export interface WeChatClientOptions {
  baseURL: string;
  timeoutMs: number;
  /** Attempts after the first for `-1` (system busy) and refused or failed connections. */
  maxRetries?: number;
  /** First backoff; doubles each retry, with jitter. */
  backoffBaseMs?: number;
}

export interface CallOptions<S extends $ZodType> {
  query?: Record<string, string | number>;
  body?: unknown;
  /** A file to send as multipart/form-data instead of a JSON body. */
  file?: { field: string; filename: string; contentType: string; data: Buffer };
  token?: AccessTokenProvider;
  /** How the answer is validated: a schema of either zod build (component.ts: zod/mini, weapp.ts: classic). */
  schema: S;
}

/** An image WeChat answered with (mini-program codes, trial QR codes). */
export interface WeChatImage {
  contentType: string;
  data: Buffer;
}

/** Validates an image answer: image bytes, never a JSON body (WeChat's error form). */
export const ImageAnswer = z.custom<WeChatImage>((value) => typeof value === 'object' && value !== null && 'data' in value && Buffer.isBuffer((value as WeChatImage).data));

const ErrorFields = z.looseObject({ errcode: z.optional(z.number()), errmsg: z.optional(z.string()) });

// zod/mini: the client loads with the callbacks' first authorization event, and in functions
// that load no classic zod its shape errors would have no English messages otherwise.
useEnglishZodMessages();

const RETRYABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']);

/**
 * The one HTTP client for WeChat: maps `errcode` to `WeChatApiError`, retries `-1` with
 * backoff, and on an invalid-token answer drops the token, refreshes once and retries once.
 */
export class WeChatClient {
  private readonly http: AxiosInstance;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;

  constructor(options: WeChatClientOptions) {
    this.http = axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      validateStatus: () => true,
      // WeChat sometimes labels JSON as text/plain; parse by hand.
      responseType: 'arraybuffer',
      transitional: { clarifyTimeoutError: true },
      maxRedirects: 0,
    });
    this.maxRetries = options.maxRetries ?? 3;
    this.backoffBaseMs = options.backoffBaseMs ?? 200;
  }

  /** Calls a catalogued WeChat API and returns its answer validated by `schema`. */
  async call<S extends $ZodType>(endpoint: WeChatEndpoint, options: CallOptions<S>): Promise<z.infer<S>> {
    const { token } = options;
    // A token of the wrong kind, or a missing one, is a programming error: WeChat would answer
    // 40001/41001 and the refresh-and-retry below would only repeat it.
    if (endpoint.token?.kind !== token?.kind) {
      throw new Error(`${endpoint.path} takes ${endpoint.token ? `the ${endpoint.token.kind} token` : 'no token'}, not ${token ? `the ${token.kind} token` : 'none'}`);
    }
    const api = endpoint.path;
    const tokenValue = token ? await token.getToken() : undefined;
    try {
      return await this.callWithRetries(endpoint, options, tokenValue);
    } catch (error) {
      if (!(token && tokenValue && error instanceof WeChatApiError && error.isInvalidToken)) throw error;
      logger.warn('WeChat rejected the access token; refreshing once', { api, errcode: error.errcode });
      await token.invalidate(tokenValue);
      return this.callWithRetries(endpoint, options, await token.getToken());
    }
  }

  private async callWithRetries<S extends $ZodType>(
    endpoint: WeChatEndpoint,
    options: CallOptions<S>,
    tokenValue: string | undefined,
  ): Promise<z.infer<S>> {
    const api = endpoint.path;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(endpoint, options, tokenValue);
      } catch (error) {
        const retryable =
          (error instanceof WeChatApiError && error.errcode === SYSTEM_BUSY_ERRCODE) ||
          (error instanceof WeChatTransportError && error.retryable);
        if (!retryable || attempt >= this.maxRetries) throw error;
        const delayMs = this.backoffBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
        logger.info('retrying WeChat call', { api, attempt: attempt + 1, delayMs: Math.round(delayMs) });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async once<S extends $ZodType>(endpoint: WeChatEndpoint, options: CallOptions<S>, tokenValue: string | undefined): Promise<z.infer<S>> {
    const started = Date.now();
    // Until WeChat's answer is read: no answer at all is a network failure.
    const outcome: { errcode: CallErrcode } = { errcode: 'network' };
    try {
      return await this.request(endpoint, options, tokenValue, outcome);
    } finally {
      recordCall(endpoint.path, outcome.errcode, Date.now() - started);
    }
  }

  private async request<S extends $ZodType>(
    { path: api, method, token: tokenSpec }: WeChatEndpoint,
    { query, body, file, schema }: CallOptions<S>,
    tokenValue: string | undefined,
    outcome: { errcode: CallErrcode },
  ): Promise<z.infer<S>> {
    const params: Record<string, string | number> = { ...query };
    if (tokenSpec && tokenValue) params[tokenSpec.param] = tokenValue;
    let response;
    try {
      response = await this.http.request<ArrayBuffer>({
        url: api,
        method,
        params,
        ...(method === 'POST' ? (file ? { data: multipart(file) } : { data: body ?? {}, headers: { 'Content-Type': 'application/json' } }) : {}),
      });
    } catch (error) {
      throw toTransportError(api, error);
    }
    outcome.errcode = 'http';
    if (response.status >= 500) {
      throw new WeChatTransportError(api, `HTTP ${response.status}`, true);
    }
    if (response.status !== 200) {
      throw new WeChatTransportError(api, `HTTP ${response.status}`, false);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    const wantsImage = (schema as $ZodType) === ImageAnswer;
    const bytes = Buffer.from(response.data);
    let json: unknown;
    if (wantsImage && contentType.startsWith('image/')) {
      outcome.errcode = 0;
      return { contentType: contentType.split(';')[0]!, data: bytes } satisfies WeChatImage as z.infer<S>;
    }
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new WeChatTransportError(api, wantsImage ? `expected an image, got ${contentType || 'no content type'}` : 'answer is not JSON', false);
    }
    const errorFields = z.safeParse(ErrorFields, json);
    const errcode = errorFields.success ? (errorFields.data.errcode ?? 0) : 0;
    outcome.errcode = errcode;
    if (errcode !== 0) {
      const { errcode: _c, errmsg: _m, ...details } = (errorFields.data ?? {}) as Record<string, unknown>;
      throw new WeChatApiError(api, errcode, errorFields.data?.errmsg ?? '', Object.keys(details).length ? details : undefined);
    }
    // An image API that answers JSON, even without an errcode, did not produce the image.
    if (wantsImage) throw new WeChatTransportError(api, 'expected an image, got JSON', false);
    const parsed = z.safeParse(schema, json);
    if (!parsed.success) {
      throw new WeChatTransportError(api, `answer does not match the expected shape: ${z.prettifyError(parsed.error)}`, false);
    }
    return parsed.data;
  }
}

/** WeChat's errcode (0 when it succeeded), or why there was none: a non-200 or unreadable answer, or no answer. */
type CallErrcode = number | 'http' | 'network';

/**
 * One log line and one WeChatCalls count per HTTP request to WeChat, retries included.
 * Only the path is recorded: the access token travels in the query and must never be.
 */
function recordCall(api: string, errcode: CallErrcode, durationMs: number): void {
  const path = api.split('?', 1)[0]!;
  if (errcode === 0) logger.info('WeChat call', { api: path, errcode, durationMs });
  else logger.warn('WeChat call failed', { api: path, errcode, durationMs });
  emitDimensionedCount(METRIC.wechatCalls, { Api: path, Errcode: String(errcode) });
}

function multipart(file: NonNullable<CallOptions<$ZodType>['file']>): FormData {
  const form = new FormData();
  form.append(file.field, new Blob([file.data], { type: file.contentType }), file.filename);
  return form;
}

function toTransportError(api: string, error: unknown): WeChatTransportError {
  if (isAxiosError(error)) {
    const code = error.code ?? 'unknown';
    // A timeout may have reached WeChat: not retried here, the caller's workflow decides.
    return new WeChatTransportError(api, `request failed (${code})`, RETRYABLE_NETWORK_CODES.has(code));
  }
  return new WeChatTransportError(api, 'request failed', false);
}
