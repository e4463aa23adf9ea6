import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { z } from 'zod';
import { bearerToken } from '../auth/session';
import { t } from '../i18n';
import { errcodeOf, explainWeChat } from '../i18n/errcodes';
import { formatTime } from '../i18n/format';
import type { paths } from './schema';

type AdminApi = Client<paths>;

const ErrorBodySchema = z.object({
  code: z.string().optional(),
  message: z.string(),
  resetsAt: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** An admin API refusal (`{ code, message }`) or a transport failure, readable as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly resetsAt?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let client: AdminApi | undefined;
let onUnauthorized: () => void = () => undefined;

/** Called once at start with the runtime config; every page uses `api()` afterwards. */
export function configureApi(apiBaseUrl: string, unauthorized: () => void): void {
  onUnauthorized = unauthorized;
  client = createClient<paths>({ baseUrl: apiBaseUrl || window.location.origin });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = bearerToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
  client.use(auth);
}

export function api(): AdminApi {
  if (!client) throw new Error('the admin API client is not configured yet');
  return client;
}

/** The data of a successful call, or an ApiError carrying the API's code and message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) return result.data as T;
  const parsed = ErrorBodySchema.safeParse(result.error);
  if (parsed.success) {
    const { code, message, resetsAt, details } = parsed.data;
    throw new ApiError(result.response.status, code ?? `http_${result.response.status}`, message, resetsAt, details);
  }
  throw new ApiError(result.response.status, `http_${result.response.status}`, result.response.statusText || 'request failed');
}

/**
 * What to show an operator for any failure, in the console's language. A WeChat refusal
 * (`WECHAT_<errcode>`) shows its code, what it means and what to do next; other refusals show
 * the API's message and code.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const resets = error.resetsAt ? ` — ${t('errors.resets', { at: formatTime(error.resetsAt) })}` : '';
    const errcode = errcodeOf(error.code);
    const explained = errcode === undefined ? undefined : explainWeChat(errcode);
    if (errcode !== undefined && explained) return `${describeWeChatRefusal(errcode, explained)}${resets}`;
    return `${error.message} (${error.code})${resets}`;
  }
  if (error instanceof TypeError) return t('errors.unreachable', { reason: error.message });
  return error instanceof Error ? error.message : String(error);
}

/** "WeChat refused (errcode 85085): … Next: …", for toasts, alerts and release rows alike. */
export function describeWeChatRefusal(errcode: number, explained: { meaning: string; next: string }): string {
  return `${t('errors.wechat', { code: errcode, meaning: explained.meaning })} ${t('errors.nextStep', { next: explained.next })}`;
}

/** An image answer (QR codes, mini-program codes) as an object URL for an <img>. */
export async function imageUrl(result: Promise<{ data?: Blob; error?: unknown; response: Response }>): Promise<string> {
  return URL.createObjectURL(unwrap(await result));
}
