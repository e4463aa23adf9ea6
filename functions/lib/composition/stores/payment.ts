import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoPaymentStore, type PaymentStore } from '../../store/payment-store';
import { once } from '../process-scope';

export function paymentStore(): PaymentStore {
  return once(paymentStore, () => new DynamoPaymentStore(dynamoDocumentClient(), config().TABLE_NAME));
}
