import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { config } from './config';
import { PUSH_RECORD_SECONDS } from './once-record';
import { TABLE_SCHEMA } from './store/table-schema';

/**
 * Idempotency records (Powertools) live in the platform table under one partition, expiring
 * through the table's TTL attribute. Used where a WeChat push or an authorization code must
 * take effect once although it may arrive several times or by two paths at once.
 */
export function idempotencyPersistence(client: DynamoDBClient): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: config().TABLE_NAME,
    awsSdkV3Client: client,
    keyAttr: TABLE_SCHEMA.partitionKey,
    sortKeyAttr: TABLE_SCHEMA.sortKey,
    staticPkValue: 'IDEMPOTENCY',
    expiryAttr: TABLE_SCHEMA.ttlAttribute,
  });
}

/** As long as a push's `OnceRecord` (lib/once-record.ts): either kind of record deduplicates the other. */
export function pushIdempotencyConfig(): IdempotencyConfig {
  return new IdempotencyConfig({ expiresAfterSeconds: PUSH_RECORD_SECONDS });
}
