import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { config } from './config';
import { TABLE_SCHEMA } from './store/table-schema';

/*
 * Written without Powertools (whose idempotency package loads jmespath at import) so the
 * callbacks' hot paths can use it; lib/idempotency.ts is the Powertools side it agrees with.
 */

/** WeChat re-delivers a push for at most a few minutes; a day is ample. */
export const PUSH_RECORD_SECONDS = 24 * 3600;

/** Powertools' record layout (its attribute names and COMPLETED status), so either side reads the other's records. */
const RECORD_STATUS_COMPLETED = 'COMPLETED';
const RECORD_STATUS_IN_PROGRESS = 'INPROGRESS';

/**
 * Object keys in order at every depth, as Powertools' `deepSort` orders a payload before hashing
 * it: case-insensitively, with its very comparator (never 0, so keys equal but for case keep the
 * order the sort leaves them in there too). Any other order would hash to another key.
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}

/**
 * The record that marks a push as handled, written in the same transaction as the push's
 * effect: one write where Powertools' in-progress/completed pair takes two, and no window in
 * which the effect exists without the record. Its key is the one Powertools derives for the
 * same payload and prefix (MD5, base64), so records written either way deduplicate each other.
 */
export interface OnceRecord {
  /** The sort key under the `IDEMPOTENCY` partition. */
  key: string;
  /** A TransactWriteItems `Put` that fails while the same key holds a live record. */
  put: {
    Put: {
      TableName: string;
      Item: Record<string, unknown>;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD';
    };
  };
}

/**
 * Whether a record that refused `OnceRecord.put` (as a transaction returns it, in DynamoDB's
 * attribute-value form) is one still being handled — by Powertools elsewhere — rather than done.
 */
export function isInProgressRecord(item: Record<string, AttributeValue> | undefined): boolean {
  return item?.status?.S === RECORD_STATUS_IN_PROGRESS;
}

/** The `OnceRecord` of one push (`payload`: what identifies it, e.g. the app and the decrypted push). */
export function onceRecord(keyPrefix: string, payload: unknown, { expiresAfterSeconds = PUSH_RECORD_SECONDS, now = Date.now() } = {}): OnceRecord {
  const key = `${keyPrefix}#${createHash('md5').update(JSON.stringify(sortedKeys(payload))).digest('base64')}`;
  return {
    key,
    put: {
      Put: {
        TableName: config().TABLE_NAME,
        Item: {
          [TABLE_SCHEMA.partitionKey]: 'IDEMPOTENCY',
          [TABLE_SCHEMA.sortKey]: key,
          [TABLE_SCHEMA.ttlAttribute]: Math.round(now / 1000 + expiresAfterSeconds),
          status: RECORD_STATUS_COMPLETED,
          data: true,
        },
        // Powertools' own condition: no record, an expired one, or an in-progress one whose
        // invocation has timed out.
        ConditionExpression: 'attribute_not_exists(#pk) OR #expiry < :now OR (#status = :inProgress AND attribute_exists(#inProgressExpiry) AND #inProgressExpiry < :nowMs)',
        ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#expiry': TABLE_SCHEMA.ttlAttribute, '#status': 'status', '#inProgressExpiry': 'in_progress_expiration' },
        ExpressionAttributeValues: { ':now': now / 1000, ':nowMs': now, ':inProgress': RECORD_STATUS_IN_PROGRESS },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}
