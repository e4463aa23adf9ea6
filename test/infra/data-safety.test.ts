import type { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_ROUTE_THROTTLE } from '../../infra/throttles';
import { only, refId, render, resourceById, resources, type Resource, type Statement, synthStack } from './stack-template';

type BucketPolicy = { Statement: Statement[] };

describe('data safety', () => {
  let template: Template;
  let buckets: [string, Resource][];
  /** Buckets other buckets deliver their access logs to. */
  let logBuckets: Set<string>;

  beforeAll(() => {
    ({ template } = synthStack());
    buckets = resources(template, 'AWS::S3::Bucket');
    logBuckets = new Set(
      buckets.flatMap(([, b]) => {
        const logging = b.Properties?.LoggingConfiguration as { DestinationBucketName?: unknown } | undefined;
        return logging?.DestinationBucketName ? [refId(logging.DestinationBucketName)] : [];
      }),
    );
  });

  function policyOf(bucketId: string): BucketPolicy {
    const [, policy] = only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } });
    return policy.Properties?.PolicyDocument as BucketPolicy;
  }

  it('finds the buckets: payment certificates, release target lists, console, and their access logs', () => {
    expect(buckets).toHaveLength(6);
    expect(logBuckets.size).toBe(3);
  });

  it('every bucket blocks public access and encrypts at rest', () => {
    for (const [id, bucket] of buckets) {
      expect({ id, block: bucket.Properties?.PublicAccessBlockConfiguration }).toEqual({
        id,
        block: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      const sse = (bucket.Properties?.BucketEncryption as { ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[] })
        .ServerSideEncryptionConfiguration;
      expect(['AES256', 'aws:kms']).toContain(sse[0]?.ServerSideEncryptionByDefault.SSEAlgorithm);
    }
  });

  it('every bucket refuses requests without TLS', () => {
    for (const [id] of buckets) {
      const deny = policyOf(id).Statement.find((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }));
      expect({ id, deny: deny && { action: deny.Action, resources: (deny.Resource as unknown[]).map(render) } }).toEqual({
        id,
        deny: { action: 's3:*', resources: [`<${id}.Arn>`, `<${id}.Arn>/*`] },
      });
    }
  });

  it('no bucket policy lets anyone but CloudFront, for the console distribution, read', () => {
    const [distributionId] = only(template, 'AWS::CloudFront::Distribution');
    for (const [id] of buckets) {
      for (const statement of policyOf(id).Statement.filter((s) => s.Effect === 'Allow')) {
        expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
        expect(statement.Action).toBe('s3:GetObject');
        expect(render((statement.Condition as { StringEquals: { 'AWS:SourceArn': unknown } }).StringEquals['AWS:SourceArn'])).toContain(`distribution/<${distributionId}>`);
      }
    }
  });

  it('buckets holding data are versioned; the others (access logs, transient target lists) expire their objects', () => {
    const versioned = buckets.filter(([, b]) => (b.Properties?.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled');
    // Merchant certificates and the console build.
    expect(versioned).toHaveLength(2);
    for (const [id, bucket] of buckets) {
      if (versioned.some(([v]) => v === id)) continue;
      const rules = (bucket.Properties?.LifecycleConfiguration as { Rules: { ExpirationInDays?: number }[] } | undefined)?.Rules ?? [];
      expect({ id, expires: rules.some((r) => (r.ExpirationInDays ?? 0) > 0) }).toEqual({ id, expires: true });
    }
  });

  it('every bucket that is not itself an access-log bucket writes access logs', () => {
    for (const [id, bucket] of buckets) {
      if (logBuckets.has(id)) continue;
      expect({ id, logs: Boolean(bucket.Properties?.LoggingConfiguration) }).toEqual({ id, logs: true });
    }
  });

  it('the payment certificates use a customer-managed key', () => {
    const kms = buckets.filter(([, b]) => JSON.stringify(b.Properties?.BucketEncryption).includes('aws:kms'));
    expect(kms).toHaveLength(1);
    const keyRef = (kms[0]![1].Properties?.BucketEncryption as { ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[] })
      .ServerSideEncryptionConfiguration[0]!.ServerSideEncryptionByDefault.KMSMasterKeyID;
    expect(resourceById(template, refId(keyRef)).Type).toBe('AWS::KMS::Key');
  });

  it('the table has PITR, deletion protection and a customer-managed key', () => {
    const [, table] = only(template, 'AWS::DynamoDB::GlobalTable');
    const replica = (table.Properties?.Replicas as Record<string, unknown>[])[0];
    expect(replica).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true });
    expect(resourceById(template, refId((replica?.SSESpecification as { KMSMasterKeyId: unknown }).KMSMasterKeyId)).Type).toBe('AWS::KMS::Key');
  });

  it('every customer-managed key rotates', () => {
    const keys = resources(template, 'AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const [id, key] of keys) expect({ id, rotates: key.Properties?.EnableKeyRotation }).toEqual({ id, rotates: true });
  });

  it('queues and the alarm topic are encrypted and TLS-only', () => {
    for (const [id, queue] of resources(template, 'AWS::SQS::Queue')) {
      expect({ id, sse: queue.Properties?.SqsManagedSseEnabled ?? Boolean(queue.Properties?.KmsMasterKeyId) }).toEqual({ id, sse: true });
    }
    const [topicId, topic] = only(template, 'AWS::SNS::Topic');
    expect(resourceById(template, refId(topic.Properties?.KmsMasterKeyId)).Type).toBe('AWS::KMS::Key');
    const [, topicPolicy] = only(template, 'AWS::SNS::TopicPolicy', { Topics: [{ Ref: topicId }] });
    expect((topicPolicy.Properties?.PolicyDocument as BucketPolicy).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('the HTTP API stage throttles every route (rate and burst; per-route limits in test/infra/throttles.test.ts)', () => {
    const [, stage] = only(template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties?.DefaultRouteSettings as { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
    expect(settings.ThrottlingRateLimit).toBe(DEFAULT_ROUTE_THROTTLE.rateLimit);
    expect(settings.ThrottlingBurstLimit).toBe(DEFAULT_ROUTE_THROTTLE.burstLimit);
  });
});
