import { randomUUID } from 'node:crypto';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoAuthorizerTokenStore } from '../../../../functions/lib/store/authorizer-token-store';
import { UnreadableCiphertextError } from '../../../../functions/lib/crypto-at-rest/attribute-cipher';
import { keys } from '../../../../functions/lib/store/keys';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';
import { testTokenCipher } from '../../../helpers/token-cipher';

describe('Class: DynamoAuthorizerTokenStore', () => {
  const tableName = `authorizer-tokens-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const cipher = testTokenCipher();
  const store = () => new DynamoAuthorizerTokenStore(db, tableName, new RefreshLease(db, tableName), cipher);
  const component = 'wxcomponent000001';
  const now = Date.UTC(2026, 0, 1);
  let n = 0;
  const appId = () => `wxtoken${String(++n).padStart(10, '0')}`;
  const seed = (id: string, expiresAt: number, extra: Record<string, unknown> = {}) =>
    db.send(new PutCommand({ TableName: tableName, Item: { ...keys.authorizerToken(id), ...keys.tokenExpiryIndex(component, expiresAt, id), type: 'AuthorizerToken', appId: id, componentAppId: component, accessToken: 'at-old', refreshToken: 'rt-old', expiresAt, refreshedAt: now - 1000, ...extra } }));
  const raw = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: keys.authorizerToken(id) }))).Item;

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  /** The attribute holds a ciphertext (binary) in which the plaintext does not appear. */
  const expectSealed = (value: unknown, plaintext: string) => {
    expect(value).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(value as Uint8Array).includes(plaintext)).toBe(false);
  };

  it('reads a token stored before encryption (plain strings) as it is, and nothing for an unknown appid', async () => {
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
    expect(item).toMatchObject(keys.tokenExpiryIndex(component, now + 7_200_000, id));
    expect(item).not.toHaveProperty('leaseOwner');
    // The plaintext item from before encryption is now encrypted, and reads back the same.
    expectSealed(item?.accessToken, 'at-new');
    expectSealed(item?.refreshToken, 'rt-new');
    expect(await store().getToken(id)).toEqual(token);
  });

  it('refuses a ciphertext moved to another item or attribute, or read with another key', async () => {
    const [source, target] = [appId(), appId()];
    for (const id of [source, target]) {
      await seed(id, now);
      const holder = store();
      await holder.acquireTokenLease(id, 30_000, now);
      await holder.completeTokenRefresh({ appId: id, componentAppId: component, accessToken: `at-${id}`, refreshToken: `rt-${id}`, expiresAt: now + 7_200_000, refreshedAt: now });
    }
    const stolen = (await raw(source))!;
    await seed(target, now, { accessToken: stolen.accessToken, refreshToken: stolen.refreshToken });
    await expect(store().getToken(target)).rejects.toThrow(UnreadableCiphertextError);
    // Its attributes claiming the source's appid changes nothing: the context is the key it is read under.
    await seed(target, now, { appId: source, accessToken: stolen.accessToken, refreshToken: stolen.refreshToken });
    await expect(store().getToken(target)).rejects.toThrow(UnreadableCiphertextError);
    await seed(source, now, { accessToken: stolen.refreshToken, refreshToken: stolen.accessToken });
    await expect(store().getToken(source)).rejects.toThrow(UnreadableCiphertextError);
    await seed(source, now, { accessToken: stolen.accessToken, refreshToken: stolen.refreshToken });
    expect((await store().getToken(source))?.accessToken).toBe(`at-${source}`);
    const otherKey = new DynamoAuthorizerTokenStore(db, tableName, new RefreshLease(db, tableName), testTokenCipher());
    await expect(otherKey.getToken(source)).rejects.toThrow(UnreadableCiphertextError);
    // Out of the expiry index the other tests read.
    await db.send(new DeleteCommand({ TableName: tableName, Key: keys.authorizerToken(target) }));
  });

  it('still keeps a rotated refresh token when the lease was lost, unless a newer refresh was written', async () => {
    const id = appId();
    await seed(id, now);
    const late = store();
    await late.acquireTokenLease(id, 1000, now);
    await store().acquireTokenLease(id, 30_000, now + 2000);
    expect(await late.completeTokenRefresh({ appId: id, componentAppId: component, accessToken: 'at-late', refreshToken: 'rt-late', expiresAt: now + 7_200_000, refreshedAt: now })).toBe(false);
    expect(await store().getToken(id)).toMatchObject({ refreshToken: 'rt-late' });
    expectSealed((await raw(id))?.refreshToken, 'rt-late');
    expect(await late.completeTokenRefresh({ appId: id, componentAppId: component, accessToken: 'at-older', refreshToken: 'rt-older', expiresAt: now + 7_200_000, refreshedAt: now - 5000 })).toBe(false);
    expect(await store().getToken(id)).toMatchObject({ refreshToken: 'rt-late' });
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

  it('expires an encrypted access token only while it is still the stale one', async () => {
    const id = appId();
    await seed(id, now);
    const holder = store();
    await holder.acquireTokenLease(id, 30_000, now);
    await holder.completeTokenRefresh({ appId: id, componentAppId: component, accessToken: 'at-sealed', refreshToken: 'rt-sealed', expiresAt: now + 7_200_000, refreshedAt: now });
    await store().expireAccessTokenIfCurrent(id, 'at-other');
    expect((await store().getToken(id))?.expiresAt).toBe(now + 7_200_000);
    await store().expireAccessTokenIfCurrent(id, 'at-sealed');
    expect(await store().getToken(id)).toMatchObject({ expiresAt: 0, accessToken: 'at-sealed', refreshToken: 'rt-sealed' });
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
