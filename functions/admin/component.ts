import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../lib/config';
import { httpErrorHandler } from '../lib/http/error-handler';
import { json, type HttpResponse } from '../lib/http/responses';
import { platformStores } from '../lib/platform';

/** `GET /admin/component`: when the ticket arrived and when the token expires; never their values. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(httpErrorHandler())
  .handler(async () => {
    const appId = config().WECHAT_COMPONENT_APPID;
    const { tickets, componentTokens } = platformStores();
    const [ticket, token] = await Promise.all([tickets.get(appId), componentTokens.get(appId)]);
    return json(200, {
      appId,
      ticket: ticket ? { receivedAt: ticket.receivedAt } : null,
      token: token ? { expiresAt: new Date(token.expiresAt).toISOString() } : null,
    });
  });
