import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { config } from '../config';
import { resetOnDemandClients } from './client-reset';

/**
 * SDK clients built from configuration only: an `*_ENDPOINT` value points the same client at
 * a local stand-in, its absence at the real regional service. Created lazily and shared per
 * process, so a warm Lambda reuses its connections. The S3 client is in s3-client.ts, loaded
 * only on the rare paths that use it.
 */
let rawClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let secretsClient: SecretsManagerClient | undefined;
let stepFunctions: SFNClient | undefined;

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
  resetOnDemandClients();
}
