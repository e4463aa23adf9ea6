import * as z from 'zod';
import type { ApiRoute } from './api-route';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

const ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable machine-readable code, e.g. invalid_request, forbidden, QUOTA_EXCEEDED or WECHAT_<errcode>' },
    message: { type: 'string' },
    resetsAt: { type: 'string', description: 'With QUOTA_EXCEEDED: when the quota window starts over' },
    details: { type: 'object', description: 'Extra fields of WeChat’s answer, e.g. privacy-check findings' },
  },
};

/**
 * OpenAPI 3.1 for the admin API, generated from the route contracts — the same zod schemas
 * that validate requests — so the document cannot drift from what the handlers accept.
 */
export function buildOpenApi(routes: readonly ApiRoute[], info: { title: string; version: string; description: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, property] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
      }
    }
    const success =
      route.response === 'image'
        ? { description: 'The image WeChat produced', content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } }
        : { description: 'OK', content: { 'application/json': { schema: toSchema(route.response, 'output') } } };
    const operation: Record<string, unknown> = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      description: [`Role: ${route.role}${route.role === 'admin' ? '' : ' or higher'}.`, route.description, route.wechat ? `WeChat: ${route.wechat.join(', ')}` : undefined].filter(Boolean).join('\n\n'),
      'x-role': route.role,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } } : {}),
      responses: {
        [String(route.status ?? 200)]: success,
        '4XX': { description: 'The request was refused; nothing changed', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '502': { description: 'WeChat failed or could not be reached', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      // OpenAPI 3.1: for a non-OAuth scheme the array lists the roles the operation needs.
      security: [{ adminAuth: [route.role] }],
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: { adminAuth: { type: 'http', scheme: 'bearer', description: 'Cognito user-pool JWT in AWS, its `cognito:groups` giving the role (viewer, operator or admin; each includes the ones before it); locally ADMIN_TOKEN, OPERATOR_TOKEN or VIEWER_TOKEN. A role too low for the operation is answered 403 `forbidden`.' } },
    },
  };
}

function operationId(route: ApiRoute): string {
  const words = `${route.method} ${route.path}`.replace(/[{}]/g, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join('');
}
