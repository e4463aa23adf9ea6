import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoRefresherStatusStore, type RefresherStatusStore } from '../../store/refresher-status-store';
import { once } from '../process-scope';

export function refresherStatusStore(): RefresherStatusStore {
  return once(refresherStatusStore, () => new DynamoRefresherStatusStore(dynamoDocumentClient(), config().TABLE_NAME));
}
