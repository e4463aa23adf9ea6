import { NotFoundError } from '../lib/errors';
import { implement } from '../lib/http/api-route';
import { serveRoutes } from '../lib/http/serve-routes';
import { registrationStore } from '../lib/composition/stores/registration';
import { enableTokenKey } from '../lib/composition/token-key';
import { REGISTRATION_ROUTES as R } from './registrations-contract';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

// Listing and opening registrations reads the table only; the calls to WeChat (create, query)
// load the WeChat client, registration service and Powertools on first use.
const registrationService = async () => (await import('../lib/composition/authorization')).registrationService();

/** `/admin/registrations…`: fast registration of enterprise mini programs (`fastregisterenterpriseweapp`). */
export const handler = serveRoutes([
  implement(R.createRegistration, async ({ body }) => (await registrationService()).create(body)),
  implement(R.listRegistrations, async ({ query }) => ({ registrations: await registrationStore().list(query.limit) })),
  implement(R.getRegistration, async ({ params }) => {
    const record = await registrationStore().get(params.registrationId);
    if (!record) throw new NotFoundError(`no registration ${params.registrationId}`);
    return record;
  }),
  implement(R.queryRegistration, async ({ params }) => (await registrationService()).query(params.registrationId)),
]);
