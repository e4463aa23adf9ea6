import { implement } from '../lib/http/api-route';
import { serveRoutes } from '../lib/http/serve-routes';
import { authorizationService } from '../lib/composition/authorization';
import { componentAuthApi } from '../lib/composition/component-services';
import { enableTokenKey } from '../lib/composition/token-key';
import { PLATFORM_ROUTES as R } from './contract';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

/**
 * `POST /admin/authorizations`: a new pre_auth_code as PC and mobile authorization links.
 * `POST /admin/component/ticket:push` lives here too: it needs the component secret, as links do.
 */
export const handler = serveRoutes([
  implement(R.createAuthorization, async ({ body }) => (await authorizationService()).createAuthorizationLinks(body)),
  implement(R.pushTicket, async () => {
    await (await componentAuthApi()).startPushTicket();
    return { requestedAt: new Date().toISOString() };
  }),
]);
