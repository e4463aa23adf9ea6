import { randomBytes } from 'node:crypto';
import { GetCommand, paginateQuery, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BadRequestError } from '../errors';
import { keys, type ItemKey } from './keys';
import type { RefreshLease } from './refresh-lease';

export const AUTHORIZER_STATUSES = ['authorized', 'unauthorized', 'reauthorization_required'] as const;
export type AuthorizerStatus = (typeof AUTHORIZER_STATUSES)[number];

export interface MiniProgramDetails {
  network: Record<string, string[]>;
  categories: { first: string; second: string }[];
  visitStatus?: number;
}

/** What the registry knows of one authorizer (never its tokens). */
export interface AuthorizerProfile {
  appId: string;
  componentAppId: string;
  status: AuthorizerStatus;
  statusReason?: string;
  funcInfo: number[];
  nickname?: string;
  headImg?: string;
  principalName?: string;
  userName?: string;
  signature?: string;
  serviceTypeId?: number;
  verifyTypeId?: number;
  miniProgram?: MiniProgramDetails;
  /** First authorization, ISO-8601. */
  authorizedAt?: string;
  lastAuthorizedAt?: string;
  updatedAt: string;
}

export type ProfileDetails = Pick<
  AuthorizerProfile,
  'nickname' | 'headImg' | 'principalName' | 'userName' | 'signature' | 'serviceTypeId' | 'verifyTypeId' | 'miniProgram' | 'funcInfo'
>;

export type HistoryEvent =
  | 'authorized'
  | 'reauthorized'
  | 'updateauthorized'
  | 'unauthorized'
  | 'reauthorization_required'
  | 'refresh_token_replaced'
  | 'sync_added'
  | 'sync_removed';

export interface HistoryEntry {
  at: string;
  event: HistoryEvent;
  source: 'redirect' | 'push' | 'sync' | 'refresher' | 'admin';
  funcInfo?: number[];
  detail?: string;
}

/** The authorizer's tokens as stored; values never leave the platform through its APIs. */
export interface StoredAuthorizerToken {
  appId: string;
  componentAppId: string;
  accessToken?: string;
  refreshToken: string;
  /** Epoch ms; 0 forces a refresh. */
  expiresAt: number;
  refreshedAt?: number;
  /** The refresh token is dead; only a new authorization or a repair clears this. */
  reauthorizationRequired?: boolean;
}

export interface AuthorizerDetail {
  profile: AuthorizerProfile;
  token: { expiresAt: string; refreshedAt?: string } | null;
  history: HistoryEntry[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const PROFILE_FIELDS = new Set<string>([
  'appId', 'componentAppId', 'status', 'statusReason', 'funcInfo', 'nickname', 'headImg', 'principalName', 'userName',
  'signature', 'serviceTypeId', 'verifyTypeId', 'miniProgram', 'authorizedAt', 'lastAuthorizedAt', 'updatedAt',
]);

/**
 * The registry of authorizers and their tokens. Every change of status writes the profile,
 * the token item and a history entry in one transaction, so they never disagree.
 */
export class AuthorizerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly lease: RefreshLease,
  ) {}

  // ---- status changes -------------------------------------------------------------------

