import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoAuthorizerProfileStore } from '../../../../functions/lib/store/authorizer-profile-store';
import { DynamoAuthorizerStatusStore } from '../../../../functions/lib/store/authorizer-status-store';
import { DynamoAuthorizerTokenStore } from '../../../../functions/lib/store/authorizer-token-store';
import { keys } from '../../../../functions/lib/store/keys';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';
import { testTokenCipher } from '../../../helpers/token-cipher';

describe('Class: DynamoAuthorizerStatusStore', () => {
  const tableName = `authorizer-status-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const cipher = testTokenCipher();
  const status = new DynamoAuthorizerStatusStore(db, tableName, cipher);
  const profiles = new DynamoAuthorizerProfileStore(db, tableName);
  const tokens = new DynamoAuthorizerTokenStore(db, tableName, new RefreshLease(db, tableName), cipher);
  const componentAppId = 'wxcomponent000002';
  const t0 = Date.UTC(2026, 0, 1);
  let n = 0;
  const appId = () => `wxstatus${String(++n).padStart(9, '0')}`;
  const authorize = (id: string, now = t0) =>
    status.recordAuthorization({ appId: id, componentAppId, accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: now + 7_200_000, funcInfo: [17, 18], event: 'authorized', source: 'redirect', now });
  const tokenItem = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: keys.authorizerToken(id) }))).Item;

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('records an authorization: tokens in the expiry index, profile authorized with its permission sets, one history entry', async () => {
    const id = appId();
    await authorize(id);
    expect(await tokens.getToken(id)).toEqual({ appId: id, componentAppId, accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: t0 + 7_200_000, refreshedAt: t0 });
    expect(await tokenItem(id)).toMatchObject(keys.tokenExpiryIndex(componentAppId, t0 + 7_200_000, id));
    // Written encrypted: neither token appears in the item.
    const stored = await tokenItem(id);
    for (const [attribute, plaintext] of [['accessToken', 'at-1'], ['refreshToken', 'rt-1']] as const) {
      expect(stored?.[attribute]).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(stored?.[attribute] as Uint8Array).includes(plaintext)).toBe(false);
    }
    const detail = await profiles.getDetail(id);
    expect(detail?.profile).toEqual({ appId: id, componentAppId, status: 'authorized', funcInfo: [17, 18], authorizedAt: new Date(t0).toISOString(), lastAuthorizedAt: new Date(t0).toISOString(), updatedAt: new Date(t0).toISOString() });
    expect(detail?.history).toEqual([{ at: new Date(t0).toISOString(), event: 'authorized', source: 'redirect', funcInfo: [17, 18] }]);
  });

  it('keeps the first authorization time on a re-authorization', async () => {
    const id = appId();
    await authorize(id);
    await status.recordAuthorization({ appId: id, componentAppId, accessToken: 'at-2', refreshToken: 'rt-2', expiresAt: t0 + 9_000_000, funcInfo: [17], event: 'reauthorized', source: 'push', now: t0 + 1000 });
    expect(await profiles.getProfile(id)).toMatchObject({ authorizedAt: new Date(t0).toISOString(), lastAuthorizedAt: new Date(t0 + 1000).toISOString(), funcInfo: [17] });
    expect((await profiles.getDetail(id))?.history.map((h) => h.event)).toEqual(['reauthorized', 'authorized']);
  });

  it('records a revocation: token deleted, status and reason set, history kept with the event and detail given', async () => {
    const id = appId();
    await authorize(id);
    await status.recordUnauthorized({ appId: id, componentAppId, event: 'sync_removed', source: 'sync', reason: 'gone', detail: 'gone', now: t0 + 1000 });
    expect(await tokens.getToken(id)).toBeUndefined();
    const detail = await profiles.getDetail(id);
    expect(detail?.profile).toMatchObject({ status: 'unauthorized', statusReason: 'gone', funcInfo: [17, 18] });
    expect(detail?.history[0]).toEqual({ at: new Date(t0 + 1000).toISOString(), event: 'sync_removed', source: 'sync', detail: 'gone' });
  });

  it('marks a dead refresh token: kept, out of the expiry index, lease and access token removed', async () => {
    const id = appId();
    await authorize(id);
    await tokens.acquireTokenLease(id, 30_000, t0);
    await status.markReauthorizationRequired({ appId: id, componentAppId, source: 'refresher', reason: 'rejected', now: t0 + 1000 });
    const item = await tokenItem(id);
    expect(item).toMatchObject({ expiresAt: 0, reauthorizationRequired: true });
    expect(await tokens.getToken(id)).toMatchObject({ refreshToken: 'rt-1', reauthorizationRequired: true });
    for (const gone of ['gsi1pk', 'gsi1sk', 'leaseOwner', 'leaseUntil', 'accessToken']) expect(item).not.toHaveProperty(gone);
    const detail = await profiles.getDetail(id);
    expect(detail?.profile).toMatchObject({ status: 'reauthorization_required', statusReason: 'rejected' });
    expect(detail?.token).toBeNull();
    expect(detail?.history[0]).toMatchObject({ event: 'reauthorization_required', source: 'refresher', detail: 'rejected' });
  });

  it('replaces the refresh token, marks the access token expired and clears the reason; stamps authorization times only when told', async () => {
    const known = appId();
    await authorize(known);
    await status.markReauthorizationRequired({ appId: known, componentAppId, source: 'refresher', reason: 'rejected', now: t0 + 1000 });
    await status.replaceRefreshToken({ appId: known, componentAppId, refreshToken: 'rt-wechat', event: 'refresh_token_replaced', source: 'sync', countsAsAuthorization: false, now: t0 + 2000 });
    expect(await tokens.getToken(known)).toEqual({ appId: known, componentAppId, refreshToken: 'rt-wechat', expiresAt: 0 });
    const profile = await profiles.getProfile(known);
    expect(profile).toMatchObject({ status: 'authorized', lastAuthorizedAt: new Date(t0).toISOString() });
    expect(profile).not.toHaveProperty('statusReason');

    const found = appId();
    await status.replaceRefreshToken({ appId: found, componentAppId, refreshToken: 'rt-found', event: 'sync_added', source: 'sync', countsAsAuthorization: true, now: t0 + 3000 });
    expect(await profiles.getProfile(found)).toMatchObject({ status: 'authorized', funcInfo: [], authorizedAt: new Date(t0 + 3000).toISOString() });
    expect((await profiles.getDetail(found))?.history).toEqual([{ at: new Date(t0 + 3000).toISOString(), event: 'sync_added', source: 'sync' }]);
  });
});
