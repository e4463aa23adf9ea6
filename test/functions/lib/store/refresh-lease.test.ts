import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';

describe('Class: RefreshLease', () => {
  const tableName = `leases-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const now = Date.UTC(2026, 0, 1);
  const key = (name: string) => ({ pk: `TEST#${name}`, sk: 'LEASED' });
  const item = async (name: string) => (await db.send(new GetCommand({ TableName: tableName, Key: key(name) }))).Item;

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('lets one holder at a time in, until its lease runs out; mustExist never creates the item', async () => {
    const [a, b] = [new RefreshLease(db, tableName), new RefreshLease(db, tableName)];
    expect(await a.acquire(key('missing'), 1000, now, { mustExist: true })).toBeUndefined();
    expect(await a.acquire(key('x'), 1000, now)).toMatchObject({ leaseOwner: a.owner, leaseUntil: now + 1000 });
    expect(await b.acquire(key('x'), 1000, now + 500)).toBeUndefined();
    expect(await b.acquire(key('x'), 1000, now + 1001)).toMatchObject({ leaseOwner: b.owner });
  });

  it('writes and removes attributes as it releases, only while still the holder', async () => {
    const [a, b] = [new RefreshLease(db, tableName), new RefreshLease(db, tableName)];
    await a.acquire(key('y'), 1000, now);
    expect(await b.complete(key('y'), { value: 'b' })).toBe(false);
    expect(await a.complete(key('y'), { value: 'a', other: 1 })).toBe(true);
    expect(await item('y')).toEqual({ ...key('y'), value: 'a', other: 1 });
    await a.acquire(key('y'), 1000, now + 10);
    expect(await a.complete(key('y'), {}, ['other'])).toBe(true);
    expect(await item('y')).toEqual({ ...key('y'), value: 'a' });
    await b.acquire(key('y'), 1000, now + 20);
    await b.release(key('y'));
    expect(await item('y')).toEqual({ ...key('y'), value: 'a' });
  });
});
