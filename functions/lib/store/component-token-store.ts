import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeCipher } from '../crypto-at-rest/attribute-cipher';
import { expireIfSealedValueIs } from './expire-if-sealed';
import { keys } from './keys';
import type { RefreshLease } from './refresh-lease';

export interface StoredComponentToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  obtainedAt: number;
}

/** The shared `component_access_token` of one component appid, refreshed under a lease. */
export interface ComponentTokenStore {
  get(componentAppId: string): Promise<StoredComponentToken | undefined>;
  /** The token's times without the token: what status pages and metrics need, no decryption. */
  getTimes(componentAppId: string): Promise<Omit<StoredComponentToken, 'token'> | undefined>;
  /** The token as stored when the lease was taken, or undefined when another instance holds it. */
  acquireLease(componentAppId: string, leaseMs: number, now: number): Promise<{ current: StoredComponentToken | undefined } | undefined>;
  /** Stores a new token and releases the lease in one write; false if the lease was lost meanwhile. */
  completeRefresh(componentAppId: string, value: StoredComponentToken): Promise<boolean>;
  releaseLease(componentAppId: string): Promise<void>;
  /** Marks the token expired only if it is still `staleToken`. */
  expireIfCurrent(componentAppId: string, staleToken: string): Promise<void>;
}

/**
 * The token is stored encrypted, bound to its item (crypto-at-rest/attribute-cipher.ts): with
 * it anyone could read every merchant's refresh token from WeChat. A token stored before
 * encryption is a string, read as it is until the next refresh replaces it.
 */
export class DynamoComponentTokenStore implements ComponentTokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly lease: RefreshLease,
    private readonly cipher: AttributeCipher,
  ) {}

  async get(componentAppId: string): Promise<StoredComponentToken | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.componentToken(componentAppId), ConsistentRead: true }),
    );
    return this.open(componentAppId, Item);
  }

  async getTimes(componentAppId: string): Promise<Omit<StoredComponentToken, 'token'> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.componentToken(componentAppId),
        ConsistentRead: true,
        ProjectionExpression: '#token, expiresAt, obtainedAt',
        ExpressionAttributeNames: { '#token': 'token' },
      }),
    );
    // A lease taken before the first token leaves an item without one.
    if (!Item || Item.token === undefined) return undefined;
    return { expiresAt: Number(Item.expiresAt), obtainedAt: Number(Item.obtainedAt) };
  }

  /** Takes the refresh lease; the token as stored at that moment, or undefined when another instance holds it. */
  async acquireLease(componentAppId: string, leaseMs: number, now: number): Promise<{ current: StoredComponentToken | undefined } | undefined> {
    const item = await this.lease.acquire(keys.componentToken(componentAppId), leaseMs, now);
    return item ? { current: await this.open(componentAppId, item) } : undefined;
  }

  /** Stores a new token and releases the lease in one write; false if the lease was lost meanwhile. */
  async completeRefresh(componentAppId: string, value: StoredComponentToken): Promise<boolean> {
    const token = await this.cipher.seal(value.token, tokenContext(componentAppId));
    return this.lease.complete(keys.componentToken(componentAppId), { type: 'ComponentToken', ...value, token });
  }

  releaseLease(componentAppId: string): Promise<void> {
    return this.lease.release(keys.componentToken(componentAppId));
  }

  /** Marks the token expired only if it is still `staleToken`, so a newer token written meanwhile survives. */
  expireIfCurrent(componentAppId: string, staleToken: string): Promise<void> {
    return expireIfSealedValueIs(this.db, this.cipher, { tableName: this.tableName, key: keys.componentToken(componentAppId), attribute: 'token', context: tokenContext(componentAppId), staleValue: staleToken });
  }


  private async open(componentAppId: string, item: Record<string, unknown> | undefined): Promise<StoredComponentToken | undefined> {
    const token = item && (await this.cipher.open(item.token, tokenContext(componentAppId)));
    if (!item || token === undefined) return undefined;
    return { token, expiresAt: Number(item.expiresAt), obtainedAt: Number(item.obtainedAt) };
  }
}

/** What the ciphertext is bound to: the token item's key and the attribute's name. */
function tokenContext(componentAppId: string) {
  return { ...keys.componentToken(componentAppId), attribute: 'token' };
}
