import type { Context } from 'aws-lambda';
import { createLimiter, mapSettledBefore } from '../lib/concurrency';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { METRIC } from '../lib/observability/metric-names';
import { addCount, addGauge } from '../lib/observability/metrics';
import { observeInvocation } from '../lib/observability/invocation';
import { authorizerAccessTokens, componentAccessToken, componentAuthApi } from '../lib/composition/component-services';
import { authorizerProfileStore } from '../lib/composition/stores/authorizer-profile';
import { authorizerTokenStore } from '../lib/composition/stores/authorizer-token';
import { componentTokenStore } from '../lib/composition/stores/component-token';
import { refresherStatusStore } from '../lib/composition/stores/refresher-status';
import { releaseStore } from '../lib/composition/stores/release';
import { verifyTicketStore } from '../lib/composition/stores/verify-ticket';
import { enableTokenKey } from '../lib/composition/token-key';
import type { Stores } from '../lib/platform';
import { componentCredentials } from '../lib/wechat/component-credentials';
import type { RefresherRun } from '../lib/store/refresher-status-store';
import { AUTHORIZER_REFRESH_AHEAD_MS } from '../lib/tokens/authorizer-access-token';
import { REFRESH_AHEAD_MS, TICKET_LIFETIME_MS } from '../lib/tokens/component-access-token';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

export type RefreshSummary = RefresherRun;

/**
 * Time kept back from the Lambda timeout: no refresh starts later than this before it, so the
 * ones in flight (each bounded by the WeChat client's timeout) and the run's record finish.
 */
export const REFRESH_FINISH_MARGIN_MS = 30_000;

/**
 * Scheduled (EventBridge every 5 minutes in AWS, a timer locally). Keeps every token valid
 * before anyone needs it: asks WeChat for a ticket when none is fresh, renews the component
 * token under 20 minutes left, and renews authorizer tokens expiring within 30 minutes —
 * found through the expiry index, refreshed at bounded concurrency. Records how it went.
 */
export const handler = async (_event?: unknown, context?: Context): Promise<RefreshSummary> =>
  observeInvocation(context, {}, () => refreshTokens(context ? Date.now() + context.getRemainingTimeInMillis() - REFRESH_FINISH_MARGIN_MS : Number.POSITIVE_INFINITY));

/**
 * One run, starting no refresh after `startBefore` (epoch ms). A fleet too large for one
 * invocation is split across runs by design: the expiry index yields the soonest-expiring
 * tokens first, and what is left stays due for the next run five minutes later, well inside
 * the 30 minutes a token is refreshed ahead of its expiry.
 */
