import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../logger';
import { metrics } from './metrics';

/**
 * What ties one invocation's log lines together and to the rest of the platform. Keys are
 * named as everywhere else in the logs (`authorizerAppId`, `releaseId`), so a query for one
 * app finds the lines of every function that touched it.
 */
export interface CorrelationKeys {
  /** API Gateway's request id (the Lambda request id is Powertools' `function_request_id`). */
  requestId?: string;
  componentAppId?: string;
  authorizerAppId?: string;
  releaseId?: string;
  [key: string]: string | number | undefined;
}

/** Adds keys to every later log line of this invocation; undefined values are left out. */
export function appendCorrelation(keys: CorrelationKeys): void {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined && value !== ''));
  if (Object.keys(defined).length) logger.appendKeys(defined);
}

// Read raw, not through config(): functions without a table (the OpenAPI document) have no
// TABLE_NAME, and a log key must never be the reason a request fails.
function componentAppId(): string | undefined {
  return process.env.WECHAT_COMPONENT_APPID || undefined;
}

/** Route parameters name the app and the release a request is about. */
function httpCorrelation(event: APIGatewayProxyEventV2): CorrelationKeys {
  const params = event.pathParameters ?? {};
  return {
    requestId: event.requestContext?.requestId,
    componentAppId: componentAppId(),
    authorizerAppId: params.appId,
    releaseId: params.releaseId,
  };
}

/**
 * The observability middlewares of an HTTP handler, used before its error handler: Lambda
 * context and correlation keys on every log line, cleared after the invocation (also after
 * a failure, once the error handler has logged it), and metrics flushed once per invocation.
 *
 * Not Powertools' `injectLambdaContext`: each invocation it re-applies the log level the
 * Logger was built with (for debug sampling, unused here), undoing a level set at run time.
 */
export function observeHttpInvocation(): MiddlewareObj<APIGatewayProxyEventV2>[] {
  const correlation: MiddlewareObj<APIGatewayProxyEventV2> = {
    before: (request) => {
      logger.addContext(request.context);
      appendCorrelation(httpCorrelation(request.event));
    },
    after: () => logger.resetKeys(),
    onError: () => logger.resetKeys(),
  };
  return [correlation, logMetrics(metrics)];
}

/**
 * The same for handlers that are not middy chains (the state machine's task, the schedule):
 * keys on every log line of `run`, metrics flushed and keys cleared when it settles.
 */
export async function observeInvocation<T>(context: Context | undefined, keys: CorrelationKeys, run: () => Promise<T>): Promise<T> {
  if (context) logger.addContext(context);
  appendCorrelation({ componentAppId: componentAppId(), ...keys });
  try {
    return await run();
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
