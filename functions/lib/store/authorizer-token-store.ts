import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeCipher } from '../crypto-at-rest/attribute-cipher';
import { expireIfSealedValueIs } from './expire-if-sealed';
import { keys } from './keys';
import type { RefreshLease } from './refresh-lease';

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

/** The token item of each authorizer and its refresh lease. */
export interface AuthorizerTokenStore {
  getToken(appId: string): Promise<StoredAuthorizerToken | undefined>;
  /** Takes the refresh lease on an existing token item; undefined when another instance holds it. */
  acquireTokenLease(appId: string, leaseMs: number, now: number): Promise<{ current: StoredAuthorizerToken | undefined } | undefined>;
  /** The refreshed tokens, written as the lease is released; false when the lease was lost. */
  completeTokenRefresh(token: { appId: string; componentAppId: string; accessToken: string; refreshToken: string; expiresAt: number; refreshedAt: number }): Promise<boolean>;
  releaseTokenLease(appId: string): Promise<void>;
  /** Marks the access token expired only if it is still `staleToken` (compare-and-expire). */
  expireAccessTokenIfCurrent(appId: string, staleToken: string): Promise<void>;
  /** Refreshable tokens expiring before `before` (epoch ms), oldest first. */
  tokensExpiringBefore(componentAppId: string, before: number): Promise<StoredAuthorizerToken[]>;
}

/**
 * The access and refresh tokens are stored encrypted (crypto-at-rest/attribute-cipher.ts),
 * each bound to its item and attribute; this store is the one place that seals and opens
 * them. Items written before encryption hold plain strings: they are read as they are and
 * rewritten encrypted by their next refresh.
 */
export class DynamoAuthorizerTokenStore implements AuthorizerTokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly lease: RefreshLease,
    private readonly cipher: AttributeCipher,
  ) {}

  async getToken(appId: string): Promise<StoredAuthorizerToken | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.authorizerToken(appId), ConsistentRead: true }));
    return openToken(this.cipher, Item);
  }

  async acquireTokenLease(appId: string, leaseMs: number, now: number): Promise<{ current: StoredAuthorizerToken | undefined } | undefined> {
    const item = await this.lease.acquire(keys.authorizerToken(appId), leaseMs, now, { mustExist: true });
    return item ? { current: await openToken(this.cipher, item) } : undefined;
  }

  /**
   * The new access token and the refresh token WeChat returned with it, in the same write
   * that releases the lease: a rotated refresh token is never held only in memory. If the
   * lease ran out meanwhile, the tokens are still written unless a newer refresh already was.
   */
  async completeTokenRefresh(token: { appId: string; componentAppId: string; accessToken: string; refreshToken: string; expiresAt: number; refreshedAt: number }): Promise<boolean> {
    const values = {
      ...(await sealTokens(this.cipher, token.appId, token)),
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

  /** The refresh token stays; only an access token still equal to `staleToken` is expired. */
  expireAccessTokenIfCurrent(appId: string, staleToken: string): Promise<void> {
    return expireIfSealedValueIs(this.db, this.cipher, { tableName: this.tableName, key: keys.authorizerToken(appId), attribute: 'accessToken', context: tokenContext(appId, 'accessToken'), staleValue: staleToken });
  }


  /** Through the expiry index. */
  async tokensExpiringBefore(componentAppId: string, before: number): Promise<StoredAuthorizerToken[]> {
    const { gsi1pk, gsi1sk } = keys.tokenExpiryIndex(componentAppId, before, '');
    const due: StoredAuthorizerToken[] = [];
    const pages = paginateQuery(
      { client: this.db },
      { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before', ExpressionAttributeValues: { ':pk': gsi1pk, ':before': gsi1sk } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const token = await openToken(this.cipher, item);
        if (token) due.push(token);
      }
    }
    return due;
  }
}

/**
 * The token item's writes that happen together with a change of status (see
 * authorizer-status-store.ts), as transaction items.
 */
export const tokenItem = {
  /** A whole token item, its tokens encrypted, replacing any previous one (and its lease), in the expiry index. */
  put: async (tableName: string, cipher: AttributeCipher, token: StoredAuthorizerToken) => {
    const { accessToken: _plainAccess, refreshToken: _plainRefresh, ...rest } = token;
    return {
      TableName: tableName,
      Item: {
        ...keys.authorizerToken(token.appId),
        ...keys.tokenExpiryIndex(token.componentAppId, token.expiresAt, token.appId),
        type: 'AuthorizerToken',
        ...rest,
        ...(await sealTokens(cipher, token.appId, token)),
      },
    };
  },
  delete: (tableName: string, appId: string) => ({ TableName: tableName, Key: keys.authorizerToken(appId) }),
  /** The refresh token is dead: keeps it, but stops every refresh until a new authorization replaces the item. */
  markDead: (tableName: string, appId: string) => ({
    TableName: tableName,
    Key: keys.authorizerToken(appId),
    // Out of the expiry index and flagged: neither the refresher nor callers try again
    // until a new authorization (or a repair from the list) replaces the item.
    UpdateExpression: 'REMOVE gsi1pk, gsi1sk, leaseOwner, leaseUntil, accessToken SET expiresAt = :zero, reauthorizationRequired = :yes',
    ExpressionAttributeValues: { ':zero': 0, ':yes': true },
  }),
};

type TokenAttribute = 'accessToken' | 'refreshToken';

/** What each ciphertext is bound to: the token item's key and the attribute's name. */
function tokenContext(appId: string, attribute: TokenAttribute) {
  return itemContext(keys.authorizerToken(appId), attribute);
}

/** From the key the item was read under, never from its attributes, which a writer could change along with the ciphertext. */
function itemContext(key: { pk?: unknown; sk?: unknown }, attribute: TokenAttribute) {
  return { pk: String(key.pk), sk: String(key.sk), attribute };
}

async function sealTokens<T extends { accessToken?: string; refreshToken: string }>(cipher: AttributeCipher, appId: string, token: T) {
  return {
    ...(token.accessToken !== undefined ? { accessToken: await cipher.seal(token.accessToken, tokenContext(appId, 'accessToken')) } : {}),
    refreshToken: await cipher.seal(token.refreshToken, tokenContext(appId, 'refreshToken')),
  };
}

async function openToken(cipher: AttributeCipher, item: Record<string, unknown> | undefined): Promise<StoredAuthorizerToken | undefined> {
  if (!item || item.refreshToken === undefined) return undefined;
  const appId = String(item.appId);
  const [accessToken, refreshToken] = await Promise.all([
    item.accessToken === undefined ? undefined : cipher.open(item.accessToken, itemContext(item, 'accessToken')),
    cipher.open(item.refreshToken, itemContext(item, 'refreshToken')),
  ]);
  if (refreshToken === undefined) return undefined;
  return {
    appId,
    componentAppId: String(item.componentAppId),
    ...(accessToken !== undefined ? { accessToken } : {}),
    refreshToken,
    ...tokenTimes(item),
    ...(item.reauthorizationRequired === true ? { reauthorizationRequired: true } : {}),
  };
}

/** A token item's times, read without opening its tokens: what the registry shows. */
export function tokenTimes(item: Record<string, unknown>): { expiresAt: number; refreshedAt?: number } {
  return {
    expiresAt: Number(item.expiresAt ?? 0),
    ...(item.refreshedAt !== undefined ? { refreshedAt: Number(item.refreshedAt) } : {}),
  };
}
