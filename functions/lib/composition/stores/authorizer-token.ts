import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoAuthorizerTokenStore, type AuthorizerTokenStore } from '../../store/authorizer-token-store';
import { once } from '../process-scope';
import { tokenCipher } from '../token-cipher';
import { refreshLease } from './refresh-lease';

export function authorizerTokenStore(): AuthorizerTokenStore {
  return once(authorizerTokenStore, () => new DynamoAuthorizerTokenStore(dynamoDocumentClient(), config().TABLE_NAME, refreshLease(), tokenCipher()));
}
