import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { BadRequestError } from '../lib/errors';
import { httpErrorHandler } from '../lib/http/error-handler';
import { text, type HttpResponse } from '../lib/http/responses';
import { onceRecord } from '../lib/idempotency';
import { logger } from '../lib/logger';
import { observeHttpInvocation } from '../lib/observability/invocation';
import { countPushReceived, countPushRejections } from '../lib/observability/push-signals';
import { platformStores, pushCrypto } from '../lib/platform';
import { AuthorizerPushBase } from '../lib/wechat/authorizer-push';
import { openPush } from '../lib/wechat/push';
import { requirePushForApp } from '../lib/wechat/push-recipient';
import { recordAuditPush } from '../lib/release/steps';

const PathParams = z.object({ appId: z.string().check(z.regex(/^wx[0-9a-f]{16}$/i)) });

const AUDIT_EVENTS = new Set(['weapp_audit_success', 'weapp_audit_fail', 'weapp_audit_delay']);

/**
 * `POST /wechat/authorizers/{appId}/events`: the message-event URL (WeChat replaces `$APPID$`).
 * Same crypto as the authorization events; each push takes effect once however often it comes.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(observeHttpInvocation())
  .use(countPushRejections())
  .use(httpErrorHandler())
  .handler(async (event) => {
    const path = PathParams.safeParse(event.pathParameters ?? {});
    if (!path.success) throw new BadRequestError('the path must name a WeChat AppID', 'invalid_app_id');
    const push = AuthorizerPushBase.safeParse(openPush(event, await pushCrypto()));
    if (!push.success) throw new BadRequestError('push lacks ToUserName, CreateTime or MsgType', 'malformed_push');
    countPushReceived(push.data.MsgType === 'event' && push.data.Event ? push.data.Event : push.data.MsgType);
    if (push.data.MsgType === 'event' && push.data.Event && AUDIT_EVENTS.has(push.data.Event)) {
      // Keyed on the decrypted push as Powertools keyed it, so records of either kind match.
      const once = onceRecord('authorizer-push', { appId: path.data.appId, push: push.data });
      const { audits, releases, authorizers } = platformStores();
      // Only pushes that change something are checked: the others are logged and dropped anyway.
      await requirePushForApp(path.data.appId, push.data.ToUserName, authorizers);
      await recordAuditPush(path.data.appId, push.data, once, audits, releases);
    } else {
      logger.info('unhandled authorizer push', { authorizerAppId: path.data.appId, msgType: push.data.MsgType, pushEvent: push.data.Event });
    }
    return text(200, 'success');
  });
