import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoRegistrationStore, type RegistrationStore } from '../../store/registration-store';
import { once } from '../process-scope';

export function registrationStore(): RegistrationStore {
  return once(registrationStore, () => new DynamoRegistrationStore(dynamoDocumentClient(), config().TABLE_NAME));
}
