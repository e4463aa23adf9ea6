import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors';
import { routeKey, type ApiRoute, type Implemented, type RouteInput } from './api-route';
import { callerRole, roleIncludes, type Role } from './roles';
import { MAX_ADMIN_BODY_BYTES, parseJsonBody, readBody } from './body';
import { observeHttpInvocation } from '../observability/invocation';
import { auditTrailStore } from '../composition/stores/audit-trail';
import type { AuditTrailStore } from '../store/audit-trail-store';
import { recordAdminActions } from './audit-trail';
import { httpErrorHandler } from './error-handler';
import { json, type HttpResponse } from './responses';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * A Lambda handler serving several routes: check the caller's role → validate → run → answer,
 * errors as `{ code, message }`; every answered request that is not a GET is then recorded in
 * the audit trail (the platform's, unless a test passes another).
 */
export function serveRoutes(routes: Implemented[], { auditTrail = auditTrailStore }: { auditTrail?: () => AuditTrailStore } = {}) {
  const byKey = new Map(routes.map((r) => [routeKey(r.spec), r]));
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(observeHttpInvocation())
    .use(recordAdminActions(auditTrail))
    .use(httpErrorHandler())
    .handler(async (event, context) => {
      const implemented = byKey.get(event.routeKey);
      if (!implemented) throw new NotFoundError(`no route ${event.routeKey}`);
      const { spec } = implemented;
      requireRole(event, spec.role, routeKey(spec));
      const params = parsePart(spec.params, event.pathParameters ?? {}, 'path');
      const query = parsePart(spec.query, event.queryStringParameters ?? {}, 'query');
      const maxBytes = spec.maxBodyBytes ?? MAX_ADMIN_BODY_BYTES;
      const body = spec.body ? (spec.multipart && isMultipart(event) ? spec.body.parse(await parseMultipart(event, maxBytes)) : parseJsonBody(event, spec.body, maxBytes)) : undefined;
      const result = await implemented.run({ params, query, body, event, context } as RouteInput<ApiRoute>);
      if (spec.response === 'image') {
        const image = result as { contentType: string; data: Buffer };
        return { statusCode: 200, headers: { 'content-type': image.contentType, 'cache-control': 'no-store' }, body: image.data.toString('base64'), isBase64Encoded: true };
      }
      return json(spec.status ?? 200, (spec.response as z.ZodType).parse(result));
    });
}

/**
 * 403 `forbidden` unless the caller's role (from the JWT's `cognito:groups`) includes `needed`.
 * `serveRoutes` checks each route's contract role; a handler calls it again for a stricter
 * check that depends on the body (a fleet-wide release).
 */
export function requireRole(event: APIGatewayProxyEventV2, needed: Role, action: string): void {
  const held = callerRole(event);
  if (roleIncludes(held, needed)) return;
  throw new ForbiddenError(
    held
      ? `${action} needs the ${needed} role; you are ${held === 'viewer' ? 'a' : 'an'} ${held}`
      : `${action} needs the ${needed} role; you are in no role group (viewer, operator or admin)`,
  );
}

function parsePart(schema: AnyObject | undefined, value: Record<string, string | undefined>, where: string): Record<string, unknown> {
  if (!schema) return {};
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(`${where} ${issue?.path.join('.') || ''}: ${issue?.message ?? 'invalid'}`.trim(), 'invalid_request');
  }
  return parsed.data;
}

function isMultipart(event: APIGatewayProxyEventV2): boolean {
  return /^multipart\/form-data/i.test(event.headers?.['content-type'] ?? '');
}

/**
 * multipart/form-data into the same shape the JSON body has: files become base64 strings,
 * so one schema validates both. Node's fetch `Request` parses it; no parser of our own.
 */
async function parseMultipart(event: APIGatewayProxyEventV2, maxBytes: number): Promise<Record<string, string>> {
  const raw = readBody(event, maxBytes);
  const bytes = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(raw, 'utf8');
  let form: FormData;
  try {
    form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': event.headers['content-type']! }, body: bytes }).formData();
  } catch {
    throw new BadRequestError('body is not valid multipart/form-data', 'invalid_multipart');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    fields[name] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer()).toString('base64');
  }
  return fields;
}
