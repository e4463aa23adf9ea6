import type { Stores } from './platform';
import { AUTHORIZER_STATUSES, type AuthorizerStatus } from './store/authorizer-store';
import type { AuditRecord } from './store/audit-store';
import type { ReleaseRecord } from './store/release-store';

export interface FleetOverview {
  authorizers: { total: number; byStatus: Record<AuthorizerStatus, number> };
  releases: { running: number; recent: ReleaseRecord[] };
  recentAudits: AuditRecord[];
}

const RECENT_RELEASES = 5;
const RECENT_AUDITS = 20;

/**
 * What an operator's dashboard shows at a glance: how many apps are in each authorization
 * state, which releases run, and the fleet's latest audit outcomes. Queries only (COUNT per
 * status, one page of releases and audits, the running releases' markers), so it stays cheap
 * at any fleet size.
 */
export async function fleetOverview(stores: Stores, componentAppId: string): Promise<FleetOverview> {
  const [counts, recent, running, recentAudits] = await Promise.all([
    Promise.all(AUTHORIZER_STATUSES.map(async (status) => [status, await stores.authorizers.countByStatus(componentAppId, status)] as const)),
    stores.releases.list(RECENT_RELEASES),
    stores.releases.running(),
    stores.audits.recent(RECENT_AUDITS),
  ]);
  const byStatus = Object.fromEntries(counts) as Record<AuthorizerStatus, number>;
  return {
    authorizers: { total: counts.reduce((n, [, c]) => n + c, 0), byStatus },
    releases: { running: running.length, recent },
    recentAudits,
  };
}
