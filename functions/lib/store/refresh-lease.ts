import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './keys';

/**
 * A lease on one token item, held by a conditional write, so that across any number of
 * Lambda instances only one refreshes a given token at a time. The lease expires by itself
 * if its holder dies, and the refreshed values are written in the same request that releases
 * it, conditioned on still holding it.
 */
export class RefreshLease {
  /** Identifies this process as a lease holder. */
  readonly owner = randomUUID();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Takes the lease unless another holder's lease is still running. Returns the item as it
   * stands after taking it (one request), or `undefined` when someone else holds it.
   * With `mustExist`, never creates the item.
   */
  async acquire(key: ItemKey, leaseMs: number, now: number, { mustExist = false } = {}): Promise<Record<string, unknown> | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: `${mustExist ? 'attribute_exists(pk) AND ' : ''}(attribute_not_exists(leaseUntil) OR leaseUntil < :now)`,
          ExpressionAttributeValues: { ':owner': this.owner, ':until': now + leaseMs, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Writes `set` (and removes `remove`) while releasing the lease, only if this process still
   * holds it. Returns false when the lease was lost (it ran out and another holder took it).
   */
  async complete(key: ItemKey, set: Record<string, unknown>, remove: string[] = []): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':owner': this.owner };
    const assignments = Object.entries(set).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const removals = ['leaseOwner', 'leaseUntil', ...remove].map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${assignments.length ? `SET ${assignments.join(', ')} ` : ''}REMOVE ${removals.join(', ')}`,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Gives the lease back without changing the token (the refresh failed). */
  async release(key: ItemKey): Promise<void> {
    await this.complete(key, {});
  }
}
