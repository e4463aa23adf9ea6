import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeCipher } from '../crypto-at-rest/attribute-cipher';
import { historyPut, type HistoryEntry, type HistoryEvent } from './authorizer-history';
import { statusUpdate, type AuthorizerStatus } from './authorizer-profile-store';
import { tokenItem } from './authorizer-token-store';

export type { HistoryEntry, HistoryEvent } from './authorizer-history';

/**
 * Changes of an authorizer's status. Each writes the profile's status, the token item and a
 * history entry in one transaction, so the three never disagree; which event and reason a
 * change records is the caller's decision.
 */
export interface AuthorizerStatusStore {
  /** A (re-)authorization: new tokens (the old refresh token is dead from now), status authorized with its permission sets. */
  recordAuthorization(input: {
    appId: string;
    componentAppId: string;
    accessToken: string;
    refreshToken: string;
    expiresAt: number;
    funcInfo: number[];
    event: HistoryEvent;
    source: HistoryEntry['source'];
    now: number;
  }): Promise<void>;
  /** Tokens deleted, status unauthorized with `reason`, history kept. */
  recordUnauthorized(input: { appId: string; componentAppId: string; event: HistoryEvent; source: HistoryEntry['source']; reason: string; detail?: string; now: number }): Promise<void>;
  /** The refresh token is kept but never used again until a new authorization replaces it. */
  markReauthorizationRequired(input: { appId: string; componentAppId: string; source: HistoryEntry['source']; reason: string; now: number }): Promise<void>;
  /**
   * A refresh token WeChat holds replaces ours (or is the first we hold); the access token is
   * marked expired so the refresher renews it at once. `countsAsAuthorization` stamps the
   * authorization times.
   */
  replaceRefreshToken(input: { appId: string; componentAppId: string; refreshToken: string; event: HistoryEvent; source: HistoryEntry['source']; countsAsAuthorization: boolean; now: number }): Promise<void>;
}

export class DynamoAuthorizerStatusStore implements AuthorizerStatusStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Seals the tokens of the token item it writes (see authorizer-token-store.ts). */
    private readonly cipher: AttributeCipher,
  ) {}

  async recordAuthorization(input: Parameters<AuthorizerStatusStore['recordAuthorization']>[0]): Promise<void> {
    const at = new Date(input.now).toISOString();
    await this.transact([
      { Put: await tokenItem.put(this.tableName, this.cipher, { appId: input.appId, componentAppId: input.componentAppId, accessToken: input.accessToken, refreshToken: input.refreshToken, expiresAt: input.expiresAt, refreshedAt: input.now }) },
      { Update: this.status(input.appId, input.componentAppId, 'authorized', at, { funcInfo: input.funcInfo, authorized: true }) },
      { Put: historyPut(this.tableName, input.appId, { at, event: input.event, source: input.source, funcInfo: input.funcInfo }) },
    ]);
  }

  async recordUnauthorized({ appId, componentAppId, event, source, reason, detail, now }: Parameters<AuthorizerStatusStore['recordUnauthorized']>[0]): Promise<void> {
    const at = new Date(now).toISOString();
    await this.transact([
      { Delete: tokenItem.delete(this.tableName, appId) },
      { Update: this.status(appId, componentAppId, 'unauthorized', at, { reason }) },
      { Put: historyPut(this.tableName, appId, { at, event, source, detail }) },
    ]);
  }

  async markReauthorizationRequired({ appId, componentAppId, source, reason, now }: Parameters<AuthorizerStatusStore['markReauthorizationRequired']>[0]): Promise<void> {
    const at = new Date(now).toISOString();
    await this.transact([
      { Update: tokenItem.markDead(this.tableName, appId) },
      { Update: this.status(appId, componentAppId, 'reauthorization_required', at, { reason }) },
      { Put: historyPut(this.tableName, appId, { at, event: 'reauthorization_required', source, detail: reason }) },
    ]);
  }

  async replaceRefreshToken({ appId, componentAppId, refreshToken, event, source, countsAsAuthorization, now }: Parameters<AuthorizerStatusStore['replaceRefreshToken']>[0]): Promise<void> {
    const at = new Date(now).toISOString();
    await this.transact([
      { Put: await tokenItem.put(this.tableName, this.cipher, { appId, componentAppId, refreshToken, expiresAt: 0 }) },
      { Update: this.status(appId, componentAppId, 'authorized', at, { authorized: countsAsAuthorization }) },
      { Put: historyPut(this.tableName, appId, { at, event, source }) },
    ]);
  }

  private status(appId: string, componentAppId: string, status: AuthorizerStatus, at: string, change: Parameters<typeof statusUpdate>[5]) {
    return statusUpdate(this.tableName, appId, componentAppId, status, at, change);
  }

  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }
}
