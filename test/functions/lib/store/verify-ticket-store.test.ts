import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoVerifyTicketStore } from '../../../../functions/lib/store/verify-ticket-store';

describe('Class: DynamoVerifyTicketStore', () => {
  const tableName = `tickets-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const tickets = new DynamoVerifyTicketStore(db, tableName);
  const componentAppId = 'wxcomponent000004';
  const ticket = (n: number) => ({ componentAppId, ticket: `ticket@@@${n}`, createTime: 1_767_225_600 + n, receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString() });

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('keeps only the newest ticket, telling a re-delivery from a late older push', async () => {
    expect(await tickets.get(componentAppId)).toBeUndefined();
    expect(await tickets.save(ticket(2))).toBe('stored');
    expect(await tickets.save(ticket(2))).toBe('duplicate');
    expect(await tickets.save(ticket(1))).toBe('stale');
    expect(await tickets.get(componentAppId)).toEqual(ticket(2));
    expect(await tickets.save(ticket(3))).toBe('stored');
    expect(await tickets.get(componentAppId)).toEqual(ticket(3));
  });
});
