import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamoDocumentClient } from '../../../functions/lib/aws/clients';
import { componentServices, platformStores, tokenCipher, wechatClient } from '../../../functions/lib/platform';
import { DynamoAuthorizerTokenStore } from '../../../functions/lib/store/authorizer-token-store';
import { RefreshLease } from '../../../functions/lib/store/refresh-lease';
import { AuthorizerAccessTokens, AuthorizerUnavailableError } from '../../../functions/lib/tokens/authorizer-access-token';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

const TOKEN_API = '/cgi-bin/component/api_authorizer_token';
const INFO_API = '/cgi-bin/component/api_get_authorizer_info';
const LIST_API = '/cgi-bin/component/api_get_authorizer_list';

describe('Class: AuthorizerAccessTokens', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.simulator!.ticketPusher.pushNow();
  });
  afterAll(() => platform.stop());
  beforeEach(() => platform.simulator!.requests.splice(0));

  const sim = () => platform.simulator!;
  const authorize = async () => (await sim().authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` })).appId;
  const refreshCalls = () => sim().requests.filter((r) => r.path === TOKEN_API);
  const setExpiry = (appId: string, expiresAt: number) =>
    dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: platform.settings.tableName,
        Key: { pk: `AUTHORIZER#${appId}`, sk: 'TOKEN' },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': expiresAt },
      }),
    );
  const stored = (appId: string) => platformStores().authorizerTokens.getToken(appId);

  it('hands out the stored token while more than 5 minutes are left, without calling WeChat', async () => {
    const appId = await authorize();
    const { authorizerTokens } = await componentServices();
    const token = await authorizerTokens.getAuthorizerAccessToken(appId);
    expect(token).toBe((await stored(appId))?.accessToken);
    expect(refreshCalls()).toHaveLength(0);
  });

  it('refreshes a token with 5 minutes or less left and persists the rotated refresh token', async () => {
    const appId = await authorize();
    const before = (await stored(appId))!;
    await setExpiry(appId, Date.now() + 4 * 60 * 1000);
    const { authorizerTokens } = await componentServices();
    const token = await authorizerTokens.getAuthorizerAccessToken(appId);
    const after = (await stored(appId))!;
    expect(refreshCalls()).toHaveLength(1);
    expect(refreshCalls()[0]!.body).toEqual({ component_appid: platform.settings.component.appId, authorizer_appid: appId, authorizer_refresh_token: before.refreshToken });
    expect(token).not.toBe(before.accessToken);
    expect(after.accessToken).toBe(token);
    // The simulator rotates refresh tokens and kills the old one at once.
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.refreshToken).toBe(sim().state.authorizers.get(appId)!.refreshToken);
    expect(sim().state.checkAuthorizerToken(token)).toEqual({ errcode: 0, appId });
  });

  it('lets exactly one of 8 racing instances refresh; all get the same valid token', async () => {
    const appId = await authorize();
    await setExpiry(appId, Date.now() + 60_000);
    const { componentApi } = await componentServices();
    const instances = Array.from(
      { length: 8 },
      () => new AuthorizerAccessTokens({ componentAppId: platform.settings.component.appId, tokens: new DynamoAuthorizerTokenStore(dynamoDocumentClient(), platform.settings.tableName, new RefreshLease(dynamoDocumentClient(), platform.settings.tableName), tokenCipher()), profiles: platformStores().authorizers, status: platformStores().authorizerStatus, componentApi, pollMs: 20 }),
    );
    sim().script(TOKEN_API, [{ delayMs: 300, passThrough: true }]);
    const tokens = await Promise.all(instances.map((i) => i.getAuthorizerAccessToken(appId)));
    expect(new Set(tokens).size).toBe(1);
    expect(refreshCalls()).toHaveLength(1);
    expect(sim().state.checkAuthorizerToken(tokens[0])).toEqual({ errcode: 0, appId });
  });

  it('repairs a rejected refresh token from api_get_authorizer_info, without reading the authorizer list', async () => {
    const appId = await authorize();
    const current = sim().replaceRefreshToken(appId);
    await setExpiry(appId, 0);
    sim().requests.splice(0);
    const { authorizerTokens } = await componentServices();
    const result = await authorizerTokens.ensureFresh(appId, 0);
    expect(result.outcome).toBe('repaired');
    expect(sim().requests.map((r) => r.path)).toEqual([TOKEN_API, INFO_API, TOKEN_API]);
    expect(sim().requests.filter((r) => r.path === LIST_API)).toHaveLength(0);
    expect(sim().requests[2]!.body).toMatchObject({ authorizer_appid: appId, authorizer_refresh_token: current });
    expect(sim().state.checkAuthorizerToken(result.accessToken).errcode).toBe(0);
    expect((await stored(appId))?.refreshToken).toBe(sim().state.authorizers.get(appId)!.refreshToken);
    expect(current).not.toBe((await stored(appId))?.refreshToken); // rotated again by the successful refresh
    const detail = await platformStores().authorizers.getDetail(appId);
    expect(detail?.profile.status).toBe('authorized');
  });

  it('falls back to api_get_authorizer_list when the authorizer info leaves the refresh token out', async () => {
    const appId = await authorize();
    const current = sim().replaceRefreshToken(appId);
    await setExpiry(appId, 0);
    sim().script(INFO_API, [{ json: { authorizer_info: { nick_name: 'x' }, authorization_info: { authorizer_appid: appId, func_info: [] } } }]);
    sim().requests.splice(0);
    const { authorizerTokens } = await componentServices();
    const result = await authorizerTokens.ensureFresh(appId, 0);
    expect(result.outcome).toBe('repaired');
    expect(sim().requests.map((r) => r.path)).toEqual([TOKEN_API, INFO_API, LIST_API, TOKEN_API]);
    expect(sim().requests[3]!.body).toMatchObject({ authorizer_appid: appId, authorizer_refresh_token: current });
    expect((await stored(appId))?.refreshToken).toBe(sim().state.authorizers.get(appId)!.refreshToken);
  });

  it('marks reauthorization_required when WeChat holds no other refresh token, and stops retrying it', async () => {
    const appId = await authorize();
    await setExpiry(appId, 0);
    sim().script(TOKEN_API, [{ errcode: 61023, errmsg: 'refresh_token is invalid' }]);
    const { authorizerTokens } = await componentServices();
    await expect(authorizerTokens.getAuthorizerAccessToken(appId)).rejects.toBeInstanceOf(AuthorizerUnavailableError);
    const detail = await platformStores().authorizers.getDetail(appId);
    expect(detail?.profile.status).toBe('reauthorization_required');
    expect(detail?.profile.statusReason).toMatch(/61023/);
    expect(detail?.history[0]).toMatchObject({ event: 'reauthorization_required' });
    // Out of the expiry index: the scheduled refresher no longer sees it.
    const due = await platformStores().authorizerTokens.tokensExpiringBefore(platform.settings.component.appId, Date.now() + 3600_000);
    expect(due.map((t) => t.appId)).not.toContain(appId);
    sim().requests.splice(0);
    await expect(authorizerTokens.getAuthorizerAccessToken(appId)).rejects.toBeInstanceOf(AuthorizerUnavailableError);
    expect(refreshCalls()).toHaveLength(0);
  });

  it('marks reauthorization_required when the authorizer info says WeChat no longer knows the app', async () => {
    const appId = await authorize();
    await setExpiry(appId, 0);
    sim().script(TOKEN_API, [{ errcode: 61023, errmsg: 'refresh_token is invalid' }]);
    sim().script(INFO_API, [{ errcode: 61003, errmsg: 'component is not authorized by this account' }]);
    const { authorizerTokens } = await componentServices();
    expect(await authorizerTokens.refreshDue((await stored(appId))!)).toBe('reauthorization_required');
    expect(sim().requests.filter((r) => r.path === LIST_API)).toHaveLength(0);
    const profile = await platformStores().authorizers.getProfile(appId);
    expect(profile?.status).toBe('reauthorization_required');
    expect(profile?.statusReason).toMatch(/no longer knows/);
  });

  it('records unauthorized when WeChat says the authorization is gone (61003)', async () => {
    const appId = await authorize();
    sim().state.revokeAuthorizer(sim().state.authorizers.get(appId)!);
    await setExpiry(appId, 0);
    const { authorizerTokens } = await componentServices();
    expect(await authorizerTokens.refreshDue((await stored(appId))!)).toBe('unauthorized');
    expect((await platformStores().authorizers.getProfile(appId))?.status).toBe('unauthorized');
    expect(await stored(appId)).toBeUndefined();
  });

  it('on 40001 during an API call expires the stored token, refreshes once and retries once', async () => {
    const appId = await authorize();
    const before = (await stored(appId))!;
    const { authorizerTokens } = await componentServices();
    sim().script('/wxa/probe', [{ errcode: 40001, errmsg: 'invalid credential' }, { json: { errcode: 0, ok: true } }]);
    const answer = await wechatClient().call({ path: '/wxa/probe', method: 'GET', token: { kind: 'authorizer', param: 'access_token' }, sends: [], reads: [], errcodes: [], doc: 'https://developers.weixin.qq.com/' }, { token: authorizerTokens.forAuthorizer(appId), schema: z.object({ ok: z.boolean() }) });
    expect(answer.ok).toBe(true);
    const probes = sim().requests.filter((r) => r.path === '/wxa/probe');
    expect(probes.map((p) => p.query.access_token)).toEqual([before.accessToken, (await stored(appId))?.accessToken]);
    expect(probes[1]!.query.access_token).not.toBe(before.accessToken);
    expect(refreshCalls()).toHaveLength(1);
  });

  it('refuses to hand out tokens for an app that never authorized', async () => {
    const { authorizerTokens } = await componentServices();
    await expect(authorizerTokens.getAuthorizerAccessToken('wx00000000000000aa')).rejects.toMatchObject({ statusCode: 409, code: 'authorizer_unavailable' });
  });
});
