import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoComponentTokenStore } from '../../../../functions/lib/store/component-token-store';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';
import { keys } from '../../../../functions/lib/store/keys';
import { UnreadableCiphertextError } from '../../../../functions/lib/crypto-at-rest/attribute-cipher';
import { testTokenCipher } from '../../../helpers/token-cipher';

describe('Class: DynamoComponentTokenStore', () => {
  const tableName = `component-tokens-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const cipher = testTokenCipher();
  const store = () => new DynamoComponentTokenStore(db, tableName, new RefreshLease(db, tableName), cipher);
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

  const raw = async (componentAppId: string) => (await db.send(new GetCommand({ TableName: tableName, Key: keys.componentToken(componentAppId) }))).Item;

  it('stores the token encrypted, bound to its item, and gives its times without decrypting', async () => {
    const componentAppId = 'wxcomponent000007';
    const holder = store();
    await holder.acquireLease(componentAppId, 30_000, now);
    expect(await holder.getTimes(componentAppId)).toBeUndefined();
    await holder.completeRefresh(componentAppId, token('ct-secret'));
    const item = await raw(componentAppId);
    expect(item?.token).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(item?.token as Uint8Array).includes('ct-secret')).toBe(false);
    expect(await holder.get(componentAppId)).toEqual(token('ct-secret'));
    // Times only: a store whose key cannot open the token still answers them.
    const keyless = new DynamoComponentTokenStore(db, tableName, new RefreshLease(db, tableName), testTokenCipher());
    expect(await keyless.getTimes(componentAppId)).toEqual({ expiresAt: now + 7_200_000, obtainedAt: now });
    await expect(keyless.get(componentAppId)).rejects.toThrow(UnreadableCiphertextError);
    // Copied to another component's item, it does not decrypt.
    await db.send(new PutCommand({ TableName: tableName, Item: { ...item, ...keys.componentToken('wxcomponent000008') } }));
    await expect(holder.get('wxcomponent000008')).rejects.toThrow(UnreadableCiphertextError);
  });

  it('reads a token stored before encryption as it is, and encrypts it on the next refresh', async () => {
    const componentAppId = 'wxcomponent000009';
    await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.componentToken(componentAppId), type: 'ComponentToken', ...token('ct-plain') } }));
    const holder = store();
    expect(await holder.get(componentAppId)).toEqual(token('ct-plain'));
    await holder.expireIfCurrent(componentAppId, 'ct-plain');
    expect((await holder.acquireLease(componentAppId, 30_000, now))?.current).toEqual({ ...token('ct-plain'), expiresAt: 0 });
    await holder.completeRefresh(componentAppId, token('ct-sealed'));
    expect((await raw(componentAppId))?.token).toBeInstanceOf(Uint8Array);
    expect(await holder.get(componentAppId)).toEqual(token('ct-sealed'));
  });
});
