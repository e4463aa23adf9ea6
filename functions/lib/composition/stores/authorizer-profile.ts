import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoAuthorizerProfileStore, type AuthorizerProfileStore } from '../../store/authorizer-profile-store';
import { once } from '../process-scope';

/** Authorizer profiles and their listing. */
export function authorizerProfileStore(): AuthorizerProfileStore {
  return once(authorizerProfileStore, () => new DynamoAuthorizerProfileStore(dynamoDocumentClient(), config().TABLE_NAME));
}
