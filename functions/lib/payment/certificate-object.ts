import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * The merchant's P12 as an S3 object. Its own module, loaded with `await import()` by
 * PaymentService only when a call stores or removes a certificate, so the S3 commands and their
 * XML protocol are not part of adminPayment's cold start.
 */

/** Writes the P12 (SSE-KMS with the payment key when one is configured); returns the new version. */
export async function putCertificate(s3: S3Client, bucket: string, key: string, p12: Buffer, kmsKeyId: string | undefined): Promise<string | undefined> {
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: p12,
      ContentType: 'application/x-pkcs12',
      ...(kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : {}),
    }),
  );
  return put.VersionId;
}

/** Removes one version of the certificate, or (without a version) makes the current one non-current. */
export async function deleteCertificate(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
}
