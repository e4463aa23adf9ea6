import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../config';

/**
 * SDK clients built from configuration only: an `*_ENDPOINT` value points the same client at
 * a local stand-in, its absence at the real regional service. Created lazily and shared per
 * process, so a warm Lambda reuses its connections.
 */
let rawClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let secretsClient: SecretsManagerClient | undefined;
let stepFunctions: SFNClient | undefined;
let s3: S3Client | undefined;

export function s3Client(): S3Client {
  if (!s3) {
    const { S3_ENDPOINT, AWS_REGION } = config();
    s3 = new S3Client({
      region: AWS_REGION,
      // A local S3 is addressed by path and, like some S3-compatible stores, wants checksums
      // only where the API requires them (else streamed uploads keep the aws-chunked framing).
      ...(S3_ENDPOINT ? { endpoint: S3_ENDPOINT, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    });
  }
  return s3;
}

export function sfnClient(): SFNClient {
  if (!stepFunctions) {
    const { STEPFUNCTIONS_ENDPOINT, AWS_REGION } = config();
    stepFunctions = new SFNClient({ region: AWS_REGION, ...(STEPFUNCTIONS_ENDPOINT ? { endpoint: STEPFUNCTIONS_ENDPOINT } : {}) });
  }
  return stepFunctions;
}

export function dynamoClient(): DynamoDBClient {
  if (!rawClient) {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    rawClient = new DynamoDBClient({ region: AWS_REGION, ...(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {}) });
  }
  return rawClient;
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } });
  return documentClient;
}

export function secretsManagerClient(): SecretsManagerClient {
  if (!secretsClient) {
    const { SECRETS_MANAGER_ENDPOINT, AWS_REGION } = config();
    secretsClient = new SecretsManagerClient({
      region: AWS_REGION,
      ...(SECRETS_MANAGER_ENDPOINT ? { endpoint: SECRETS_MANAGER_ENDPOINT } : {}),
    });
  }
  return secretsClient;
}

/** For tests and the local runtime, after they change the environment. */
export function resetClients(): void {
  rawClient = undefined;
  documentClient = undefined;
  secretsClient = undefined;
  stepFunctions = undefined;
  s3 = undefined;
}
