import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../infra/local/dynamodb';
import { ReleaseStore } from '../../../../functions/lib/store/release-store';

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
});
