import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeCipher, CipherContext } from '../crypto-at-rest/attribute-cipher';

/**
 * Sets `expiresAt` to 0 only while the encrypted `attribute` still holds `staleValue`, so a
 * token written meanwhile survives. Ciphertexts of one value differ (random IV), so the stored
 * bytes are read, opened and compared here, and the write is conditioned on those very bytes.
 */
export async function expireIfSealedValueIs(
  db: DynamoDBDocumentClient,
  cipher: AttributeCipher,
  request: { tableName: string; key: Record<string, string>; attribute: string; context: CipherContext; staleValue: string },
): Promise<void> {
  const { tableName, key, attribute, context, staleValue } = request;
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true, ProjectionExpression: '#value', ExpressionAttributeNames: { '#value': attribute } }),
  );
  const stored: unknown = Item?.[attribute];
  if (stored === undefined || (await cipher.open(stored, context)) !== staleValue) return;
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET expiresAt = :zero',
        ConditionExpression: '#value = :stored',
        ExpressionAttributeNames: { '#value': attribute },
        ExpressionAttributeValues: { ':stored': stored, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
