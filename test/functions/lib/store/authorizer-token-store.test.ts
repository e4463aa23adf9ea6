import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoAuthorizerTokenStore } from '../../../../functions/lib/store/authorizer-token-store';
import { keys } from '../../../../functions/lib/store/keys';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';

describe('Class: DynamoAuthorizerTokenStore', () => {
  const tableName = `authorizer-tokens-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const store = () => new DynamoAuthorizerTokenStore(db, tableName, new RefreshLease(db, tableName));
  const component = 'wxcomponent000001';
  const now = Date.UTC(2026, 0, 1);
  let n = 0;
  const appId = () => `wxtoken${String(++n).padStart(10, '0')}`;
  const seed = (id: string, expiresAt: number, extra: Record<string, unknown> = {}) =>
    db.send(new PutCommand({ TableName: tableName, Item: { ...keys.authorizerToken(id), ...keys.tokenExpiryIndex(component, expiresAt, id), type: 'AuthorizerToken', appId: id, componentAppId: component, accessToken: 'at-old', refreshToken: 'rt-old', expiresAt, refreshedAt: now - 1000, ...extra } }));
  const raw = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: keys.authorizerToken(id) }))).Item;

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('reads a token as stored, and nothing for an unknown appid', async () => {
    const id = appId();
    await seed(id, now + 60_000);
    expect(await store().getToken(id)).toEqual({ appId: id, componentAppId: component, accessToken: 'at-old', refreshToken: 'rt-old', expiresAt: now + 60_000, refreshedAt: now - 1000 });
    expect(await store().getToken(appId())).toBeUndefined();
  });

  it('gives the lease to one holder at a time and never creates the item', async () => {
    const id = appId();
    await seed(id, now);
    const [first, second] = [store(), store()];
    expect((await first.acquireTokenLease(id, 30_000, now))?.current?.refreshToken).toBe('rt-old');
    expect(await second.acquireTokenLease(id, 30_000, now + 1000)).toBeUndefined();
    // A dead holder's lease runs out.
    expect(await second.acquireTokenLease(id, 30_000, now + 31_000)).toBeDefined();
    expect(await first.acquireTokenLease(appId(), 30_000, now)).toBeUndefined();
  });

  it('writes the refreshed tokens as it releases the lease, and moves the token in the expiry index', async () => {
    const id = appId();
    await seed(id, now);
    const holder = store();
    await holder.acquireTokenLease(id, 30_000, now);
    const token = { appId: id, componentAppId: component, accessToken: 'at-new', refreshToken: 'rt-new', expiresAt: now + 7_200_000, refreshedAt: now };
    expect(await holder.completeTokenRefresh(token)).toBe(true);
    const item = await raw(id);
    expect(item).toMatchObject({ accessToken: 'at-new', refreshToken: 'rt-new', ...keys.tokenExpiryIndex(component, now + 7_200_000, id) });
    expect(item).not.toHaveProperty('leaseOwner');
  });

  it('still keeps a rotated refresh token when the lease was lost, unless a newer refresh was written', async () => {
    const id = appId();
    await seed(id, now);
    const late = store();
    await late.acquireTokenLease(id, 1000, now);
    await store().acquireTokenLease(id, 30_000, now + 2000);
    expect(await late.completeTokenRefresh({ appId: id, componentAppId: component, accessToken: 'at-late', refreshToken: 'rt-late', expiresAt: now + 7_200_000, refreshedAt: now })).toBe(false);
    expect(await raw(id)).toMatchObject({ refreshToken: 'rt-late' });
    expect(await late.completeTokenRefresh({ appId: id, componentAppId: component, accessToken: 'at-older', refreshToken: 'rt-older', expiresAt: now + 7_200_000, refreshedAt: now - 5000 })).toBe(false);
    expect(await raw(id)).toMatchObject({ refreshToken: 'rt-late' });
  });

  it('releases the lease without touching the token', async () => {
    const id = appId();
    await seed(id, now);
    const holder = store();
    await holder.acquireTokenLease(id, 30_000, now);
    await holder.releaseTokenLease(id);
    expect(await raw(id)).not.toHaveProperty('leaseOwner');
    expect(await raw(id)).toMatchObject({ accessToken: 'at-old' });
  });

  it('expires the access token only while it is still the stale one', async () => {
    const id = appId();
    await seed(id, now + 60_000);
    await store().expireAccessTokenIfCurrent(id, 'at-other');
    expect((await store().getToken(id))?.expiresAt).toBe(now + 60_000);
    await store().expireAccessTokenIfCurrent(id, 'at-old');
    expect(await store().getToken(id)).toMatchObject({ expiresAt: 0, refreshToken: 'rt-old' });
  });

  it('finds the tokens expiring before a time through the index, oldest first', async () => {
    const other = `wxcomponent${randomUUID().slice(0, 6)}`;
    const [late, early, soon] = [appId(), appId(), appId()];
    await seed(late, now + 10 * 3_600_000);
    await seed(early, now + 60_000);
    await seed(soon, now + 600_000);
    const due = await store().tokensExpiringBefore(component, now + 3_600_000);
    expect(due.map((t) => t.appId).filter((id) => [late, early, soon].includes(id))).toEqual([early, soon]);
    expect(await store().tokensExpiringBefore(other, now + 3_600_000)).toEqual([]);
  });
});
