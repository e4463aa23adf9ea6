import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { keys } from './keys';

export interface StoredComponentToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  obtainedAt: number;
}

/** The shared `component_access_token` of one component appid. */
export class ComponentTokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(componentAppId: string): Promise<StoredComponentToken | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.componentToken(componentAppId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return { token: String(Item.token), expiresAt: Number(Item.expiresAt), obtainedAt: Number(Item.obtainedAt) };
  }

  async put(componentAppId: string, value: StoredComponentToken): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.componentToken(componentAppId), type: 'ComponentToken', ...value },
      }),
    );
  }

  /** Deletes the token only if it is still `staleToken`, so a newer token written meanwhile survives. */
  async expireIfCurrent(componentAppId: string, staleToken: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.componentToken(componentAppId),
          ConditionExpression: '#token = :stale',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':stale': staleToken },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
