import { config } from './config';
import { ALARM_THRESHOLD_SECONDS } from './observability/metric-names';
import type { Stores } from './platform';
import type { ReleaseRecord } from './store/release-store';
import { TICKET_LIFETIME_MS } from './tokens/component-access-token';

export type HealthStatus = 'ok' | 'degraded' | 'failing';

export interface HealthPart {
  status: HealthStatus;
  reason?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: HealthStatus;
  checkedAt: string;
  parts: Record<'ticket' | 'componentToken' | 'refresher' | 'authorizers' | 'releases', HealthPart>;
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, failing: 2 };
const COMPONENT_TOKEN_MIN_MS = ALARM_THRESHOLD_SECONDS.componentTokenExpiry * 1000;

/**
 * The platform's health in one document, for polling every minute: a handful of item reads
 * and index queries, no scans. Each non-ok part says why, so the silent failures (the
 * ticket stops arriving, a refresh token dies, the refresher stops) are loud.
 */
export async function checkHealth(stores: Pick<Stores, 'tickets' | 'componentTokens' | 'refresher' | 'authorizers' | 'releases'>, componentAppId: string, now = Date.now()): Promise<HealthReport> {
  const env = config();
  const [ticket, token, run, reauth, running] = await Promise.all([
    stores.tickets.get(componentAppId),
    stores.componentTokens.getTimes(componentAppId),
    stores.refresher.get(componentAppId),
    stores.authorizers.countByStatus(componentAppId, 'reauthorization_required'),
    stores.releases.running(),
  ]);

  const ticketAgeSeconds = ticket ? Math.round((now - Date.parse(ticket.receivedAt)) / 1000) : undefined;
  const ticketPart: HealthPart =
    !ticket || ticketAgeSeconds === undefined
      ? { status: 'failing', reason: 'no component_verify_ticket has ever arrived: check the authorization event URL' }
      : now - ticket.createTime * 1000 > TICKET_LIFETIME_MS
        ? { status: 'failing', reason: 'the newest verify ticket is older than 12 hours: WeChat no longer accepts it', ageSeconds: ticketAgeSeconds }
        : ticketAgeSeconds > env.HEALTH_TICKET_MAX_AGE_SECONDS
          ? { status: 'degraded', reason: `no verify ticket for ${ticketAgeSeconds} s (WeChat pushes one every 10 minutes)`, ageSeconds: ticketAgeSeconds }
          : { status: 'ok', ageSeconds: ticketAgeSeconds };

  const secondsLeft = token ? Math.round((token.expiresAt - now) / 1000) : undefined;
  const tokenPart: HealthPart =
    !token || secondsLeft === undefined || secondsLeft <= 0
      ? { status: 'failing', reason: 'no valid component_access_token' }
      : token.expiresAt - now < COMPONENT_TOKEN_MIN_MS
        ? { status: 'degraded', reason: `component_access_token expires in ${secondsLeft} s`, secondsToExpiry: secondsLeft }
        : { status: 'ok', secondsToExpiry: secondsLeft };

  const runAgeSeconds = run ? Math.round((now - Date.parse(run.startedAt)) / 1000) : undefined;
  const refresherPart: HealthPart =
    !run || runAgeSeconds === undefined
      ? { status: 'degraded', reason: 'the token refresher has not run yet' }
      : run.outcome === 'failed'
        ? { status: 'failing', reason: `the last refresher run failed: ${run.error ?? 'unknown error'}`, lastRun: run }
        : runAgeSeconds > env.HEALTH_REFRESHER_MAX_AGE_SECONDS
          ? { status: 'degraded', reason: `the refresher last ran ${runAgeSeconds} s ago`, lastRun: run }
          : run.outcome === 'partial'
            ? { status: 'degraded', reason: `${run.authorizers.failed} authorizer refreshes failed in the last run`, lastRun: run }
            : { status: 'ok', lastRun: run };

  const authorizersPart: HealthPart = reauth > 0 ? { status: 'degraded', reason: `${reauth} authorizer(s) must authorize the platform again`, reauthorizationRequired: reauth } : { status: 'ok', reauthorizationRequired: 0 };
  const releaseSummary = { running: running.length, failedTargetsInRunning: running.reduce((n, r) => n + r.counts.failed, 0) };
  const stalled = running
    .map((r) => ({ release: r, ageSeconds: Math.round((now - Date.parse(r.createdAt)) / 1000) }))
    .filter(({ ageSeconds }) => ageSeconds > env.HEALTH_RELEASE_MAX_AGE_SECONDS)
    .sort((a, b) => b.ageSeconds - a.ageSeconds);
  const releasesPart: HealthPart = stalled[0]
    ? { status: 'degraded', reason: stalledReason(stalled[0].release, stalled[0].ageSeconds, stalled.length), ...releaseSummary, stalled: stalled.map(({ release }) => release.releaseId) }
    : { status: 'ok', ...releaseSummary };

  const parts = { ticket: ticketPart, componentToken: tokenPart, refresher: refresherPart, authorizers: authorizersPart, releases: releasesPart };
  const status = Object.values(parts).reduce<HealthStatus>((worst, part) => (RANK[part.status] > RANK[worst] ? part.status : worst), 'ok');
  return { status, checkedAt: new Date(now).toISOString(), parts };
}

/** Where a long-running release waits, so the reason says what to do: approve, complete a gray rollout, chase an audit, or wait for quota. */
function stalledReason(release: ReleaseRecord, ageSeconds: number, count: number): string {
  const waiting = [
    [release.counts.audit_submitted, 'in audit'],
    [release.counts.held, 'held for approval'],
    [release.counts.gray_released ?? 0, 'gray-released (widen or complete the rollout)'],
    [release.counts.waiting_quota, 'waiting for audit quota'],
  ] as const;
  const where = waiting.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(', ');
  const others = count > 1 ? ` (${count - 1} more release(s) as old)` : '';
  return `release ${release.releaseId} has run for ${Math.round(ageSeconds / 3600)} h${where ? `: ${where}` : ''}${others}`;
}
