import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import type { OpenAPI3 } from 'openapi-typescript';
import { handler as openApiHandler } from '../../functions/admin/openapi';

/** Where the console keeps the admin API's types (committed, so a change of contract shows in review). */
export const API_TYPES_FILE = 'console/src/api/schema.d.ts';

/** The document `GET /openapi.json` answers, from the same handler, without a server. */
export async function servedOpenApiDocument(): Promise<OpenAPI3> {
  const event = { rawPath: '/openapi.json', headers: {}, requestContext: { http: { method: 'GET', path: '/openapi.json' } } } as unknown as APIGatewayProxyEventV2;
  const result = (await openApiHandler(event, {} as Context)) as { statusCode: number; body: string };
  if (result.statusCode !== 200) throw new Error(`GET /openapi.json answered ${result.statusCode}`);
  return JSON.parse(result.body) as OpenAPI3;
}

/** TypeScript types for openapi-fetch, rendered from the served document. */
export async function renderApiTypes(): Promise<string> {
  const ast = await openapiTS(await servedOpenApiDocument(), { alphabetize: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}
