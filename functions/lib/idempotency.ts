import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { config } from './config';
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

/** WeChat re-delivers a push for at most a few minutes; a day is ample. */
export function pushIdempotencyConfig(): IdempotencyConfig {
  return new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });
}
