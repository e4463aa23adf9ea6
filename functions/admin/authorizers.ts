import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { config } from '../lib/config';
import { BadRequestError, NotFoundError } from '../lib/errors';
import { httpErrorHandler } from '../lib/http/error-handler';
import { json, type HttpResponse } from '../lib/http/responses';
import { componentServices, platformStores } from '../lib/platform';
import { AUTHORIZER_STATUSES } from '../lib/store/authorizer-store';

const ListQuery = z
  .object({
    status: z.enum(AUTHORIZER_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

const AppId = z.string().regex(/^wx[0-9a-f]{16}$/i, 'appId must be a WeChat AppID (wx + 16 hex digits)');

function appIdFrom(event: APIGatewayProxyEventV2): string {
  const parsed = AppId.safeParse(event.pathParameters?.appId);
  if (!parsed.success) throw new BadRequestError(parsed.error.issues[0]?.message ?? 'invalid appId', 'invalid_app_id');
  return parsed.data;
}

type Route = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** The authorizer registry's admin routes, in one function (they share the same dependencies). */
const ROUTES: Record<string, Route> = {
  'GET /admin/authorizers': async (event) => {
    const query = ListQuery.parse(event.queryStringParameters ?? {});
    const page = await platformStores().authorizers.list(config().WECHAT_COMPONENT_APPID, query);
    return json(200, page);
  },
  'GET /admin/authorizers/{appId}': async (event) => {
    const appId = appIdFrom(event);
    const detail = await platformStores().authorizers.getDetail(appId);
    if (!detail) throw new NotFoundError(`no authorizer ${appId}`);
    return json(200, { ...detail.profile, token: detail.token, history: detail.history });
  },
  'POST /admin/authorizers/{appId}/token:refresh': async (event) => {
    const appId = appIdFrom(event);
    const { authorizerTokens } = await componentServices();
    const token = await authorizerTokens.forceRefresh(appId);
    return json(200, { appId, expiresAt: new Date(token.expiresAt).toISOString(), outcome: token.outcome });
  },
  'POST /admin/authorizers:sync': async () => {
    const { authorization } = await componentServices();
    return json(200, await authorization.sync());
  },
};

export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(httpErrorHandler())
  .handler(async (event) => {
    const route = ROUTES[event.routeKey];
    if (!route) throw new NotFoundError(`no route ${event.routeKey}`);
    return route(event);
  });
