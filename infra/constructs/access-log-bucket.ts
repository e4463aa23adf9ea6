import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface AccessLogBucketOptions {
  /** What delivers its logs here, as the acknowledgement names it ("the payment bucket"). */
  readonly logsOf: string;
  readonly days: number;
  /** S3 server access logs need bucket-owner ownership; CloudFront standard logs an ACL grant (object writer). */
  readonly ownership: ObjectOwnership;
}

/**
 * A private, encrypted, TLS-only bucket that another bucket (or a distribution) writes its access
 * logs to, expiring them after `days`. Kept when the stack goes: the logs are the audit trail.
 */
export function accessLogBucket(scope: Construct, id: string, options: AccessLogBucketOptions): Bucket {
  const bucket = new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: options.ownership,
    lifecycleRules: [{ expiration: Duration.days(options.days) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: `This is the access-log bucket of ${options.logsOf}; logging it into itself would loop.` });
  return bucket;
}
