import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  /** The token as stored when the lease was taken, or undefined when another instance holds it. */
  acquireLease(componentAppId: string, leaseMs: number, now: number): Promise<{ current: StoredComponentToken | undefined } | undefined>;
  /** Stores a new token and releases the lease in one write; false if the lease was lost meanwhile. */
  completeRefresh(componentAppId: string, value: StoredComponentToken): Promise<boolean>;
  releaseLease(componentAppId: string): Promise<void>;
  /** Marks the token expired only if it is still `staleToken`. */
  expireIfCurrent(componentAppId: string, staleToken: string): Promise<void>;
}

export class DynamoComponentTokenStore implements ComponentTokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly lease: RefreshLease,
  ) {}

  async get(componentAppId: string): Promise<StoredComponentToken | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.componentToken(componentAppId), ConsistentRead: true }),
    );
    return toToken(Item);
  }

  /** Takes the refresh lease; the token as stored at that moment, or undefined when another instance holds it. */
  async acquireLease(componentAppId: string, leaseMs: number, now: number): Promise<{ current: StoredComponentToken | undefined } | undefined> {
    const item = await this.lease.acquire(keys.componentToken(componentAppId), leaseMs, now);
    return item ? { current: toToken(item) } : undefined;
  }

  /** Stores a new token and releases the lease in one write; false if the lease was lost meanwhile. */
  completeRefresh(componentAppId: string, value: StoredComponentToken): Promise<boolean> {
    return this.lease.complete(keys.componentToken(componentAppId), { type: 'ComponentToken', ...value });
  }

  releaseLease(componentAppId: string): Promise<void> {
    return this.lease.release(keys.componentToken(componentAppId));
  }

  /** Marks the token expired only if it is still `staleToken`, so a newer token written meanwhile survives. */
  async expireIfCurrent(componentAppId: string, staleToken: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.componentToken(componentAppId),
          UpdateExpression: 'SET expiresAt = :zero',
          ConditionExpression: '#token = :stale',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':stale': staleToken, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function toToken(item: Record<string, unknown> | undefined): StoredComponentToken | undefined {
  if (!item || typeof item.token !== 'string') return undefined;
  return { token: item.token, expiresAt: Number(item.expiresAt), obtainedAt: Number(item.obtainedAt) };
}
