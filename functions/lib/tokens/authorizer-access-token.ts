import { unlimited, type Limiter } from '../concurrency';
import { AppError, NotReadyError } from '../errors';
import { logger } from '../logger';
import type { AuthorizerProfileStore } from '../store/authorizer-profile-store';
import type { AuthorizerStatusStore } from '../store/authorizer-status-store';
import type { AuthorizerTokenStore, StoredAuthorizerToken } from '../store/authorizer-token-store';
import type { AccessTokenProvider } from '../wechat/client';
import type { ComponentApi } from '../wechat/component';
import { AUTHORIZATION_GONE_ERRCODES, REFRESH_TOKEN_DEAD_ERRCODES, WeChatApiError } from '../wechat/errors';
import { REFRESH_LEASE_MS } from './component-access-token';
import { getWithLeasedRefresh } from './leased-refresh';

/** `getAuthorizerAccessToken()` hands out a stored token only with more than this left. */
export const AUTHORIZER_MIN_REMAINING_ON_USE_MS = 5 * 60 * 1000;
/** The scheduled refresher renews tokens expiring within this window. */
export const AUTHORIZER_REFRESH_AHEAD_MS = 30 * 60 * 1000;

/** The authorizer cannot be called for: not authorized, or its refresh token is dead. */
export class AuthorizerUnavailableError extends AppError {
  override readonly name: string = 'AuthorizerUnavailableError';
  readonly statusCode = 409;
  readonly code = 'authorizer_unavailable';
}

/**
 * A rotated refresh token could not be repaired because every exchange lost its answer; the
 * authorization itself is fine. Transient: callers retry, the refresher counts a failure.
 */
export class RefreshTokenRepairPendingError extends NotReadyError {
  override readonly name: string = 'RefreshTokenRepairPendingError';
  constructor(message: string) {
    super(message, 'refresh_token_repair_pending');
  }
}

export interface AuthorizerAccessTokensDeps {
  componentAppId: string;
  tokens: AuthorizerTokenStore;
  profiles: Pick<AuthorizerProfileStore, 'getProfile'>;
  status: Pick<AuthorizerStatusStore, 'recordUnauthorized' | 'markReauthorizationRequired'>;
  componentApi: ComponentApi;
  now?: () => number;
  pollMs?: number;
}

/** Reads of WeChat's current refresh token per dead one; each lost answer costs one. */
const REPAIR_ATTEMPTS = 3;

export type RefreshOutcome = 'refreshed' | 'fresh' | 'repaired' | 'reauthorization_required' | 'unauthorized';

/**
 * Access tokens of every authorizer: handed out from DynamoDB while fresh, refreshed under a
 * lease with `api_authorizer_token`. A dead refresh token is first repaired from the one
 * WeChat holds (`api_get_authorizer_info`, or `api_get_authorizer_list` when the info leaves
 * it out); only if that fails is the authorizer marked
 * `reauthorization_required` and left alone.
 */
export class AuthorizerAccessTokens {
  private readonly now: () => number;

