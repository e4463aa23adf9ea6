/**
 * The platform's single DynamoDB table, shared by the CDK stack and the local runtime so
 * both create exactly the same keys and indexes. Item types are listed in the README.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Generic secondary index: items that must be found by something other than their key (e.g. tokens by expiry). */
  indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Epoch seconds; DynamoDB removes expired items (DynamoDB Local does not, so reads also check). */
  ttlAttribute: 'ttl',
} as const;
