import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoComponentTokenStore } from '../../../../functions/lib/store/component-token-store';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';

describe('Class: DynamoComponentTokenStore', () => {
  const tableName = `component-tokens-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const store = () => new DynamoComponentTokenStore(db, tableName, new RefreshLease(db, tableName));
  const now = Date.UTC(2026, 0, 1);
  const token = (name: string) => ({ token: name, expiresAt: now + 7_200_000, obtainedAt: now });

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('refreshes under a lease that one holder has at a time, even before any token exists', async () => {
    const componentAppId = 'wxcomponent000005';
    const [first, second] = [store(), store()];
    expect(await first.get(componentAppId)).toBeUndefined();
    expect(await first.acquireLease(componentAppId, 30_000, now)).toEqual({ current: undefined });
    expect(await second.acquireLease(componentAppId, 30_000, now + 1)).toBeUndefined();
    expect(await first.completeRefresh(componentAppId, token('ct-1'))).toBe(true);
    expect(await first.get(componentAppId)).toEqual(token('ct-1'));
    // The lease is free again, and a holder that lost it cannot write.
    expect((await second.acquireLease(componentAppId, 30_000, now + 2))?.current).toEqual(token('ct-1'));
    expect(await first.completeRefresh(componentAppId, token('ct-lost'))).toBe(false);
    await second.releaseLease(componentAppId);
    expect(await first.acquireLease(componentAppId, 30_000, now + 3)).toBeDefined();
  });

  it('expires the token only while it is still the stale one', async () => {
    const componentAppId = 'wxcomponent000006';
    const holder = store();
    await holder.acquireLease(componentAppId, 30_000, now);
    await holder.completeRefresh(componentAppId, token('ct-2'));
    await holder.expireIfCurrent(componentAppId, 'ct-other');
    expect((await holder.get(componentAppId))?.expiresAt).toBe(now + 7_200_000);
    await holder.expireIfCurrent(componentAppId, 'ct-2');
    expect(await holder.get(componentAppId)).toEqual({ ...token('ct-2'), expiresAt: 0 });
  });
});
