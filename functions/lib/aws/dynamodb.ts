import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { sharedClient } from './client-registry';

/** `DYNAMODB_ENDPOINT` points it at a local stand-in; without it, the regional service. */
export function dynamoClient(): DynamoDBClient {
  return sharedClient(dynamoClient, () => {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    return new DynamoDBClient({ region: AWS_REGION, ...(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {}) });
  });
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  return sharedClient(dynamoDocumentClient, () => DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } }));
}
