import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { BadRequestError } from '../lib/errors';
import { httpErrorHandler } from '../lib/http/error-handler';
import { text, type HttpResponse } from '../lib/http/responses';
import { logger } from '../lib/logger';
import { observeHttpInvocation } from '../lib/observability/invocation';
import { countPushReceived, countPushRejections } from '../lib/observability/push-signals';
import { pushCrypto } from '../lib/composition/push-crypto';
import { AuthorizerPushBase } from '../lib/wechat/authorizer-push';
import { openPush } from '../lib/wechat/push';

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
      // Audit outcomes come a few times per release; the code for them loads on the first.
      const { handleAuditPush } = await import('./authorizer/audit-push');
      await handleAuditPush(path.data.appId, push.data);
    } else {
      logger.info('unhandled authorizer push', { authorizerAppId: path.data.appId, msgType: push.data.MsgType, pushEvent: push.data.Event });
    }
    return text(200, 'success');
  });
