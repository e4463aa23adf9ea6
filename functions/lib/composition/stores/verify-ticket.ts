import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoVerifyTicketStore, type VerifyTicketStore } from '../../store/verify-ticket-store';
import { once } from '../process-scope';

export function verifyTicketStore(): VerifyTicketStore {
  return once(verifyTicketStore, () => new DynamoVerifyTicketStore(dynamoDocumentClient(), config().TABLE_NAME));
}
