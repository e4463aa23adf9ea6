import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../config';
import { resettableClient } from './client-reset';

/**
 * The S3 client, apart from clients.ts: only rare paths use it (a large release's target list,
 * a merchant's P12), and they load this module with `await import()`, so the client and its XML
 * protocol (~130 KB minified) are not part of any function's cold start. Built from configuration
 * like the others (`S3_ENDPOINT` → a local stand-in).
 */
export const s3Client = resettableClient(() => {
  const { S3_ENDPOINT, AWS_REGION } = config();
  return new S3Client({
    region: AWS_REGION,
    // A local S3 is addressed by path and, like some S3-compatible stores, wants checksums
    // only where the API requires them (else streamed uploads keep the aws-chunked framing).
    ...(S3_ENDPOINT ? { endpoint: S3_ENDPOINT, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
});
