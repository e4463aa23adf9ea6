import { config } from '../lib/config';
import { implement } from '../lib/http/api-route';
import { callerRole } from '../lib/http/roles';
import { serveRoutes } from '../lib/http/serve-routes';
import { auditStore } from '../lib/composition/stores/audit';
import { auditTrailStore } from '../lib/composition/stores/audit-trail';
import { authorizerProfileStore } from '../lib/composition/stores/authorizer-profile';
import { componentTokenStore } from '../lib/composition/stores/component-token';
import { refresherStatusStore } from '../lib/composition/stores/refresher-status';
import { releaseStore } from '../lib/composition/stores/release';
import { verifyTicketStore } from '../lib/composition/stores/verify-ticket';
import { TICKET_LIFETIME_MS } from '../lib/tokens/component-access-token';
import { checkHealth } from '../lib/health';
import { fleetOverview } from '../lib/overview';
import { PLATFORM_ROUTES as R } from './contract';

/**
 * The platform's read-only views. `GET /admin/audit-log`: the admin audit trail.
 * `GET /admin/component`: when the ticket arrived (and whether WeChat still accepts it), when
 * the token expires, and how the scheduled refresher's last run went; never secret values.
 */
export const handler = serveRoutes([
  // serveRoutes has already refused a caller in no role group.
  implement(R.getMe, async ({ event }) => ({ role: callerRole(event)! })),
  implement(R.getHealth, async () => checkHealth(
      { tickets: verifyTicketStore(), componentTokens: componentTokenStore(), refresher: refresherStatusStore(), authorizers: authorizerProfileStore(), releases: releaseStore() },
      config().WECHAT_COMPONENT_APPID,
    ),
  ),
  implement(R.getOverview, async () => fleetOverview({ authorizers: authorizerProfileStore(), releases: releaseStore(), audits: auditStore() }, config().WECHAT_COMPONENT_APPID)),
  implement(R.getAuditLog, async ({ query }) => auditTrailStore().list(query)),
  implement(R.getComponent, async () => {
    const appId = config().WECHAT_COMPONENT_APPID;
    const [ticket, token, lastRun] = await Promise.all([verifyTicketStore().get(appId), componentTokenStore().getTimes(appId), refresherStatusStore().get(appId)]);
    const now = Date.now();
    return {
      appId,
      ticket: ticket ? { receivedAt: ticket.receivedAt, state: now - ticket.createTime * 1000 > TICKET_LIFETIME_MS ? ('stale' as const) : ('fresh' as const) } : null,
      token: token && token.expiresAt > 0 ? { expiresAt: new Date(token.expiresAt).toISOString() } : null,
      refresher: lastRun ?? null,
    };
  }),
]);