async function refreshTokens(startBefore: number): Promise<RefreshSummary> {
  const started = Date.now();
  const credentials = await componentCredentials();
  const [authApi, componentToken, authorizerTokenService] = await Promise.all([componentAuthApi(credentials), componentAccessToken(credentials), authorizerAccessTokens(credentials)]);
  const [tickets, componentTokens, authorizers, authorizerTokens, refresher, releases] = [verifyTicketStore(), componentTokenStore(), authorizerProfileStore(), authorizerTokenStore(), refresherStatusStore(), releaseStore()];
  const componentAppId = credentials.appId;
  const run: RefresherRun = {
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    outcome: 'ok',
    ticket: 'fresh',
    // Until the component token is known to be good.
    component: 'failed',
    authorizers: { due: 0, refreshed: 0, repaired: 0, failed: 0, reauthorizationRequired: 0, unauthorized: 0, deferred: 0 },
  };

  let ticketCreatedMs: number | undefined;
  let componentTokenExpiresAt: number | undefined;
  try {
    const ticket = await tickets.get(componentAppId);
    ticketCreatedMs = ticket ? ticket.createTime * 1000 : undefined;
    run.ticket = !ticket ? 'missing' : started - ticket.createTime * 1000 > TICKET_LIFETIME_MS ? 'stale' : 'fresh';
    if (run.ticket !== 'fresh') {
      logger.warn('no fresh verify ticket; asking WeChat to push one', { componentAppId, ticket: run.ticket });
      await authApi.startPushTicket().catch((error: unknown) => logger.error('api_start_push_ticket failed', { message: (error as Error).message }));
    }
    if (run.ticket === 'missing') {
      run.component = 'no_ticket';
    } else {
      const token = await componentToken.ensureFresh(REFRESH_AHEAD_MS);
      run.component = token.refreshed ? 'refreshed' : 'fresh';
      componentTokenExpiresAt = token.expiresAt;

      const due = await authorizerTokens.tokensExpiringBefore(componentAppId, Date.now() + AUTHORIZER_REFRESH_AHEAD_MS);
      run.authorizers.due = due.length;
      // REFRESH_CONCURRENCY bounds the WeChat calls in flight. Twice as many refreshes run, so
      // one refresh's lease and write to DynamoDB overlap another's wait on WeChat.
      const concurrency = config().REFRESH_CONCURRENCY;
      const wechatSlots = createLimiter(concurrency);
      const results = await mapSettledBefore(due, concurrency * 2, startBefore, (token) => authorizerTokenService.refreshDue(token, wechatSlots));
      for (const result of results) {
        if (result === undefined) run.authorizers.deferred!++;
        else if (result.status === 'rejected') {
          run.authorizers.failed++;
          logger.error('authorizer token refresh failed', { message: (result.reason as Error).message });
        } else if (result.value === 'refreshed') run.authorizers.refreshed++;
        else if (result.value === 'repaired') run.authorizers.repaired++;
        else if (result.value === 'reauthorization_required') run.authorizers.reauthorizationRequired++;
        else if (result.value === 'unauthorized') run.authorizers.unauthorized++;
      }
      if (run.authorizers.failed > 0) run.outcome = 'partial';
    }
  } catch (error) {
    run.outcome = 'failed';
    run.error = (error as Error).message;
    logger.error('token refresher failed', { message: run.error });
  }
  run.durationMs = Date.now() - started;
  await recordSignals(run, { ticketCreatedMs, componentTokenExpiresAt }, componentAppId, { componentTokens, authorizers, releases });
  await refresher.save(componentAppId, run);
  // Every 5 minutes in AWS (every few seconds locally): quiet unless something happened.
  const eventful = run.outcome !== 'ok' || run.component !== 'fresh' || run.authorizers.due > 0 || run.ticket !== 'fresh';
  (eventful ? logger.info.bind(logger) : logger.debug.bind(logger))('token refresher finished', { ...run.authorizers, outcome: run.outcome, component: run.component, ticket: run.ticket, durationMs: run.durationMs });
  return run;
}

/**
 * The gauges and counts the alarms read, on every run (zeros included, so a silent refresher
 * shows as missing data). When this run did not get the component token, its expiry is read
 * back from the store, so it is reported even when the refresh failed.
 */
async function recordSignals(
  run: RefresherRun,
  known: { ticketCreatedMs: number | undefined; componentTokenExpiresAt: number | undefined },
  componentAppId: string,
  stores: Pick<Stores, 'componentTokens' | 'authorizers' | 'releases'>,
): Promise<void> {
  const now = Date.now();
  if (known.ticketCreatedMs !== undefined) addGauge(METRIC.ticketAge, Math.round((now - known.ticketCreatedMs) / 1000), 'Seconds');
  addCount(METRIC.authorizerRefreshOk, run.authorizers.refreshed + run.authorizers.repaired);
  addCount(METRIC.authorizerRefreshFailed, run.authorizers.failed);
  try {
    const [componentTokenExpiresAt, reauthorizationRequired, running] = await Promise.all([
      known.componentTokenExpiresAt ?? stores.componentTokens.getTimes(componentAppId).then((token) => token?.expiresAt),
      stores.authorizers.countByStatus(componentAppId, 'reauthorization_required'),
      stores.releases.running(),
    ]);
    if (componentTokenExpiresAt !== undefined) addGauge(METRIC.componentTokenSecondsToExpiry, Math.round((componentTokenExpiresAt - now) / 1000), 'Seconds');
    addGauge(METRIC.authorizersNeedingReauthorization, reauthorizationRequired, 'Count');
    const oldestMs = Math.min(now, ...running.map((release) => Date.parse(release.createdAt)));
    addGauge(METRIC.oldestRunningReleaseAge, Math.round((now - oldestMs) / 1000), 'Seconds');
  } catch (error) {
    logger.warn('refresher gauges not read', { message: (error as Error).message });
  }
}
