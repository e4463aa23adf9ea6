import { config } from '../lib/config';
import { NotFoundError } from '../lib/errors';
import { implement } from '../lib/http/api-route';
import { serveRoutes } from '../lib/http/serve-routes';
import { componentServices, enableTokenKey, platformStores } from '../lib/platform';
import { PLATFORM_ROUTES as R } from './contract';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

/** The authorizer registry's admin routes, in one function (they share the same dependencies). */
export const handler = serveRoutes([
  implement(R.listAuthorizers, async ({ query }) => platformStores().authorizers.list(config().WECHAT_COMPONENT_APPID, query)),
  implement(R.getAuthorizer, async ({ params }) => {
    const detail = await platformStores().authorizers.getDetail(params.appId);
    if (!detail) throw new NotFoundError(`no authorizer ${params.appId}`);
    return { ...detail.profile, token: detail.token, history: detail.history };
  }),
  implement(R.refreshAuthorizerToken, async ({ params }) => {
    const token = await (await componentServices()).authorizerTokens.forceRefresh(params.appId);
    return { appId: params.appId, expiresAt: new Date(token.expiresAt).toISOString(), outcome: token.outcome };
  }),
  implement(R.syncAuthorizers, async () => (await componentServices()).authorization.sync()),
]);
