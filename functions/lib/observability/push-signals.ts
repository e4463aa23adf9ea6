import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { AppError, PayloadTooLargeError, SignatureError } from '../errors';
import { isAlreadyInProgress } from '../in-progress-error';
import { METRIC } from './metric-names';
import { emitDimensionedCount } from './metrics';

/** The `Reason` dimension of PushesRejected. */
export type PushRejectionReason = 'signature' | 'timestamp' | 'appid' | 'body_too_large' | 'malformed' | 'in_progress' | 'error';

const MALFORMED_CODES = new Set(['malformed_push', 'malformed_xml', 'invalid_ciphertext', 'invalid_request', 'bad_request']);
const APPID_CODES = new Set(['wrong_appid', 'invalid_app_id', 'wrong_to_user_name']);

/** Why a push was refused, from the error that refused it. */
export function pushRejectionReason(error: unknown): PushRejectionReason {
  if (error instanceof SignatureError) return error.check;
  if (error instanceof PayloadTooLargeError) return 'body_too_large';
  // WeChat delivers the same push again while the first delivery is still being handled.
  if (isAlreadyInProgress(error)) return 'in_progress';
  // Thrown by the push schemas (zod/mini) and by classic schemas alike.
  if (error instanceof $ZodError) return 'malformed';
  if (error instanceof AppError && APPID_CODES.has(error.code)) return 'appid';
  if (error instanceof AppError && MALFORMED_CODES.has(error.code)) return 'malformed';
  return 'error';
}

/** One push opened and accepted; `type` is its InfoType, Event or MsgType. */
export function countPushReceived(type: string): void {
  emitDimensionedCount(METRIC.pushesReceived, { Type: type }, { alsoUndimensioned: true });
}

/**
 * Counts every push a callback handler refused, by reason. Used after the observability
 * middlewares and before the error handler, so it sees the error the handler threw.
 */
export function countPushRejections(): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    onError: (request) => {
      emitDimensionedCount(METRIC.pushesRejected, { Reason: pushRejectionReason(request.error) }, { alsoUndimensioned: true });
    },
  };
}
