import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { BadRequestError } from '../../../../functions/lib/errors';
import { DynamoAuthorizerProfileStore } from '../../../../functions/lib/store/authorizer-profile-store';
import { DynamoAuthorizerStatusStore } from '../../../../functions/lib/store/authorizer-status-store';
import { testTokenCipher } from '../../../helpers/token-cipher';

describe('Class: DynamoAuthorizerProfileStore', () => {
  const tableName = `authorizer-profiles-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const profiles = new DynamoAuthorizerProfileStore(db, tableName);
  // Profiles come into being only through a change of status.
  const status = new DynamoAuthorizerStatusStore(db, tableName, testTokenCipher());
  const componentAppId = 'wxcomponent000003';
  const t0 = Date.UTC(2026, 0, 1);
  const ids = Array.from({ length: 5 }, (_, i) => `wxprofile${String(i + 1).padStart(8, '0')}`);
  const authorize = (appId: string) =>
    status.recordAuthorization({ appId, componentAppId, accessToken: 'at', refreshToken: 'rt', expiresAt: t0 + 7_200_000, funcInfo: [17], event: 'authorized', source: 'redirect', now: t0 });

  beforeAll(async () => {
    await ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName);
    for (const id of ids) await authorize(id);
    await status.markReauthorizationRequired({ appId: ids[3]!, componentAppId, source: 'refresher', reason: 'dead', now: t0 + 1 });
    await status.recordUnauthorized({ appId: ids[4]!, componentAppId, event: 'unauthorized', source: 'push', reason: 'cancelled', now: t0 + 1 });
  });
  afterAll(() => db.destroy());

  it('reads a profile without its keys and index attributes, and nothing for an unknown appid', async () => {
    const profile = await profiles.getProfile(ids[0]!);
    expect(profile).toEqual({ appId: ids[0], componentAppId, status: 'authorized', funcInfo: [17], authorizedAt: new Date(t0).toISOString(), lastAuthorizedAt: new Date(t0).toISOString(), updatedAt: new Date(t0).toISOString() });
    expect(await profiles.getProfile('wxunknown00000000')).toBeUndefined();
  });

  it('updates the details it is given and leaves status alone; an unknown appid is ignored, not created', async () => {
    await profiles.updateProfileDetails(ids[0]!, { nickname: '茶小铺', signature: undefined, miniProgram: { network: { RequestDomain: ['https://a.example'] }, categories: [] } }, t0 + 5000);
    expect(await profiles.getProfile(ids[0]!)).toMatchObject({ status: 'authorized', nickname: '茶小铺', miniProgram: { network: { RequestDomain: ['https://a.example'] } }, updatedAt: new Date(t0 + 5000).toISOString() });
    await profiles.updateProfileDetails('wxunknown00000000', { nickname: 'x' }, t0);
    expect(await profiles.getProfile('wxunknown00000000')).toBeUndefined();
  });

  it('reads the detail: profile, token times (none once the token is gone) and history newest first', async () => {
    expect((await profiles.getDetail(ids[1]!))?.token).toEqual({ expiresAt: new Date(t0 + 7_200_000).toISOString(), refreshedAt: new Date(t0).toISOString() });
    const revoked = await profiles.getDetail(ids[4]!);
    expect(revoked?.token).toBeNull();
    expect(revoked?.history.map((h) => h.event)).toEqual(['unauthorized', 'authorized']);
    expect(await profiles.getDetail('wxunknown00000000')).toBeUndefined();
  });

  it('lists by status, a page at a time, with a cursor that refuses anything it did not issue', async () => {
    const first = await profiles.list(componentAppId, { status: 'authorized', limit: 2 });
    expect(first.items.map((p) => p.appId)).toEqual(ids.slice(0, 2));
    const second = await profiles.list(componentAppId, { status: 'authorized', limit: 2, cursor: first.nextCursor });
    expect(second.items.map((p) => p.appId)).toEqual([ids[2]]);
    expect((await profiles.list(componentAppId, { limit: 10 })).items).toHaveLength(5);
    expect((await profiles.list('wxcomponentother0', { limit: 10 })).items).toEqual([]);
    await expect(profiles.list(componentAppId, { limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('counts by status and lists all pages', async () => {
    expect(await profiles.countByStatus(componentAppId, 'authorized')).toBe(3);
    expect(await profiles.countByStatus(componentAppId, 'reauthorization_required')).toBe(1);
    expect(await profiles.countByStatus(componentAppId, 'unauthorized')).toBe(1);
    expect((await profiles.listAll(componentAppId)).map((p) => p.appId).sort()).toEqual(ids);
  });
});
