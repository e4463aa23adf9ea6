import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { keys } from '../../../../functions/lib/store/keys';
import { DynamoPaymentStore, type PaymentRecord } from '../../../../functions/lib/store/payment-store';

describe('Class: DynamoPaymentStore', () => {
  const tableName = `payments-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const store = new DynamoPaymentStore(db, tableName);
  const record: PaymentRecord = {
    appId: 'wxpayment00000001',
    mchId: '1900009191',
    certificate: { serialNumber: 'ABC', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2031-01-01T00:00:00.000Z' },
    hasApiKey: true,
    hasApiV3Key: false,
    updatedAt: '2026-01-01T00:00:00.000Z',
    s3Key: 'payment/wxpayment00000001/apiclient_cert.p12',
    s3VersionId: 'v1',
    secretArn: 'arn:aws:secretsmanager:ap-east-1:111122223333:secret:x',
  };

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('keeps one record per app in its partition, replaces it, and deletes it', async () => {
    expect(await store.get(record.appId)).toBeUndefined();
    await store.put(record);
    expect(await store.get(record.appId)).toEqual(record);
    expect((await db.send(new GetCommand({ TableName: tableName, Key: keys.payment(record.appId) }))).Item).toMatchObject({ pk: `AUTHORIZER#${record.appId}`, sk: 'PAYMENT', type: 'Payment' });
    const { s3Key: _key, s3VersionId: _version, ...withoutCertificate } = record;
    await store.put({ ...withoutCertificate, certificate: null, mchId: '1900009192' });
    expect(await store.get(record.appId)).toEqual({ ...withoutCertificate, certificate: null, mchId: '1900009192' });
    await store.delete(record.appId);
    expect(await store.get(record.appId)).toBeUndefined();
  });
});
