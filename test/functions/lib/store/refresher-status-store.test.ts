import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoRefresherStatusStore, type RefresherRun } from '../../../../functions/lib/store/refresher-status-store';

describe('Class: DynamoRefresherStatusStore', () => {
  const tableName = `refresher-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const store = new DynamoRefresherStatusStore(db, tableName);
  const run = (outcome: RefresherRun['outcome']): RefresherRun => ({
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 120,
    outcome,
    ticket: 'fresh',
    component: 'fresh',
    authorizers: { due: 2, refreshed: 1, repaired: 0, failed: 1, reauthorizationRequired: 0, unauthorized: 0 },
  });

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('keeps the last run per component', async () => {
    expect(await store.get('wxcomponent000007')).toBeUndefined();
    await store.save('wxcomponent000007', run('ok'));
    await store.save('wxcomponent000007', { ...run('partial'), error: 'one failed' });
    expect(await store.get('wxcomponent000007')).toEqual({ ...run('partial'), error: 'one failed' });
    expect(await store.get('wxcomponent000008')).toBeUndefined();
  });
});
