import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { ReleaseStore } from '../../../../functions/lib/store/release-store';
import { IllegalTransitionError } from '../../../../functions/lib/release/target-lifecycle';

describe('Class: ReleaseStore', () => {
  const tableName = `releases-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const store = new ReleaseStore(db, tableName);
  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('allTargets reads every page: approve, cancel, rollback and re-drive see the whole fleet', async () => {
    const appIds = Array.from({ length: 1100 }, (_, i) => `wx${String(i).padStart(16, '0')}`);
    await store.create({ releaseId: 'rel-pages', templateId: '1', userVersion: '1', userDesc: '', createdBy: 't', createdAt: new Date().toISOString(), options: { autoRelease: true, maxConcurrency: 10 } }, appIds);
    // One admin page holds at most 1,000; the whole-fleet read must not stop there.
    expect((await store.targets('rel-pages')).items).toHaveLength(1000);
    expect(await store.allTargets('rel-pages')).toHaveLength(1100);
    await store.transition('rel-pages', appIds[1099]!, ['pending'], 'failed', { failure: { step: 'commit', reason: 'x' } });
    expect((await store.allTargets('rel-pages', 'failed')).map((t) => t.appId)).toEqual([appIds[1099]]);
    expect((await store.get('rel-pages'))?.counts).toMatchObject({ pending: 1099, failed: 1 });
  });

  it('transition refuses a move the target lifecycle does not allow, and writes nothing', async () => {
    await store.create({ releaseId: 'rel-illegal', templateId: '1', userVersion: '1', userDesc: '', createdBy: 't', createdAt: new Date().toISOString(), options: { autoRelease: true, maxConcurrency: 1 } }, ['wx0000000000000001']);
    await expect(store.transition('rel-illegal', 'wx0000000000000001', ['pending'], 'released')).rejects.toThrow(IllegalTransitionError);
    // One illegal `from` among legal ones is refused too: the caller's expectation is wrong.
    await expect(store.transition('rel-illegal', 'wx0000000000000001', ['pending', 'cancelled'], 'domains_set')).rejects.toMatchObject({ name: 'IllegalTransitionError', from: 'cancelled', to: 'domains_set' });
    expect(await store.getTarget('rel-illegal', 'wx0000000000000001')).toMatchObject({ state: 'pending', history: [{ state: 'pending' }] });
    expect((await store.get('rel-illegal'))?.counts).toMatchObject({ pending: 1, released: 0, domains_set: 0 });
    expect(await store.transition('rel-illegal', 'wx0000000000000001', ['pending'], 'domains_set')).toBe(true);
  });

  it('running() finds every running release, however many came after it, and follows finish and reopen', async () => {
    // A table of its own: the count of running releases is the table's.
    const ownTable = `releases-${randomUUID()}`;
    await ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, ownTable);
    const own = new ReleaseStore(db, ownTable);
    const base = { templateId: '1', userVersion: '1', userDesc: '', createdBy: 't', options: { autoRelease: true, maxConcurrency: 1 } };
    await own.create({ ...base, releaseId: 'rel-oldest', createdAt: '2026-01-01T00:00:00.000Z' }, ['wx0000000000000001']);
    for (let i = 0; i < 25; i++) {
      await own.create({ ...base, releaseId: `rel-newer-${i}`, createdAt: `2026-02-01T00:00:${String(i).padStart(2, '0')}.000Z` }, ['wx0000000000000001']);
      if (i !== 24) await own.finish(`rel-newer-${i}`, 'succeeded');
    }
    expect((await own.list(20)).map((r) => r.releaseId)).not.toContain('rel-oldest');
    expect((await own.running()).map((r) => r.releaseId)).toEqual(['rel-newer-24', 'rel-oldest']);

    await own.finish('rel-oldest', 'cancelled');
    expect((await own.running()).map((r) => r.releaseId)).toEqual(['rel-newer-24']);
    await own.reopen('rel-oldest');
    expect((await own.running()).map((r) => r.releaseId)).toEqual(['rel-newer-24', 'rel-oldest']);
  });

  it('running() skips and removes a marker a finish left behind when interrupted after the status', async () => {
    const tableName = `releases-${randomUUID()}`;
    await ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName);
    const own = new ReleaseStore(db, tableName);
    await own.create({ releaseId: 'rel-interrupted', templateId: '1', userVersion: '1', userDesc: '', createdBy: 't', createdAt: new Date().toISOString(), options: { autoRelease: true, maxConcurrency: 1 } }, ['wx0000000000000001']);
    // The status write of finish, without the marker removal that follows it.
    await db.send(new UpdateCommand({ TableName: tableName, Key: { pk: 'RELEASE#rel-interrupted', sk: 'META' }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'succeeded' } }));
    const markers = async () => (await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'RELEASES#RUNNING' }, ConsistentRead: true }))).Items ?? [];
    expect(await markers()).toHaveLength(1);
    expect(await own.running()).toEqual([]);
    expect(await markers()).toHaveLength(0);
  });

  it('running() keeps the marker of a release whose item is not written yet (create marks first)', async () => {
    const tableName = `releases-${randomUUID()}`;
    await ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName);
    const own = new ReleaseStore(db, tableName);
    // The moment inside create() between the marker and the release item.
    await db.send(new PutCommand({ TableName: tableName, Item: { pk: 'RELEASES#RUNNING', sk: 'rel-being-created', type: 'RunningRelease' } }));
    expect(await own.running()).toEqual([]);
    await own.create({ releaseId: 'rel-being-created', templateId: '1', userVersion: '1', userDesc: '', createdBy: 't', createdAt: new Date().toISOString(), options: { autoRelease: true, maxConcurrency: 1 } }, ['wx0000000000000001']);
    expect((await own.running()).map((r) => r.releaseId)).toEqual(['rel-being-created']);
  });
});
