import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpErrorHandler } from '../lib/http/error-handler';
import { text, type HttpResponse } from '../lib/http/responses';
import { observeHttpInvocation } from '../lib/observability/invocation';
import { countPushRejections } from '../lib/observability/push-signals';
import { pushCrypto } from '../lib/composition/push-crypto';
import { enableTokenKey } from '../lib/composition/token-key';
import { openPush } from '../lib/wechat/push';
import { routeComponentPush } from './component/router';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

/** `POST /wechat/component/events`: WeChat's authorization-event URL. Answers `success` once handled. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(observeHttpInvocation())
  .use(countPushRejections())
  .use(httpErrorHandler())
  .handler(async (event, context) => {
    const crypto = await pushCrypto();
    const push = openPush(event, crypto);
    await routeComponentPush(push, crypto.componentAppId, { context });
    return text(200, 'success');
  });
