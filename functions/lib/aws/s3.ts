import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../config';
import { sharedClient } from './client-registry';

/** `S3_ENDPOINT` points it at a local stand-in; without it, the regional service. */
export function s3Client(): S3Client {
  return sharedClient(s3Client, () => {
    const { S3_ENDPOINT, AWS_REGION } = config();
    return new S3Client({
      region: AWS_REGION,
      // A local S3 is addressed by path and, like some S3-compatible stores, wants checksums
      // only where the API requires them (else streamed uploads keep the aws-chunked framing).
      ...(S3_ENDPOINT ? { endpoint: S3_ENDPOINT, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    });
  });
}
