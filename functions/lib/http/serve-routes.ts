import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { BadRequestError, NotFoundError } from '../errors';
import { routeKey, type ApiRoute, type Implemented, type RouteInput } from './api-route';
import { parseJsonBody } from './body';
import { httpErrorHandler } from './error-handler';
import { json, type HttpResponse } from './responses';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** A Lambda handler serving several routes: validate → run → answer, errors as `{ code, message }`. */
export function serveRoutes(routes: Implemented[]) {
  const byKey = new Map(routes.map((r) => [routeKey(r.spec), r]));
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(httpErrorHandler())
    .handler(async (event, context) => {
      const implemented = byKey.get(event.routeKey);
      if (!implemented) throw new NotFoundError(`no route ${event.routeKey}`);
      const { spec } = implemented;
      const params = parsePart(spec.params, event.pathParameters ?? {}, 'path');
      const query = parsePart(spec.query, event.queryStringParameters ?? {}, 'query');
      const body = spec.body ? parseJsonBody(event, spec.body) : undefined;
      const result = await implemented.run({ params, query, body, event, context } as RouteInput<ApiRoute>);
      if (spec.response === 'image') {
        const image = result as { contentType: string; data: Buffer };
        return { statusCode: 200, headers: { 'content-type': image.contentType, 'cache-control': 'no-store' }, body: image.data.toString('base64'), isBase64Encoded: true };
      }
      return json(spec.status ?? 200, (spec.response as z.ZodType).parse(result));
    });
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
