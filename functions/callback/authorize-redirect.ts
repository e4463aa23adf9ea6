import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { config } from '../lib/config';
import { BadRequestError } from '../lib/errors';
import { htmlErrorHandler, page } from '../lib/http/html';
import type { HttpResponse } from '../lib/http/responses';
import { observeHttpInvocation } from '../lib/observability/invocation';
import { authorizationService } from '../lib/composition/authorization';
import { enableTokenKey } from '../lib/composition/token-key';
import { WeChatApiError } from '../lib/wechat/errors';
import { ERR } from '../lib/wechat/errcodes';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

/**
 * WeChat documents no format for the authorization code; every one it issues reads
 * `queryauthcode@@@` and 86 base64url characters. Checking the length and alphabet (not the
 * undocumented prefix) refuses junk before it costs an api_query_auth call.
 */
const AUTH_CODE = /^[A-Za-z0-9@_-]{16,256}$/;

const RedirectQuery = z.object({
  auth_code: z.string().check(z.regex(AUTH_CODE)),
  expires_in: z.optional(z.coerce.number().check(z.int())),
});

/**
 * `GET /wechat/authorize/callback`: where WeChat sends the merchant after they confirm.
 * Exchanges the code (once, shared with the `authorized` push) and shows the result.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(observeHttpInvocation())
  .use(
    htmlErrorHandler((error) => {
      if (error instanceof WeChatApiError && error.errcode === ERR.AUTH_CODE_EXPIRED) {
        return { title: 'This authorization link has expired', message: 'The authorization code was already used or has expired. Ask your platform operator for a new authorization link.' };
      }
      if (error instanceof BadRequestError) return { title: 'Not a valid authorization', message: error.message };
      return undefined;
    }),
  )
  .handler(async (event, context) => {
    const query = RedirectQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) throw new BadRequestError('this address is only meant to be opened by WeChat after an authorization (auth_code missing or not one WeChat issues)');
    const authorization = await authorizationService();
    const result = await authorization.completeAuthorization(query.data.auth_code, { source: 'redirect' }, { context, wait: true });
    const successUrl = config().AUTH_SUCCESS_URL;
    if (successUrl) {
      const target = new URL(successUrl);
      target.searchParams.set('appid', result.appId);
      return { statusCode: 302, headers: { location: target.toString(), 'cache-control': 'no-store' }, body: '' };
    }
    return page(200, 'Authorization complete', `${result.nickname || result.appId} (${result.appId}) is now managed by the platform. You can close this page.`);
  });
