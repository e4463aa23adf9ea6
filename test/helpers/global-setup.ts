import { startDynamoDbLocal, type LocalDynamoDb } from '../../local/dynamodb';
import { freePort } from './free-port';

/** One in-memory DynamoDB Local for the whole run; each test file uses its own table. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  (globalThis as { __dynamo?: LocalDynamoDb }).__dynamo = dynamo;
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
}
