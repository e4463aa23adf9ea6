import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { keys } from './keys';

export interface VerifyTicket {
  componentAppId: string;
  ticket: string;
  /** WeChat's `CreateTime` of the push, epoch seconds. */
  createTime: number;
  /** When the platform stored it, ISO-8601. */
  receivedAt: string;
}

/** `stored`: newest ticket now. `duplicate`: WeChat re-delivered the same push. `stale`: an older push arrived late. */
export type SaveTicketOutcome = 'stored' | 'duplicate' | 'stale';

/**
 * Keeps only the newest `component_verify_ticket` per component appid. The conditional write
 * makes re-deliveries and out-of-order pushes harmless without a read first.
 */
export interface VerifyTicketStore {
  save(ticket: VerifyTicket): Promise<SaveTicketOutcome>;
  get(componentAppId: string): Promise<VerifyTicket | undefined>;
}

export class DynamoVerifyTicketStore implements VerifyTicketStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(ticket: VerifyTicket): Promise<SaveTicketOutcome> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.verifyTicket(ticket.componentAppId), type: 'VerifyTicket', ...ticket },
          ConditionExpression: 'attribute_not_exists(pk) OR createTime < :createTime',
          ExpressionAttributeValues: { ':createTime': ticket.createTime },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'stored';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item as { createTime?: { N?: string }; ticket?: { S?: string } } | undefined;
      const sameCreateTime = Number(existing?.createTime?.N) === ticket.createTime;
      return sameCreateTime && existing?.ticket?.S === ticket.ticket ? 'duplicate' : 'stale';
    }
  }

  async get(componentAppId: string): Promise<VerifyTicket | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.verifyTicket(componentAppId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      componentAppId,
      ticket: String(Item.ticket),
      createTime: Number(Item.createTime),
      receivedAt: String(Item.receivedAt),
    };
  }
}
