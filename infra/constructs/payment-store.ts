import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_PAYMENT_SECRET_PREFIX } from '../../functions/lib/config';
import { accessLogBucket } from './access-log-bucket';
import { nagRef } from './nag';

type NodejsFunctionLike = LambdaFunction & { role?: IRole };

/**
 * Where merchants' payment credentials live: `apiclient_cert.p12` in a private, versioned,
 * KMS-encrypted, TLS-only bucket; keys in one Secrets Manager secret per authorizer under a
 * fixed prefix, encrypted with the same key.
 */
export class PaymentStore extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', { enableKeyRotation: true, description: 'weapp-fleet payment certificates and keys', removalPolicy: RemovalPolicy.RETAIN });
    const accessLogs = accessLogBucket(this, 'AccessLogs', { logsOf: 'the payment bucket', days: 365, ownership: ObjectOwnership.BUCKET_OWNER_PREFERRED });
    this.bucket = new Bucket(this, 'Certificates', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      // Replacing settings keeps the previous certificate recoverable.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'certificates/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Writing and deleting certificates (nothing in the platform reads one back; undoing a failed
   * update deletes the version it wrote, hence DeleteObject*) and the payment secrets, nothing else.
   */
  grant(fn: NodejsFunctionLike): void {
    // The put grant also grants the payment key (encrypt, decrypt, data keys), which the payment secrets use too.
    this.bucket.grantPut(fn, 'payment/*');
    this.bucket.grantDelete(fn, 'payment/*');
    const secrets = Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${DEFAULT_PAYMENT_SECRET_PREFIX}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:DeleteSecret'],
        resources: [secrets],
      }),
    );
    fn.addEnvironment('PAYMENT_BUCKET', this.bucket.bucketName);
    fn.addEnvironment('PAYMENT_KMS_KEY_ID', this.key.keyArn);
    fn.addEnvironment('PAYMENT_SECRET_PREFIX', DEFAULT_PAYMENT_SECRET_PREFIX);
    if (fn.role) {
      Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagRef(this, this.bucket.bucketArn)}/payment/*]`, reason: 'The payment function writes and deletes merchant certificates under payment/ of the payment bucket only.' });
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagRef(this, secrets)}]`,
        reason: 'One secret per authorizer, created at run time under this fixed prefix; the name suffix is not known at deploy time.',
      });
      Validations.of(fn.role).acknowledge({ id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: 'Deleting a merchant certificate (DELETE …/payment), limited to the payment/ prefix.' });
      Validations.of(fn.role).acknowledge({ id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'Aborting multipart uploads, which the S3 write grant adds, limited to the payment/ prefix.' });
      Validations.of(fn.role).acknowledge({ id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'KMS action families that the S3 put grant adds for the encrypted bucket, on the single payment key only.' });
      Validations.of(fn.role).acknowledge({ id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'KMS action families that the S3 put grant adds for the encrypted bucket, on the single payment key only.' });
    }
  }
}
