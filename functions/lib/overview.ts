import type { Stores } from './platform';
import { AUTHORIZER_STATUSES, type AuthorizerStatus } from './store/authorizer-profile-store';
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
 * state, which releases run, and the fleet's latest audit outcomes. Queries only, no scans;
 * but a COUNT query is billed for every index entry it counts, so one load reads the whole
 * authorizer index (about 1 read unit per 8 KB of it). Meant for a page an operator opens,
 * not for a tight poll: `GET /admin/health` is the one to poll.
 */
export async function fleetOverview(stores: Pick<Stores, 'authorizers' | 'releases' | 'audits'>, componentAppId: string): Promise<FleetOverview> {
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
