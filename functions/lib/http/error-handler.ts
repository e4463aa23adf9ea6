import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { $ZodError } from 'zod/v4/core';
import { AppError, QuotaExceededError } from '../errors';
import { isAlreadyInProgress } from '../in-progress-error';
import { logger } from '../logger';
import { useEnglishZodMessages } from '../zod-messages';
import { json, type HttpResponse } from './responses';

// Every HTTP function loads this module at init: zod's messages in its answers are English
// whichever zod build wrote them. (`$ZodError` is imported by name: `z.core.$ZodError` made
// esbuild keep all of zod's core, +300 KB.)
useEnglishZodMessages();

/**
 * The only place failures become HTTP answers: every error leaves as `{ code, message }`
 * with the status its class declares. Unexpected errors are logged and answered 500 without
 * detail.
 */
export function httpErrorHandler(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof AppError) {
        if (error.statusCode >= 500) logger.error(error.message, { code: error.code, errorName: error.name });
        else logger.info('request rejected', { code: error.code, status: error.statusCode, reason: error.message });
        const details = 'details' in error && error.details ? { details: error.details } : {};
        const extra = error instanceof QuotaExceededError ? { resetsAt: error.resetsAt } : {};
        request.response = json(error.statusCode, { code: error.code, message: error.message, ...extra, ...details });
        return;
      }
      if (isAlreadyInProgress(error)) {
        // The same push or code is being handled right now; WeChat delivers again later.
        request.response = json(409, { code: 'in_progress', message: 'the same request is being processed; retry later' });
        return;
      }
      // $ZodError is what both builds throw: classic's ZodError extends it, zod/mini throws it as is.
      if (error instanceof $ZodError) {
        request.response = json(400, { code: 'invalid_request', message: z.prettifyError(error) });
        return;
      }
      logger.error('unhandled error', { errorName: error?.name, message: error?.message, stack: error?.stack });
      request.response = json(500, { code: 'internal_error', message: 'internal error' });
    },
  };
}
