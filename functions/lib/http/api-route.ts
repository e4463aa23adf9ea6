import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../errors';
import { parseJsonBody } from './body';
import { httpErrorHandler } from './error-handler';
import { json, type HttpResponse } from './responses';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * One admin API route as a contract: method, path and zod schemas for its parameters, query,
 * body and answer. The same contract validates requests at run time, types the handler, and
 * generates `/openapi.json`.
 */
export interface ApiRoute<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType | 'image' = z.ZodType | 'image'> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The 2xx answer: a JSON schema, or `image` for raw image bytes. */
  response: R;
  status?: number;
  /** WeChat APIs this route calls, for the documentation. */
  wechat?: string[];
}

export const route = <P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType | 'image'>(spec: ApiRoute<P, Q, B, R>) => spec;

type Parsed<T, Fallback> = [NonNullable<T>] extends [z.ZodType] ? z.infer<NonNullable<T>> : Fallback;

export interface RouteInput<S extends ApiRoute> {
  params: Parsed<S['params'], Record<string, never>>;
  query: Parsed<S['query'], Record<string, never>>;
  body: Parsed<S['body'], undefined>;
  event: APIGatewayProxyEventV2;
  context: Context;
}

/** What a handler returns: the answer's data (validated against the contract) or an image. */
export type RouteOutput<S extends ApiRoute> = [S['response']] extends [z.ZodType] ? z.input<S['response']> : { contentType: string; data: Buffer };

export interface Implemented {
  spec: ApiRoute;
  run(input: RouteInput<ApiRoute>): Promise<unknown>;
}

export function implement<S extends ApiRoute>(spec: S, run: (input: RouteInput<S>) => Promise<RouteOutput<S>>): Implemented {
  return { spec, run: run as unknown as Implemented['run'] };
}

export const routeKey = (spec: Pick<ApiRoute, 'method' | 'path'>) => `${spec.method} ${spec.path}`;

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
