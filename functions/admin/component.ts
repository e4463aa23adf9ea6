import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../lib/config';
import { httpErrorHandler } from '../lib/http/error-handler';
import { json, type HttpResponse } from '../lib/http/responses';
import { platformStores } from '../lib/platform';
import { TICKET_LIFETIME_MS } from '../lib/tokens/component-access-token';

/**
 * `GET /admin/component`: when the ticket arrived (and whether WeChat still accepts it), when
 * the token expires, and how the scheduled refresher's last run went; never secret values.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(httpErrorHandler())
  .handler(async () => {
    const appId = config().WECHAT_COMPONENT_APPID;
    const { tickets, componentTokens, refresher } = platformStores();
    const [ticket, token, lastRun] = await Promise.all([tickets.get(appId), componentTokens.get(appId), refresher.get(appId)]);
    const now = Date.now();
    return json(200, {
      appId,
      ticket: ticket ? { receivedAt: ticket.receivedAt, state: now - ticket.createTime * 1000 > TICKET_LIFETIME_MS ? 'stale' : 'fresh' } : null,
      token: token && token.expiresAt > 0 ? { expiresAt: new Date(token.expiresAt).toISOString() } : null,
      refresher: lastRun ?? null,
    });
  });
