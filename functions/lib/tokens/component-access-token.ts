import type { AccessTokenProvider } from '../wechat/client';
import type { ComponentAuthApi } from '../wechat/component';
import type { ComponentTokenStore, StoredComponentToken } from '../store/component-token-store';
import type { VerifyTicketStore } from '../store/verify-ticket-store';
import { NotReadyError } from '../errors';
import { logger } from '../logger';

/** `getComponentAccessToken()` returns a stored token only with more than this left. */
export const MIN_REMAINING_ON_USE_MS = 10 * 60 * 1000;
/** The scheduled refresher renews a token once less than this remains. */
export const REFRESH_AHEAD_MS = 20 * 60 * 1000;

export interface ComponentAccessTokenDeps {
  componentAppId: string;
  tokens: ComponentTokenStore;
  tickets: VerifyTicketStore;
  authApi: ComponentAuthApi;
  now?: () => number;
}

/**
 * The platform's `component_access_token`: one per component appid, shared by every caller
 * through DynamoDB, refreshed from the newest verify ticket.
 */
export class ComponentAccessToken implements AccessTokenProvider {
  readonly queryParam = 'component_access_token' as const;
  private readonly now: () => number;

  constructor(private readonly deps: ComponentAccessTokenDeps) {
    this.now = deps.now ?? Date.now;
  }

  getToken(): Promise<string> {
    return this.getComponentAccessToken();
  }

  /** A stored token with more than 10 minutes left, or a freshly obtained one. */
  async getComponentAccessToken(): Promise<string> {
    return (await this.ensureFresh(MIN_REMAINING_ON_USE_MS)).token;
  }

  /** Refreshes when less than `minRemainingMs` is left; returns the token in force afterwards. */
  async ensureFresh(minRemainingMs: number): Promise<StoredComponentToken & { refreshed: boolean }> {
    const stored = await this.deps.tokens.get(this.deps.componentAppId);
    if (stored && stored.expiresAt - this.now() > minRemainingMs) return { ...stored, refreshed: false };
    return { ...(await this.refresh()), refreshed: true };
  }

  async refresh(): Promise<StoredComponentToken> {
    const { componentAppId } = this.deps;
    const ticket = await this.deps.tickets.get(componentAppId);
    if (!ticket) {
      throw new NotReadyError('no component_verify_ticket has been pushed yet', 'no_verify_ticket');
    }
    const obtainedAt = this.now();
    const answer = await this.deps.authApi.requestComponentAccessToken(ticket.ticket);
    const value = { token: answer.component_access_token, expiresAt: obtainedAt + answer.expires_in * 1000, obtainedAt };
    await this.deps.tokens.put(componentAppId, value);
    logger.info('component access token refreshed', { componentAppId, expiresAt: new Date(value.expiresAt).toISOString() });
    return value;
  }

  async invalidate(staleToken: string): Promise<void> {
    await this.deps.tokens.expireIfCurrent(this.deps.componentAppId, staleToken);
  }
}