  constructor(private readonly deps: AuthorizerAccessTokensDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A token provider for one authorizer, for the WeChat client (`?access_token=`). */
  forAuthorizer(appId: string): AccessTokenProvider {
    return {
      kind: 'authorizer',
      getToken: () => this.getAuthorizerAccessToken(appId),
      invalidate: (stale) => this.deps.tokens.expireAccessTokenIfCurrent(appId, stale),
    };
  }

  /** A stored token with more than 5 minutes left, or a freshly refreshed one. */
  async getAuthorizerAccessToken(appId: string): Promise<string> {
    const token = await this.ensureFresh(appId, AUTHORIZER_MIN_REMAINING_ON_USE_MS);
    return token.accessToken;
  }

  /** Refreshes when less than `minRemainingMs` is left. */
  ensureFresh(appId: string, minRemainingMs: number): Promise<StoredAuthorizerToken & { accessToken: string; outcome: RefreshOutcome }> {
    return this.refreshUnless(appId, (t) => t.expiresAt - this.now() > minRemainingMs);
  }

  /** Refreshes now, unless another instance refreshed after this call began (its token is reused). */
  forceRefresh(appId: string): Promise<StoredAuthorizerToken & { accessToken: string; outcome: RefreshOutcome }> {
    const since = this.now();
    return this.refreshUnless(appId, (t) => (t.refreshedAt ?? 0) >= since);
  }

  private async refreshUnless(
    appId: string,
    isFresh: (token: StoredAuthorizerToken) => boolean,
    known?: StoredAuthorizerToken,
    wechatSlots: Limiter = unlimited,
  ): Promise<StoredAuthorizerToken & { accessToken: string; outcome: RefreshOutcome }> {
    let outcome: RefreshOutcome = 'fresh';
    const token = await getWithLeasedRefresh<StoredAuthorizerToken>(
      {
        read: async () => {
          const stored = await this.deps.tokens.getToken(appId);
          if (!stored) throw new AuthorizerUnavailableError(`${appId} has not authorized this platform`);
          if (stored.reauthorizationRequired) throw new AuthorizerUnavailableError(`${appId} must authorize the platform again (its refresh token was rejected)`);
          return stored;
        },
        isFresh: (t) => Boolean(t.accessToken) && isFresh(t),
        acquire: () => this.deps.tokens.acquireTokenLease(appId, REFRESH_LEASE_MS, this.now()),
        refresh: async (current) => {
          if (!current) throw new AuthorizerUnavailableError(`${appId} has no stored refresh token`);
          const result = await this.refreshUnderLease(current, wechatSlots);
          outcome = result.outcome;
          return result.token;
        },
        release: () => this.deps.tokens.releaseTokenLease(appId),
      },
      { maxWaitMs: REFRESH_LEASE_MS + 5000, pollMs: this.deps.pollMs ?? 100, known },
    );
    if (!token.accessToken) throw new AuthorizerUnavailableError(`${appId} has no access token`);
    return { ...token, accessToken: token.accessToken, outcome };
  }

  /**
   * For the scheduled refresher: refreshes one due token (as read from the expiry index, so
   * no second read), reporting instead of throwing when the authorizer turned out to be gone
   * or in need of re-authorization.
   */
  async refreshDue(due: StoredAuthorizerToken, wechatSlots: Limiter = unlimited): Promise<RefreshOutcome> {
    const { appId } = due;
    try {
      return (await this.refreshUnless(appId, (t) => t.expiresAt - this.now() > AUTHORIZER_REFRESH_AHEAD_MS, due, wechatSlots)).outcome;
    } catch (error) {
      if (error instanceof AuthorizerUnavailableError) {
        const profile = await this.deps.profiles.getProfile(appId);
        return profile?.status === 'unauthorized' ? 'unauthorized' : 'reauthorization_required';
      }
      throw error;
    }
  }

  private async refreshUnderLease(current: StoredAuthorizerToken, wechatSlots: Limiter): Promise<{ token: StoredAuthorizerToken; outcome: RefreshOutcome }> {
    const { appId } = current;
    try {
      return { token: await this.exchange(current, current.refreshToken, wechatSlots), outcome: 'refreshed' };
    } catch (error) {
      if (!(error instanceof WeChatApiError)) throw error;
      if (AUTHORIZATION_GONE_ERRCODES.has(error.errcode)) {
        const reason = `WeChat answered ${error.errcode}: no longer authorized`;
        await this.deps.status.recordUnauthorized({ appId, componentAppId: current.componentAppId, event: 'unauthorized', source: 'refresher', reason, detail: reason, now: this.now() });
        throw new AuthorizerUnavailableError(`${appId} no longer authorizes this platform`);
      }
      if (!REFRESH_TOKEN_DEAD_ERRCODES.has(error.errcode)) throw error;
      // The refresh token was rejected: WeChat holds the current one. An exchange whose answer
      // is lost on the way may rotate it again, so it is read again while WeChat keeps naming a
      // token not tried yet.
      let tried = current.refreshToken;
      let held: string | undefined;
      for (let attempt = 0; ; attempt++) {
        held = await this.currentRefreshToken(appId);
        if (held === undefined || held === tried) break;
        if (attempt === REPAIR_ATTEMPTS) {
          // Each attempt lost its answer, yet WeChat keeps naming a token we have not tried:
          // the authorization is alive, only the network is not. Giving up here must not cost
          // the merchant a re-authorization; the stored token stays and the next run repairs.
          throw new RefreshTokenRepairPendingError(`${appId}: ${REPAIR_ATTEMPTS} repairs of a rotated refresh token lost their answers; the next refresh repairs it`);
        }
        logger.warn('refresh token rejected; repaired from the one WeChat holds', { authorizerAppId: appId });
        try {
          return { token: await this.exchange(current, held, wechatSlots), outcome: 'repaired' };
        } catch (retryError) {
          if (!(retryError instanceof WeChatApiError && REFRESH_TOKEN_DEAD_ERRCODES.has(retryError.errcode))) throw retryError;
          tried = held;
        }
      }
      const reason = held ? `refresh token rejected (${error.errcode}) and WeChat holds no other` : `refresh token rejected (${error.errcode}) and WeChat no longer knows the authorizer`;
      logger.warn('authorizer needs re-authorization', { authorizerAppId: appId, errcode: error.errcode });
      await this.deps.status.markReauthorizationRequired({ appId, componentAppId: current.componentAppId, source: 'refresher', reason, now: this.now() });
      throw new AuthorizerUnavailableError(`${appId} must authorize the platform again: ${reason}`);
    }
  }

  /**
   * The refresh token WeChat holds for one authorizer, or undefined when it no longer knows the
   * authorizer. `api_get_authorizer_info` answers for the one app; the whole authorizer list
   * (hundreds of apps a page) is read only when that answer leaves the token out.
   */
  private async currentRefreshToken(appId: string): Promise<string | undefined> {
    try {
      const info = await this.deps.componentApi.getAuthorizerInfo(appId);
      const token = info.authorization_info.authorizer_refresh_token;
      if (token) return token;
    } catch (error) {
      if (error instanceof WeChatApiError && AUTHORIZATION_GONE_ERRCODES.has(error.errcode)) return undefined;
      throw error;
    }
    return (await this.deps.componentApi.listAllAuthorizers()).find((a) => a.authorizer_appid === appId)?.refresh_token;
  }

  private async exchange(current: StoredAuthorizerToken, refreshToken: string, wechatSlots: Limiter): Promise<StoredAuthorizerToken> {
    const refreshedAt = this.now();
    const answer = await wechatSlots(() => this.deps.componentApi.authorizerToken(current.appId, refreshToken));
    const token = {
      appId: current.appId,
      componentAppId: current.componentAppId,
      accessToken: answer.authorizer_access_token,
      refreshToken: answer.authorizer_refresh_token,
      expiresAt: refreshedAt + answer.expires_in * 1000,
      refreshedAt,
    };
    if (!(await this.deps.tokens.completeTokenRefresh(token))) {
      logger.warn('authorizer token lease ran out before the refresh finished', { authorizerAppId: current.appId });
    }
    return token;
  }
}
