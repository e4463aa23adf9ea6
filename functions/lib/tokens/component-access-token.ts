import type { AccessTokenProvider } from '../wechat/client';
import type { ComponentAuthApi } from '../wechat/component';
import type { ComponentTokenStore, StoredComponentToken } from '../store/component-token-store';
import type { VerifyTicketStore } from '../store/verify-ticket-store';
import { NotReadyError } from '../errors';
import { logger } from '../logger';
import { getWithLeasedRefresh } from './leased-refresh';

/** `getComponentAccessToken()` returns a stored token only with more than this left. */
export const MIN_REMAINING_ON_USE_MS = 10 * 60 * 1000;
/** The scheduled refresher renews a token once less than this remains. */
export const REFRESH_AHEAD_MS = 20 * 60 * 1000;
/** Longer than a WeChat call with its retries; a dead holder's lease runs out after this. */
export const REFRESH_LEASE_MS = 30_000;
/** How long this process trusts its in-memory copy of the token before reading it again. */
export const CACHE_RECHECK_MS = 60_000;
/** A verify ticket older than this is no longer accepted by WeChat. */
export const TICKET_LIFETIME_MS = 12 * 3600 * 1000;

export interface ComponentAccessTokenDeps {
  componentAppId: string;
  tokens: ComponentTokenStore;
  tickets: VerifyTicketStore;
  authApi: ComponentAuthApi;
  now?: () => number;
  pollMs?: number;
}

/**
 * The platform's `component_access_token`: one per component appid, shared by every caller
 * through DynamoDB, refreshed from the newest verify ticket by one instance at a time.
 */
export class ComponentAccessToken implements AccessTokenProvider {
  readonly kind = 'component' as const;
  private readonly now: () => number;
  /**
   * The last token this process saw. Every authorizer API call needs the component token, so
   * re-reading it from DynamoDB each time would double the table traffic of a fleet refresh.
   */
  private cached: { token: StoredComponentToken; recheckAt: number } | undefined;

  constructor(private readonly deps: ComponentAccessTokenDeps) {
    this.now = deps.now ?? Date.now;
  }

  getToken(): Promise<string> {
    return this.getComponentAccessToken();
  }

  /** A stored token with more than 10 minutes left, or a freshly obtained one. */
  async getComponentAccessToken(): Promise<string> {
    const now = this.now();
    if (this.cached && now < this.cached.recheckAt && this.cached.token.expiresAt - now > MIN_REMAINING_ON_USE_MS) return this.cached.token.token;
    return (await this.ensureFresh(MIN_REMAINING_ON_USE_MS)).token;
  }

  /** Refreshes when less than `minRemainingMs` is left; returns the token in force afterwards. */
  async ensureFresh(minRemainingMs: number): Promise<StoredComponentToken & { refreshed: boolean }> {
    const { componentAppId, tokens } = this.deps;
    let refreshed = false;
    const token = await getWithLeasedRefresh<StoredComponentToken>(
      {
        read: () => tokens.get(componentAppId),
        isFresh: (t) => t.expiresAt - this.now() > minRemainingMs,
        acquire: () => tokens.acquireLease(componentAppId, REFRESH_LEASE_MS, this.now()),
        refresh: async () => {
          refreshed = true;
          return this.refreshUnderLease();
        },
        release: () => tokens.releaseLease(componentAppId),
      },
      { maxWaitMs: REFRESH_LEASE_MS + 5000, pollMs: this.deps.pollMs ?? 100 },
    );
    // Re-read at least every minute, so a token replaced by another instance is picked up.
    this.cached = { token, recheckAt: this.now() + CACHE_RECHECK_MS };
    return { ...token, refreshed };
  }

  private async refreshUnderLease(): Promise<StoredComponentToken> {
    const { componentAppId } = this.deps;
    const ticket = await this.deps.tickets.get(componentAppId);
    if (!ticket) throw new NotReadyError('no component_verify_ticket has been pushed yet', 'no_verify_ticket');
    const obtainedAt = this.now();
    const answer = await this.deps.authApi.requestComponentAccessToken(ticket.ticket);
    const value = { token: answer.component_access_token, expiresAt: obtainedAt + answer.expires_in * 1000, obtainedAt };
    if (!(await this.deps.tokens.completeRefresh(componentAppId, value))) {
      logger.warn('component token lease ran out before the refresh finished', { componentAppId });
    }
    logger.info('component access token refreshed', { componentAppId, expiresAt: new Date(value.expiresAt).toISOString() });
    return value;
  }

  /** Drops the token WeChat rejected so the next caller refreshes (compare-and-expire). */
  async invalidate(staleToken: string): Promise<void> {
    if (this.cached?.token.token === staleToken) this.cached = undefined;
    await this.deps.tokens.expireIfCurrent(this.deps.componentAppId, staleToken);
  }
}
