import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpErrorHandler } from '../lib/http/error-handler';
import { buildOpenApi } from '../lib/http/openapi';
import { json, type HttpResponse } from '../lib/http/responses';
import { observeHttpInvocation } from '../lib/observability/invocation';
import { ADMIN_API_ROUTES } from './routes';

let document: Record<string, unknown> | undefined;

/** `GET /openapi.json`: the admin API's contract, generated from the zod schemas. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(observeHttpInvocation())
  .use(httpErrorHandler())
  .handler(async () => {
    document ??= buildOpenApi(ADMIN_API_ROUTES, {
      title: 'weapp-fleet admin API',
      version: '1',
      description: 'Operate a fleet of WeChat mini programs through a third-party platform: authorization, basic info, domains, code, audit, release and codes.',
    });
    return json(200, document);
  });
