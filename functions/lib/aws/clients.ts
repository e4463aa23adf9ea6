import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '../config';
import { resetOnDemandClients } from './client-reset';

/**
 * SDK clients built from configuration only: an `*_ENDPOINT` value points the same client at
 * a local stand-in, its absence at the real regional service. Created lazily and shared per
 * process, so a warm Lambda reuses its connections. The S3 and Step Functions clients have
 * their own modules (s3-client.ts, sfn-client.ts), loaded on demand where only rare paths use them.
 */
let rawClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let secretsClient: SecretsManagerClient | undefined;

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
  resetOnDemandClients();
}
