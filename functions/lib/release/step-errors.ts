import { WeChatApiError, WeChatTransportError } from '../wechat/errors';
import { ERR } from '../wechat/errcodes';

/** WeChat's answers that mean "try again later"; the state machine retries these with backoff. */
const RETRYABLE_ERRCODES = new Set<number>([ERR.SYSTEM_BUSY, ERR.TOO_FREQUENT]);

/** The error name the state machine's Retry matches (statemachines/release-definition.ts). */
export class WeChatRetryableError extends Error {
  override readonly name = 'WeChatRetryableError';
}

export const PRIVACY_GUIDE_REFUSED = 'PrivacyGuideRefused';
/** WeChat refused the release's privacy guide for this app; the failure names the privacy step. */
export class PrivacyGuideRefusedError extends Error {
  override readonly name = PRIVACY_GUIDE_REFUSED;
}

export const isRetryable = (error: WeChatApiError): boolean => RETRYABLE_ERRCODES.has(error.errcode);

/** Step Functions hands the Catch `{ Error, Cause }`; Cause is Lambda's `{ errorType, errorMessage }`. */
export function describeFailure(error: { Error?: string; Cause?: string } | undefined): { reason: string; errcode?: number } {
  let message = error?.Cause ?? error?.Error ?? 'unknown failure';
  try {
    const cause = JSON.parse(error?.Cause ?? '') as { errorMessage?: string; errorType?: string };
    if (cause.errorMessage) message = cause.errorMessage;
  } catch {
    // Cause was not JSON: keep it as it is.
  }
  const errcode = /errcode (-?\d+)/.exec(message)?.[1];
  return { reason: `${error?.Error ?? 'Error'}: ${message}`.slice(0, 1000), ...(errcode ? { errcode: Number(errcode) } : {}) };
}

/** Turns WeChat's "try later" answers into the error name the state machine retries. */
export function classify(error: unknown): unknown {
  if (error instanceof WeChatApiError && isRetryable(error)) return new WeChatRetryableError(error.message);
  if (error instanceof WeChatTransportError && error.retryable) return new WeChatRetryableError(error.message);
  return error;
}
