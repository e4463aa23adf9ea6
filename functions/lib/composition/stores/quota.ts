import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoQuotaStore, type QuotaStore } from '../../store/quota-store';
import { once } from '../process-scope';

export function quotaStore(): QuotaStore {
  return once(quotaStore, () => new DynamoQuotaStore(dynamoDocumentClient(), config().TABLE_NAME));
}
