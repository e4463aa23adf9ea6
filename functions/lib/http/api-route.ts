import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { Role } from './roles';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * Contracts only: no runtime dependencies, so the CDK manifest can import route contracts
 * (serving them is `serve-routes.ts`).
 *
 * One admin API route as a contract: method, path and zod schemas for its parameters, query,
 * body and answer. The same contract validates requests at run time, types the handler, and
 * generates `/openapi.json`.
 */
export interface ApiRoute<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType | 'image' = z.ZodType | 'image'> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  /** The lowest role (Cognito group) allowed to call it: enforced by `serveRoutes`, shown in `/openapi.json`. */
  role: Role;
  /** Longer text for the documentation, e.g. a check the handler makes beyond `role`. */
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The 2xx answer: a JSON schema, or `image` for raw image bytes. */
  response: R;
  status?: number;
  /** Body limit when the default (`MAX_ADMIN_BODY_BYTES`) is too small for a file the route carries. */
  maxBodyBytes?: number;
  /** Also accepts multipart/form-data: text fields as strings, files as base64 strings. */
  multipart?: boolean;
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

