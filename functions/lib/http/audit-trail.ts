import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../logger';
import { METRIC } from '../observability/metric-names';
import { addCount } from '../observability/metrics';
import type { AuditTrailRecord, AuditTrailStore } from '../store/audit-trail-store';
import { callerIdentity, callerRole } from './roles';
import type { HttpResponse } from './responses';

/**
 * How long an answer may wait for its audit record. A DynamoDB write takes milliseconds;
 * past this the SDK is retrying a throttled or unreachable table, and the caller should not
 * wait for that.
 */
export const AUDIT_WRITE_TIMEOUT_MS = 1000;

/** Methods that change nothing; every other admin request is recorded. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every mutating admin request once, after it has been answered — successes, 403s
 * and 400s alike — in the audit trail. Used after the observability middlewares and before
 * the error handler, so it sees the answer the error handler made and its metric is flushed
 * with the invocation's.
 *
 * A failed write does not fail the request: the change has already been made, so an error
 * would only make the caller retry an action that took place (a second release). The failure
 * is logged at error level with the whole record (so the log keeps it), counted
 * (AuditTrailWriteFailures, which alarms), and bounded by AUDIT_WRITE_TIMEOUT_MS.
 */
export function recordAdminActions(trail: () => AuditTrailStore): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  const record = async (request: Request<APIGatewayProxyEventV2, HttpResponse>): Promise<void> => {
    const { event } = request;
    if (READ_METHODS.has(methodOf(event))) return;
    const entry = auditRecordOf(event, request.response ?? undefined, request.context.awsRequestId);
    try {
      await trail().record(entry, { abortSignal: AbortSignal.timeout(AUDIT_WRITE_TIMEOUT_MS) });
    } catch (error) {
      logger.error('audit trail write failed', { record: entry, errorName: (error as Error)?.name, message: (error as Error)?.message });
      addCount(METRIC.auditTrailWriteFailures);
    }
  };
  return { after: record, onError: record };
}

function methodOf(event: APIGatewayProxyEventV2): string {
  return (event.requestContext?.http?.method ?? event.routeKey.split(' ')[0] ?? '').toUpperCase();
}

/**
 * The record of one answered request. The app and release come from the path; a new
 * release's id, which the path cannot name, from the answer. Bodies are never recorded:
 * they carry payment keys and certificates.
 */
export function auditRecordOf(event: APIGatewayProxyEventV2, response: HttpResponse | undefined, fallbackRequestId: string): AuditTrailRecord {
  const { sub, username } = callerIdentity(event);
  const role = callerRole(event);
  const { appId, releaseId, ...params } = event.pathParameters ?? {};
  const status = response?.statusCode ?? 500;
  const answer = jsonObject(response);
  const createdReleaseId = !releaseId && status < 300 && typeof answer?.releaseId === 'string' ? answer.releaseId : undefined;
  const otherParams = Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const context = event.requestContext;
  return {
    at: new Date(context?.timeEpoch ?? Date.now()).toISOString(),
    requestId: context?.requestId || fallbackRequestId,
    actor: username ?? sub ?? 'unknown',
    ...(sub ? { actorSub: sub } : {}),
    ...(role ? { role } : {}),
    method: methodOf(event),
    route: event.routeKey,
    ...(appId ? { appId } : {}),
    ...((releaseId ?? createdReleaseId) ? { releaseId: releaseId ?? createdReleaseId } : {}),
    ...(Object.keys(otherParams).length ? { params: otherParams } : {}),
    status,
    ...(status >= 400 ? { errorCode: typeof answer?.code === 'string' ? answer.code : 'unknown' } : {}),
    ...(context?.http?.sourceIp ? { sourceIp: context.http.sourceIp } : {}),
  };
}

function jsonObject(response: HttpResponse | undefined): Record<string, unknown> | undefined {
  if (!response?.body || response.isBase64Encoded) return undefined;
  try {
    const parsed: unknown = JSON.parse(response.body);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
