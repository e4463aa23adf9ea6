import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoAuthorizerStatusStore, type AuthorizerStatusStore } from '../../store/authorizer-status-store';
import { once } from '../process-scope';
import { tokenCipher } from '../token-cipher';

export function authorizerStatusStore(): AuthorizerStatusStore {
  return once(authorizerStatusStore, () => new DynamoAuthorizerStatusStore(dynamoDocumentClient(), config().TABLE_NAME, tokenCipher()));
}
