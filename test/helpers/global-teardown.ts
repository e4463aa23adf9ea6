import type { LocalDynamoDb } from '../../local/dynamodb';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dynamo?: LocalDynamoDb }).__dynamo?.stop();
}
