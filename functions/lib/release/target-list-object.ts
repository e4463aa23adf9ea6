import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../aws/s3';

/**
 * Writes the app ids of a large release (more than RELEASE_INLINE_TARGETS_MAX) as the JSON
 * array the state machine's Distributed Map reads. Its own module, loaded with `await import()`
 * by ReleaseService only for such a release, so the S3 client and its XML protocol (~130 KB
 * minified) load on that rare path instead of at every adminReleases cold start.
 */
export async function writeTargetList(bucket: string, key: string, appIds: readonly string[]): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(appIds), ContentType: 'application/json' }));
}
