import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PaymentService } from '../../../../functions/lib/payment/payment-service';
import { DynamoPaymentStore } from '../../../../functions/lib/store/payment-store';
import { makeMerchantP12 } from '../../../helpers/p12';
import { secretSweep } from '../../../helpers/secret-sweep-state';

// Nothing reaches the local Secrets Manager here, so the sweep is told the key itself.
const API_KEY = 'paymentServiceTestKey0123456789x';
secretSweep.extraSecrets.push({ kind: 'payment apiKey', value: API_KEY });

// The adapter's AWS calls, checked with aws-sdk-client-mock: exact requests, and that a
// failure part-way undoes what the call wrote.
describe('Class: PaymentService (AWS calls)', () => {
  const s3 = mockClient(S3Client);
  const secrets = mockClient(SecretsManagerClient);
  const db = mockClient(DynamoDBDocumentClient);
  const service = new PaymentService({
    store: new DynamoPaymentStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-east-1' })), 'platform'),
    s3: () => new S3Client({ region: 'ap-east-1' }),
    secrets: new SecretsManagerClient({ region: 'ap-east-1' }),
    bucket: 'payment-bucket',
    kmsKeyId: 'arn:aws:kms:ap-east-1:111122223333:key/abc',
    secretPrefix: 'weapp-fleet/payment/',
  });
  const p12 = makeMerchantP12({ mchId: '1900009191' });

  beforeEach(() => {
    s3.reset();
    secrets.reset();
    db.reset();
    db.on(GetCommand).resolves({});
    secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    secrets.on(CreateSecretCommand).resolves({ ARN: 'arn:aws:secretsmanager:ap-east-1:111122223333:secret:weapp-fleet/payment/wx0123456789abcdef-AbCdEf' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-new' });
    s3.on(DeleteObjectCommand).resolves({});
    secrets.on(DeleteSecretCommand).resolves({});
  });

  it('writes the P12 with SSE-KMS and one secret per authorizer with the same key', async () => {
    db.on(PutCommand).resolves({});
    const metadata = await service.put('wx0123456789abcdef', { mchId: '1900009191', apiKey: API_KEY, p12 });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'payment-bucket',
      Key: 'payment/wx0123456789abcdef/apiclient_cert.p12',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:ap-east-1:111122223333:key/abc',
    });
    expect(secrets.commandCalls(CreateSecretCommand)[0]!.args[0].input).toMatchObject({ Name: 'weapp-fleet/payment/wx0123456789abcdef', KmsKeyId: 'arn:aws:kms:ap-east-1:111122223333:key/abc' });
    expect(JSON.stringify(metadata)).not.toContain(API_KEY);
    expect(db.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ sk: 'PAYMENT', s3VersionId: 'v-new' });
  });

  it('undoes the certificate version and the new secret when the metadata write fails', async () => {
    db.on(PutCommand).rejects(new Error('throttled'));
    await expect(service.put('wx0123456789abcdef', { mchId: '1900009191', apiKey: API_KEY, p12 })).rejects.toThrow('throttled');
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'payment-bucket', Key: 'payment/wx0123456789abcdef/apiclient_cert.p12', VersionId: 'v-new' });
    expect(secrets.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toEqual({ SecretId: 'weapp-fleet/payment/wx0123456789abcdef', ForceDeleteWithoutRecovery: true });
  });

  it('makes no AWS call at all for an invalid P12', async () => {
    await expect(service.put('wx0123456789abcdef', { mchId: '1900009191', p12: Buffer.from('nope') })).rejects.toMatchObject({ code: 'p12_unreadable' });
    expect(s3.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
  });
});
