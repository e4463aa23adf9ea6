import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { LOCAL_AWS_CREDENTIALS } from './dynamodb';

export interface LocalS3 {
  endpoint: string;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  /** 0 picks a free port; `endpoint` carries the one chosen. */
  port: number;
  /** Objects live here as plain files, so they survive restarts. */
  dataDir: string;
  /** Created (if missing) before the server answers, like the CDK stack's buckets. */
  buckets: string[];
  host?: string;
}

/**
 * The key pair s3rver ships with. It verifies only that the access key id is registered:
 * SigV4 signatures (all the SDK v3 sends) are not checked, so the secret never matters.
 */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * The part of s3rver 3.7.1 used here. The package ships no types; declaring the surface
 * keeps the rest of this file typed instead of letting `any` leak in from `require`.
 */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** Set by `run()`. */
  httpServer?: Server;
}
/** s3rver's in-process key registry (`lib/models/account`); the dummy account owns every bucket. */
interface S3rverAccounts {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
  allowMismatchedSignatures: boolean;
  resetOnClose: boolean;
  vhostBuckets: boolean;
}) => S3rverServer;

/**
 * Starts s3rver (a file-backed S3 on Koa) with the given buckets.
 *
 * What it does NOT do, unlike S3 (checked against 3.7.1) — handlers must not rely on these:
 * - Versioning. A PutObject overwrites in place and returns no `VersionId`; `GetObject` ignores
 *   a `VersionId`; DeleteObject leaves no delete marker. `?versioning` is not even routed:
 *   PutBucketVersioning is taken for CreateBucket and fails with 409 BucketAlreadyExists,
 *   GetBucketVersioning answers without a `Status`, ListObjectVersions with 405. Versioning
 *   belongs in the CDK bucket definition, never in handler calls.
 * - SSE-KMS / SSE-S3. `ServerSideEncryption` and `SSEKMSKeyId` are accepted and dropped: the
 *   PutObject succeeds, the object is stored in clear, no response echoes the encryption.
 *   PutBucketEncryption answers 501 NotImplemented. A handler may send the same SSE-KMS
 *   parameters locally as on AWS but must not check the echoed encryption headers.
 * - Authentication. Only the access key id is checked (`S3RVER` and the local platform's); SigV4 signatures
 *   are not verified, and there are no bucket policies.
 */
export async function startLocalS3({ port, dataDir, buckets, host = '127.0.0.1' }: LocalS3Options): Promise<LocalS3> {
  // s3rver's filesystem store assumes its root exists; the first request fails otherwise.
  mkdirSync(dataDir, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverConstructor;
  // The registry is process-wide and keys stay registered after stop(): other local S3s in
  // the same process (tests) may still rely on them, and it exists only in this dev process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const accounts = require('s3rver/lib/models/account') as S3rverAccounts;
  // Besides s3rver's own `S3RVER`, the id the local platform gives every handler, so the
  // handlers' S3Client, built from the environment alone, is accepted.
  accounts.DUMMY_ACCOUNT.createKeyPair(LOCAL_AWS_CREDENTIALS.accessKeyId, 'unused: SigV4 is not verified');
  const server = new S3rver({
    address: host,
    port,
    directory: dataDir,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
    // Only matters for SigV2 requests, which the SDK v3 never sends.
    allowMismatchedSignatures: false,
    resetOnClose: false,
    // Path-style only: virtual-host names would need DNS for `<bucket>.127.0.0.1`.
    vhostBuckets: false,
  });
  const address = await server.run();
  let stopped = false;
  return {
    endpoint: `http://${host}:${address.port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const closing = server.close();
      // `close()` waits for idle keep-alive sockets the SDK's agent still holds open.
      server.httpServer?.closeAllConnections();
      await closing;
    },
  };
}

/**
 * An S3Client configuration for a local S3 started on its own, outside the platform's
 * environment (the handlers build theirs from it in functions/lib/aws/clients.ts). It carries
 * s3rver's built-in key pair and the settings s3rver needs.
 */
export function localS3ClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: 'local',
    credentials: S3RVER_CREDENTIALS,
    // s3rver only understands `host/bucket/key`.
    forcePathStyle: true,
    // Since SDK 3.729 the client adds CRC32 checksums by default, which turns a streamed
    // PutObject into an `aws-chunked` body with trailers; s3rver does not decode that framing
    // and would store it inside the object. Only checksum where an operation requires it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * Reads an object of a local S3 as text, with s3rver's key pair: what the state machine's own
 * role does in AWS for a distributed Map's ItemReader (`s3:getObject`), for the local Step
 * Functions runtime, which is not a handler and so has no environment-built client.
 */
export function s3ObjectReader(endpoint: string): (bucket: string, key: string) => Promise<string> {
  const client = new S3Client(localS3ClientConfig(endpoint));
  return async (bucket, key) => {
    const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return Body.transformToString('utf8');
  };
}
