import { config } from '../lib/config';
import { NotFoundError } from '../lib/errors';
import { implement } from '../lib/http/api-route';
import { serveRoutes } from '../lib/http/serve-routes';
import { authorizerProfileStore } from '../lib/composition/stores/authorizer-profile';
import { enableTokenKey } from '../lib/composition/token-key';
import { PLATFORM_ROUTES as R } from './contract';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

// The console lists and opens authorizers all day; refreshing a token or syncing with WeChat is
// a rare click, so the WeChat client, token services and Powertools load on the first one.
const authorizerAccessTokens = async () => (await import('../lib/composition/component-services')).authorizerAccessTokens();
const authorizationService = async () => (await import('../lib/composition/authorization')).authorizationService();

/** The authorizer registry's admin routes, in one function (they share the same dependencies). */
export const handler = serveRoutes([
  implement(R.listAuthorizers, async ({ query }) => authorizerProfileStore().list(config().WECHAT_COMPONENT_APPID, query)),
  implement(R.getAuthorizer, async ({ params }) => {
    const detail = await authorizerProfileStore().getDetail(params.appId);
    if (!detail) throw new NotFoundError(`no authorizer ${params.appId}`);
    return { ...detail.profile, token: detail.token, history: detail.history };
  }),
  implement(R.refreshAuthorizerToken, async ({ params }) => {
    const token = await (await authorizerAccessTokens()).forceRefresh(params.appId);
    return { appId: params.appId, expiresAt: new Date(token.expiresAt).toISOString(), outcome: token.outcome };
  }),
  implement(R.syncAuthorizers, async () => (await authorizationService()).sync()),
]);