  /**
   * A (re-)authorization: replaces the tokens (the old refresh token is dead from this moment),
   * marks the authorizer authorized with its permission sets, and appends to its history.
   */
  async recordAuthorization(input: {
    appId: string;
    componentAppId: string;
    accessToken: string;
    refreshToken: string;
    expiresAt: number;
    funcInfo: number[];
    event: HistoryEvent;
    source: HistoryEntry['source'];
    now: number;
  }): Promise<void> {
    const at = new Date(input.now).toISOString();
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: this.tokenPut({ appId: input.appId, componentAppId: input.componentAppId, accessToken: input.accessToken, refreshToken: input.refreshToken, expiresAt: input.expiresAt, refreshedAt: input.now }) },
          { Update: this.statusUpdate(input.appId, input.componentAppId, 'authorized', at, { funcInfo: input.funcInfo, authorized: true }) },
          { Put: this.historyPut(input.appId, { at, event: input.event, source: input.source, funcInfo: input.funcInfo }) },
        ],
      }),
    );
  }

  /** Revoked by the owner: tokens deleted, history kept. */
  async recordUnauthorized(appId: string, componentAppId: string, source: HistoryEntry['source'], now: number, detail?: string): Promise<void> {
    const at = new Date(now).toISOString();
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: keys.authorizerToken(appId) } },
          { Update: this.statusUpdate(appId, componentAppId, 'unauthorized', at, { reason: detail ?? 'authorization cancelled by the owner' }) },
          { Put: this.historyPut(appId, { at, event: source === 'sync' ? 'sync_removed' : 'unauthorized', source, detail }) },
        ],
      }),
    );
  }

  /** The refresh token is dead and could not be repaired: stop refreshing until re-authorized. */
  async markReauthorizationRequired(appId: string, componentAppId: string, reason: string, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.authorizerToken(appId),
              // Out of the expiry index and flagged: neither the refresher nor callers try again
              // until a new authorization (or a repair from the list) replaces the item.
              UpdateExpression: 'REMOVE gsi1pk, gsi1sk, leaseOwner, leaseUntil, accessToken SET expiresAt = :zero, reauthorizationRequired = :yes',
              ExpressionAttributeValues: { ':zero': 0, ':yes': true },
            },
          },
          { Update: this.statusUpdate(appId, componentAppId, 'reauthorization_required', at, { reason }) },
          { Put: this.historyPut(appId, { at, event: 'reauthorization_required', source: 'refresher', detail: reason }) },
        ],
      }),
    );
  }

  /**
   * A current refresh token from `api_get_authorizer_list` replaces ours (or is the first we
   * hold). The access token is marked expired so the refresher renews it at once.
   */
  async replaceRefreshToken(appId: string, componentAppId: string, refreshToken: string, event: HistoryEvent, source: HistoryEntry['source'], now: number): Promise<void> {
    const at = new Date(now).toISOString();
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: this.tokenPut({ appId, componentAppId, refreshToken, expiresAt: 0 }) },
          { Update: this.statusUpdate(appId, componentAppId, 'authorized', at, { authorized: event === 'sync_added' }) },
          { Put: this.historyPut(appId, { at, event, source }) },
        ],
      }),
    );
  }

  /** Profile details from `api_get_authorizer_info`; status is left alone. */
  async updateProfileDetails(appId: string, details: Partial<ProfileDetails>, now: number): Promise<void> {
    const entries = Object.entries({ ...details, updatedAt: new Date(now).toISOString() }).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.authorizerProfile(appId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  // ---- tokens ---------------------------------------------------------------------------

  async getToken(appId: string): Promise<StoredAuthorizerToken | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.authorizerToken(appId), ConsistentRead: true }));
    return toToken(Item);
  }

  /** Takes the refresh lease on an existing token item; undefined when another instance holds it. */
  async acquireTokenLease(appId: string, leaseMs: number, now: number): Promise<{ current: StoredAuthorizerToken | undefined } | undefined> {
    const item = await this.lease.acquire(keys.authorizerToken(appId), leaseMs, now, { mustExist: true });
    return item ? { current: toToken(item) } : undefined;
  }

  /**
   * The new access token and the refresh token WeChat returned with it, in the same write
   * that releases the lease: a rotated refresh token is never held only in memory. If the
   * lease ran out meanwhile, the tokens are still written unless a newer refresh already was.
   */
  async completeTokenRefresh(token: { appId: string; componentAppId: string; accessToken: string; refreshToken: string; expiresAt: number; refreshedAt: number }): Promise<boolean> {
    const values = {
      accessToken: token.accessToken,
      refreshToken: token.refreshToken,
      expiresAt: token.expiresAt,
      refreshedAt: token.refreshedAt,
      ...keys.tokenExpiryIndex(token.componentAppId, token.expiresAt, token.appId),
    };
    if (await this.lease.complete(keys.authorizerToken(token.appId), values)) return true;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.authorizerToken(token.appId),
          UpdateExpression: 'SET accessToken = :a, refreshToken = :r, expiresAt = :e, refreshedAt = :t, gsi1pk = :p, gsi1sk = :s',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(refreshedAt) OR refreshedAt < :t)',
          ExpressionAttributeValues: { ':a': values.accessToken, ':r': values.refreshToken, ':e': values.expiresAt, ':t': values.refreshedAt, ':p': values.gsi1pk, ':s': values.gsi1sk },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return false;
  }

  releaseTokenLease(appId: string): Promise<void> {
    return this.lease.release(keys.authorizerToken(appId));
  }

  /** Marks the access token expired only if it is still `staleToken` (compare-and-expire); the refresh token stays. */
  async expireAccessTokenIfCurrent(appId: string, staleToken: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.authorizerToken(appId),
          UpdateExpression: 'SET expiresAt = :zero',
          ConditionExpression: 'accessToken = :stale',
          ExpressionAttributeValues: { ':stale': staleToken, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Refreshable tokens expiring before `before` (epoch ms), through the expiry index, oldest first. */
  async tokensExpiringBefore(componentAppId: string, before: number): Promise<StoredAuthorizerToken[]> {
    const { gsi1pk, gsi1sk } = keys.tokenExpiryIndex(componentAppId, before, '');
    const due: StoredAuthorizerToken[] = [];
    const pages = paginateQuery(
      { client: this.db },
      { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before', ExpressionAttributeValues: { ':pk': gsi1pk, ':before': gsi1sk } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const token = toToken(item);
        if (token) due.push(token);
      }
    }
    return due;
  }

  // ---- reads ----------------------------------------------------------------------------

  async getProfile(appId: string): Promise<AuthorizerProfile | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.authorizerProfile(appId), ConsistentRead: true }));
    return Item ? toProfile(Item) : undefined;
  }

  /** Profile, token metadata and history in one query of the authorizer's partition. */
  async getDetail(appId: string): Promise<AuthorizerDetail | undefined> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.db },
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.authorizerPartition(appId) }, ConsistentRead: true },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    const profileItem = items.find((i) => i.sk === 'PROFILE');
    if (!profileItem) return undefined;
    const token = toToken(items.find((i) => i.sk === 'TOKEN'));
    return {
      profile: toProfile(profileItem),
      token: token && token.expiresAt > 0 ? { expiresAt: new Date(token.expiresAt).toISOString(), ...(token.refreshedAt ? { refreshedAt: new Date(token.refreshedAt).toISOString() } : {}) } : null,
      history: items
        .filter((i) => String(i.sk).startsWith('HISTORY#'))
        .map((i) => ({ at: String(i.at), event: i.event as HistoryEvent, source: i.source as HistoryEntry['source'], ...(i.funcInfo ? { funcInfo: i.funcInfo as number[] } : {}), ...(i.detail ? { detail: String(i.detail) } : {}) }))
        .reverse(),
    };
  }

  /** Authorizers of a component, optionally of one status, a page at a time. */
  async list(componentAppId: string, { status, limit, cursor }: { status?: AuthorizerStatus; limit: number; cursor?: string }): Promise<Page<AuthorizerProfile>> {
    const { gsi1pk } = keys.authorizersIndex(componentAppId, '', '');
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: status ? 'gsi1pk = :pk AND begins_with(gsi1sk, :status)' : 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk, ...(status ? { ':status': `${status}#` } : {}) },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return {
      items: (page.Items ?? []).map(toProfile),
      ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}),
    };
  }

  /** How many authorizers are in `status` (a key-condition query on gsi1, not a scan). */
  async countByStatus(componentAppId: string, status: AuthorizerStatus): Promise<number> {
    const { gsi1pk } = keys.authorizersIndex(componentAppId, '', '');
    let count = 0;
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :status)',
        ExpressionAttributeValues: { ':pk': gsi1pk, ':status': `${status}#` },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }

  /** Every authorizer of a component (all pages); for reconciliation. */
  async listAll(componentAppId: string): Promise<AuthorizerProfile[]> {
    const all: AuthorizerProfile[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(componentAppId, { limit: 1000, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  // ---- helpers --------------------------------------------------------------------------

  private statusUpdate(
    appId: string,
    componentAppId: string,
    status: AuthorizerStatus,
    at: string,
    { funcInfo, authorized, reason }: { funcInfo?: number[]; authorized?: boolean; reason?: string },
  ) {
    const index = keys.authorizersIndex(componentAppId, status, appId);
    const sets = ['appId = :appId', 'componentAppId = :componentAppId', '#status = :status', 'updatedAt = :at', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk', '#type = :type'];
    const values: Record<string, unknown> = { ':appId': appId, ':componentAppId': componentAppId, ':status': status, ':at': at, ':gsi1pk': index.gsi1pk, ':gsi1sk': index.gsi1sk, ':type': 'Authorizer' };
    if (funcInfo) {
      sets.push('funcInfo = :funcInfo');
      values[':funcInfo'] = funcInfo;
    } else {
      sets.push('funcInfo = if_not_exists(funcInfo, :noFuncInfo)');
      values[':noFuncInfo'] = [];
    }
    if (authorized) sets.push('authorizedAt = if_not_exists(authorizedAt, :at)', 'lastAuthorizedAt = :at');
    if (reason) {
      sets.push('statusReason = :reason');
      values[':reason'] = reason;
    }
    return {
      TableName: this.tableName,
      Key: keys.authorizerProfile(appId),
      UpdateExpression: `SET ${sets.join(', ')}${reason ? '' : ' REMOVE statusReason'}`,
      ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
      ExpressionAttributeValues: values,
    };
  }

  /** A whole token item, replacing any previous one (and its lease), in the expiry index. */
  private tokenPut(token: StoredAuthorizerToken) {
    return {
      TableName: this.tableName,
      Item: { ...keys.authorizerToken(token.appId), ...keys.tokenExpiryIndex(token.componentAppId, token.expiresAt, token.appId), type: 'AuthorizerToken', ...token },
    };
  }

  private historyPut(appId: string, entry: HistoryEntry): { TableName: string; Item: ItemKey & Record<string, unknown> } {
    return {
      TableName: this.tableName,
      Item: { ...keys.authorizerHistory(appId, entry.at, randomBytes(3).toString('hex')), type: 'AuthorizerHistory', appId, ...entry },
    };
  }
}

function toToken(item: Record<string, unknown> | undefined): StoredAuthorizerToken | undefined {
  if (!item || typeof item.refreshToken !== 'string') return undefined;
  return {
    appId: String(item.appId),
    componentAppId: String(item.componentAppId),
    ...(typeof item.accessToken === 'string' ? { accessToken: item.accessToken } : {}),
    refreshToken: item.refreshToken,
    expiresAt: Number(item.expiresAt ?? 0),
    ...(item.refreshedAt !== undefined ? { refreshedAt: Number(item.refreshedAt) } : {}),
    ...(item.reauthorizationRequired === true ? { reauthorizationRequired: true } : {}),
  };
}

function toProfile(item: Record<string, unknown>): AuthorizerProfile {
  return Object.fromEntries(Object.entries(item).filter(([name]) => PROFILE_FIELDS.has(name))) as unknown as AuthorizerProfile;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string')) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BadRequestError('cursor is not one this API returned', 'invalid_cursor');
}
