import { config } from '../lib/config';
import { implement } from '../lib/http/api-route';
import { callerRole } from '../lib/http/roles';
import { serveRoutes } from '../lib/http/serve-routes';
import { platformStores } from '../lib/platform';
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
  implement(R.getHealth, async () => checkHealth(platformStores(), config().WECHAT_COMPONENT_APPID)),
  implement(R.getOverview, async () => fleetOverview(platformStores(), config().WECHAT_COMPONENT_APPID)),
  implement(R.getAuditLog, async ({ query }) => platformStores().auditTrail.list(query)),
  implement(R.getComponent, async () => {
    const appId = config().WECHAT_COMPONENT_APPID;
    const { tickets, componentTokens, refresher } = platformStores();
    const [ticket, token, lastRun] = await Promise.all([tickets.get(appId), componentTokens.getTimes(appId), refresher.get(appId)]);
    const now = Date.now();
    return {
      appId,
      ticket: ticket ? { receivedAt: ticket.receivedAt, state: now - ticket.createTime * 1000 > TICKET_LIFETIME_MS ? ('stale' as const) : ('fresh' as const) } : null,
      token: token && token.expiresAt > 0 ? { expiresAt: new Date(token.expiresAt).toISOString() } : null,
      refresher: lastRun ?? null,
    };
  }),
]);
