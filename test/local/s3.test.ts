import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb';
import { localS3ClientConfig, startLocalS3, type LocalS3 } from '../../local/s3';

const BUCKET = 'weapp-fleet-media';

describe('Function: startLocalS3', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'local-s3-'));
    // A data directory that does not exist yet: startLocalS3 must create it.
    s3 = await startLocalS3({ port: 0, dataDir: path.join(directory, 'data'), buckets: [BUCKET, 'weapp-fleet-other'] });
    client = new S3Client(localS3ClientConfig(s3.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates the configured buckets', async () => {
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name).sort()).toEqual([BUCKET, 'weapp-fleet-other']);
  });

  it('stores, lists and deletes binary objects byte-exact', async () => {
    const body = Buffer.concat([Buffer.from([...Array(256).keys()]), randomBytes(64 * 1024)]);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'packages/app 1/code.zip', Body: body, ContentType: 'application/zip' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'packages/app 2/code.zip', Body: Buffer.from('x') }));

    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'packages/app 1/code.zip' }));
    expect(got.ContentType).toBe('application/zip');
    expect(got.ContentLength).toBe(body.length);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);

    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'packages/' }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([
      ['packages/app 1/code.zip', body.length],
      ['packages/app 2/code.zip', 1],
    ]);

    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'packages/app 1/code.zip' }));
    const after = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'packages/' }));
    expect(after.Contents?.map((o) => o.Key)).toEqual(['packages/app 2/code.zip']);
  });

  it('answers NoSuchKey for a missing object', async () => {
    const error = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSuchKey);
    expect((error as NoSuchKey).$metadata.httpStatusCode).toBe(404);
  });

  it('stores a streamed body without aws-chunked framing', async () => {
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed', Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]), ContentLength: 11 }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed' }));
    expect(await got.Body!.transformToString()).toBe('hello world');
  });

  it('accepts SSE-KMS parameters but neither applies nor echoes them', async () => {
    const put = await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'encrypted',
        Body: Buffer.from('secret'),
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:ap-east-1:111111111111:key/00000000-0000-0000-0000-000000000000',
      }),
    );
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.VersionId).toBeUndefined();
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'encrypted' }));
    expect(head.ServerSideEncryption).toBeUndefined();
    expect(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'encrypted' }))).Body!.transformToString()).toBe('secret');
  });

  it('accepts the platform-wide local credentials from the environment and rejects unknown access keys', async () => {
    // Handlers build their S3Client from the environment, where the local platform puts LOCAL_AWS_CREDENTIALS.
    const handlerLike = new S3Client({ endpoint: s3.endpoint, region: 'ap-east-1', forcePathStyle: true, credentials: LOCAL_AWS_CREDENTIALS });
    await expect(handlerLike.send(new ListObjectsV2Command({ Bucket: BUCKET }))).resolves.toMatchObject({ Name: BUCKET });
    handlerLike.destroy();

    const stranger = new S3Client({ ...localS3ClientConfig(s3.endpoint), credentials: { accessKeyId: 'other', secretAccessKey: 'other' } });
    await expect(stranger.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    stranger.destroy();
  });

  it('keeps objects across a restart on the same data directory', async () => {
    const dataDir = path.join(directory, 'restart');
    let first: LocalS3 | undefined = await startLocalS3({ port: 0, dataDir, buckets: ['kept-bucket'] });
    let c = new S3Client(localS3ClientConfig(first.endpoint));
    await c.send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: 'k', Body: Buffer.from([9, 8, 7]) }));
    c.destroy();
    await first.stop();
    first = undefined;

    const second = await startLocalS3({ port: 0, dataDir, buckets: ['kept-bucket'] });
    c = new S3Client(localS3ClientConfig(second.endpoint));
    try {
      const got = await c.send(new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'k' }));
      expect([...(await got.Body!.transformToByteArray())]).toEqual([9, 8, 7]);
    } finally {
      c.destroy();
      await second.stop();
    }
  });
});
