import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoComponentTokenStore, type ComponentTokenStore } from '../../store/component-token-store';
import { once } from '../process-scope';
import { tokenCipher } from '../token-cipher';
import { refreshLease } from './refresh-lease';

export function componentTokenStore(): ComponentTokenStore {
  return once(componentTokenStore, () => new DynamoComponentTokenStore(dynamoDocumentClient(), config().TABLE_NAME, refreshLease(), tokenCipher()));
}
