import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, withoutKeys } from './keys';

/**
 * The payment settings item of one mini program: where its secrets are and what the admin API
 * may show of them, never a key, password or certificate byte.
 */
export interface PaymentRecord {
  appId: string;
  mchId: string;
  certificate: { serialNumber: string; notBefore: string; notAfter: string } | null;
  hasApiKey: boolean;
  hasApiV3Key: boolean;
  updatedAt: string;
  /** The P12 in the payment bucket, and the version this record refers to. */
  s3Key?: string;
  s3VersionId?: string;
  /** The Secrets Manager secret holding the keys and the P12 password. */
  secretArn: string;
}

export interface PaymentStore {
  get(appId: string): Promise<PaymentRecord | undefined>;
  /** Replaces the record. */
  put(record: PaymentRecord): Promise<void>;
  delete(appId: string): Promise<void>;
}

export class DynamoPaymentStore implements PaymentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(appId: string): Promise<PaymentRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.payment(appId), ConsistentRead: true }));
    return Item ? withoutKeys<PaymentRecord>(Item) : undefined;
  }

  async put(record: PaymentRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.payment(record.appId), type: 'Payment', ...record } }));
  }

  async delete(appId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.payment(appId) }));
  }
}
