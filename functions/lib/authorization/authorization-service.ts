import { IdempotencyAlreadyInProgressError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { mapSettled } from '../concurrency';
import { pushIdempotencyConfig } from '../idempotency';
import { logger } from '../logger';
import type { AuthorizerProfileStore, ProfileDetails } from '../store/authorizer-profile-store';
import type { AuthorizerStatusStore, HistoryEntry, HistoryEvent } from '../store/authorizer-status-store';
import type { AuthorizerTokenStore } from '../store/authorizer-token-store';
import type { AuthorizerInfoResponse, ComponentApi } from '../wechat/component';
import { authorizationLinks, type AuthType } from './authorization-links';

export interface AuthorizationServiceDeps {
  componentAppId: string;
  componentApi: ComponentApi;
  profiles: AuthorizerProfileStore;
  tokens: Pick<AuthorizerTokenStore, 'getToken'>;
  status: AuthorizerStatusStore;
  persistence: DynamoDBPersistenceLayer;
  links: { redirectUri: () => string; mpBase: string; openBase: string };
  now?: () => number;
}

export interface CompletedAuthorization {
  appId: string;
  nickname: string;
}

export interface SyncSummary {
  listed: number;
  added: number;
  repaired: number;
  removed: number;
  failed: number;
}

const IN_PROGRESS_POLL_MS = 250;
const IN_PROGRESS_MAX_WAIT_MS = 8000;

/**
 * Merchant authorization from link to registry: pre-auth links, the one-time exchange of an
 * authorization code (whether it arrives by redirect or by push, first), revocation, and
 * reconciliation with WeChat's own list of authorizers.
 */
export class AuthorizationService {
  private readonly now: () => number;
  private readonly exchangeOnce: (code: { authorizationCode: string }, meta: { source: HistoryEntry['source']; event?: HistoryEvent }) => Promise<CompletedAuthorization>;
  private readonly idempotency = pushIdempotencyConfig();

  constructor(private readonly deps: AuthorizationServiceDeps) {
    this.now = deps.now ?? Date.now;
    // Keyed by the code alone and shared by every function: the redirect and the push carry
    // the same code, and WeChat accepts it once.
    this.exchangeOnce = makeIdempotent((code: { authorizationCode: string }, meta: { source: HistoryEntry['source']; event?: HistoryEvent }) => this.exchange(code.authorizationCode, meta), {
      persistenceStore: deps.persistence,
      config: this.idempotency,
      keyPrefix: 'authorization-code',
      dataIndexArgument: 0,
    });
  }

  /** A fresh pre_auth_code made into the PC and mobile authorization links. */
  async createAuthorizationLinks({ authType, bizAppId }: { authType: AuthType; bizAppId?: string }): Promise<{ pcUrl: string; mobileUrl: string; expiresAt: string }> {
    const { redirectUri, mpBase, openBase } = this.deps.links;
    const redirect = redirectUri();
    const started = this.now();
    const { pre_auth_code: preAuthCode, expires_in: expiresIn } = await this.deps.componentApi.createPreAuthCode();
    const links = authorizationLinks({ componentAppId: this.deps.componentAppId, preAuthCode, authType, bizAppId, redirectUri: redirect, mpBase, openBase });
    return { ...links, expiresAt: new Date(started + expiresIn * 1000).toISOString() };
  }

  /**
   * Exchanges an authorization code exactly once across all instances and both paths. A
   * caller that finds the exchange already under way waits for its result when `wait` is set
   * (the redirect: a person is looking at the page); otherwise the in-progress error surfaces
   * (the push: WeChat will deliver again).
   */
  async completeAuthorization(
    authorizationCode: string,
    meta: { source: HistoryEntry['source']; event?: HistoryEvent },
    { context, wait = false }: { context?: Context; wait?: boolean } = {},
  ): Promise<CompletedAuthorization> {
    if (context) this.idempotency.registerLambdaContext(context);
    const deadline = this.now() + IN_PROGRESS_MAX_WAIT_MS;
    for (;;) {
      try {
        return await this.exchangeOnce({ authorizationCode }, meta);
      } catch (error) {
        if (!(wait && error instanceof IdempotencyAlreadyInProgressError) || this.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_POLL_MS));
      }
    }
  }

  private async exchange(authorizationCode: string, meta: { source: HistoryEntry['source']; event?: HistoryEvent }): Promise<CompletedAuthorization> {
    const { authorization_info: auth } = await this.deps.componentApi.queryAuth(authorizationCode);
    const appId = auth.authorizer_appid;
    const prior = await this.deps.profiles.getProfile(appId);
    const now = this.now();
    // Tokens first, in one transaction: whatever fails afterwards, the refresh token is kept.
    await this.deps.status.recordAuthorization({
      appId,
      componentAppId: this.deps.componentAppId,
      accessToken: auth.authorizer_access_token,
      refreshToken: auth.authorizer_refresh_token,
      expiresAt: now + auth.expires_in * 1000,
      funcInfo: auth.func_info,
      event: meta.event ?? (prior?.status === 'authorized' ? 'reauthorized' : 'authorized'),
      source: meta.source,
      now,
    });
    const nickname = await this.refreshProfile(appId);
    logger.info('authorizer authorized', { authorizerAppId: appId, source: meta.source, funcInfo: auth.func_info });
    return { appId, nickname: nickname ?? prior?.nickname ?? '' };
  }

  /** Fetches `api_get_authorizer_info` into the registry; a failure leaves the previous profile. */
  async refreshProfile(appId: string): Promise<string | undefined> {
    try {
      const info = await this.deps.componentApi.getAuthorizerInfo(appId);
      await this.deps.profiles.updateProfileDetails(appId, profileDetails(info), this.now());
      return info.authorizer_info.nick_name;
    } catch (error) {
      logger.warn('could not fetch authorizer info; profile left as it was', { authorizerAppId: appId, error: (error as Error).message });
      return undefined;
    }
  }

  /** The owner revoked the authorization: tokens deleted, status unauthorized, history kept. */
  async recordUnauthorized(appId: string, source: HistoryEntry['source']): Promise<void> {
    await this.deps.status.recordUnauthorized({
      appId,
      componentAppId: this.deps.componentAppId,
      // A removal found by reconciliation is told apart from one the owner made.
      event: source === 'sync' ? 'sync_removed' : 'unauthorized',
      source,
      reason: 'authorization cancelled by the owner',
      now: this.now(),
    });
    logger.info('authorizer unauthorized', { authorizerAppId: appId, source });
  }

  /**
   * Reconciles the registry with `api_get_authorizer_list`: adds apps WeChat lists but we
   * lack, replaces refresh tokens that differ, and marks apps WeChat no longer lists as
   * unauthorized.
   */
  async sync(concurrency = 10): Promise<SyncSummary> {
    const { componentAppId, profiles, tokens, status } = this.deps;
    const [listed, ours] = await Promise.all([this.deps.componentApi.listAllAuthorizers(), profiles.listAll(componentAppId)]);
    const oursById = new Map(ours.map((p) => [p.appId, p]));
    const listedIds = new Set(listed.map((a) => a.authorizer_appid));
    const summary: SyncSummary = { listed: listed.length, added: 0, repaired: 0, removed: 0, failed: 0 };

    const upserts = await mapSettled(listed, concurrency, async (entry) => {
      const appId = entry.authorizer_appid;
      const profile = oursById.get(appId);
      if (!profile) {
        // An app we did not know: its authorization counts from now.
        await status.replaceRefreshToken({ appId, componentAppId, refreshToken: entry.refresh_token, event: 'sync_added', source: 'sync', countsAsAuthorization: true, now: this.now() });
        await this.refreshProfile(appId);
        return 'added' as const;
      }
      const token = await tokens.getToken(appId);
      if (profile.status !== 'authorized' || token?.refreshToken !== entry.refresh_token) {
        // A known app whose token moved on: not a new authorization.
        await status.replaceRefreshToken({ appId, componentAppId, refreshToken: entry.refresh_token, event: 'refresh_token_replaced', source: 'sync', countsAsAuthorization: false, now: this.now() });
        return 'repaired' as const;
      }
      return 'unchanged' as const;
    });
    const removals = await mapSettled(
      ours.filter((p) => p.status !== 'unauthorized' && !listedIds.has(p.appId)),
      concurrency,
      (profile) => {
        const reason = 'WeChat no longer lists this authorizer';
        return status.recordUnauthorized({ appId: profile.appId, componentAppId, event: 'sync_removed', source: 'sync', reason, detail: reason, now: this.now() });
      },
    );
    for (const result of upserts) {
      if (result.status === 'rejected') summary.failed++;
      else if (result.value === 'added') summary.added++;
      else if (result.value === 'repaired') summary.repaired++;
    }
    for (const result of removals) {
      if (result.status === 'rejected') summary.failed++;
      else summary.removed++;
    }
    logger.info('authorizers reconciled with WeChat', { ...summary });
    return summary;
  }
}

function profileDetails(info: AuthorizerInfoResponse): ProfileDetails {
  const a = info.authorizer_info;
  const mini = a.MiniProgramInfo;
  return {
    nickname: a.nick_name,
    headImg: a.head_img,
    principalName: a.principal_name,
    userName: a.user_name,
    signature: a.signature,
    serviceTypeId: a.service_type_info?.id,
    verifyTypeId: a.verify_type_info?.id,
    funcInfo: info.authorization_info.func_info,
    miniProgram: mini
      ? {
          network: Object.fromEntries(Object.entries(mini.network ?? {}).filter(([, v]) => Array.isArray(v))) as Record<string, string[]>,
          categories: mini.categories.map((c) => ({ first: c.first, second: c.second })),
          ...(mini.visit_status !== undefined ? { visitStatus: mini.visit_status } : {}),
        }
      : undefined,
  };
}
