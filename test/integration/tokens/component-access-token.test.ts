import { NotReadyError } from '../../../functions/lib/errors';
import { componentServices, platformStores, tokenCipher } from '../../../functions/lib/platform';
import { WeChatApiError } from '../../../functions/lib/wechat/errors';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../functions/lib/aws/clients';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

const TOKEN_API = '/cgi-bin/component/api_component_token';

describe('Class: ComponentAccessToken', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.stop());
  beforeEach(() => platform.simulator!.requests.splice(0));

  const appId = () => platform.settings.component.appId;
  const setExpiry = (expiresAt: number) =>
    dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: platform.settings.tableName,
        Key: { pk: `COMPONENT#${appId()}`, sk: 'TOKEN' },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': expiresAt },
      }),
    );
  const newInstance = async () => {
    const { ComponentAccessToken } = await import('../../../functions/lib/tokens/component-access-token');
    const { authApi } = await componentServices();
    return new ComponentAccessToken({ componentAppId: appId(), tokens: platformStores().componentTokens, tickets: platformStores().tickets, authApi });
  };
  const tokenCalls = () => platform.simulator!.requests.filter((r) => r.path === TOKEN_API);

  it('refuses with no_verify_ticket before any ticket was pushed, without calling WeChat', async () => {
    const { componentToken } = await componentServices();
    const error = await componentToken.getComponentAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error).toMatchObject({ code: 'no_verify_ticket' });
    expect(tokenCalls()).toHaveLength(0);
  });

  it('obtains a token with the stored ticket, stores it, and reuses it', async () => {
    const pushed = await platform.simulator!.ticketPusher.pushNow();
    expect(pushed?.body).toBe('success');
    const stored = await platformStores().tickets.get(appId());
    const { componentToken } = await componentServices();

    const token = await componentToken.getComponentAccessToken();
    expect(tokenCalls()).toEqual([
      {
        method: 'POST',
        path: TOKEN_API,
        query: {},
        body: { component_appid: appId(), component_appsecret: platform.settings.component.appSecret, component_verify_ticket: stored!.ticket },
      },
    ]);
    const saved = await platformStores().componentTokens.get(appId());
    expect(saved?.token).toBe(token);
    expect(saved!.expiresAt - saved!.obtainedAt).toBe(7200 * 1000);

    expect(await componentToken.getComponentAccessToken()).toBe(token);
    expect(tokenCalls()).toHaveLength(1);
  });

  it('refreshes when 10 minutes or less are left', async () => {
    const { componentTokens } = platformStores();
    const current = (await componentTokens.get(appId()))!;
    await setExpiry(Date.now() + 9 * 60 * 1000);
    // A new instance: the shared one trusts its in-memory copy for up to a minute.
    const componentToken = await newInstance();
    const fresh = await componentToken.getComponentAccessToken();
    expect(fresh).not.toBe(current.token);
    expect(tokenCalls()).toHaveLength(1);
    expect(platform.simulator!.state.checkComponentToken(fresh)).toBe(0);
  });

  it('ensureFresh leaves a token alone while more than the margin remains', async () => {
    const { componentToken } = await componentServices();
    const result = await componentToken.ensureFresh(20 * 60 * 1000);
    expect(result.refreshed).toBe(false);
    expect(tokenCalls()).toHaveLength(0);
  });

  it('invalidate expires only the token that failed (compare-and-expire)', async () => {
    const { componentToken } = await componentServices();
    const current = await componentToken.getComponentAccessToken();
    await componentToken.invalidate('some-older-token');
    expect((await platformStores().componentTokens.get(appId()))?.expiresAt).toBeGreaterThan(Date.now());
    await componentToken.invalidate(current);
    expect((await platformStores().componentTokens.get(appId()))?.expiresAt).toBe(0);
    const next = await componentToken.getComponentAccessToken();
    expect(next).not.toBe(current);
  });

  it('lets exactly one of 8 racing callers refresh; all get the winner\'s token', async () => {
    await setExpiry(Date.now() + 60_000);
    platform.simulator!.requests.splice(0);
    // Separate service instances stand for separate Lambda instances (own lease owner ids).
    const { ComponentAccessToken } = await import('../../../functions/lib/tokens/component-access-token');
    const { DynamoComponentTokenStore } = await import('../../../functions/lib/store/component-token-store');
    const { RefreshLease } = await import('../../../functions/lib/store/refresh-lease');
    const { authApi } = await componentServices();
    const racers = Array.from({ length: 8 }, () => {
      const lease = new RefreshLease(dynamoDocumentClient(), platform.settings.tableName);
      return new ComponentAccessToken({
        componentAppId: appId(),
        tokens: new DynamoComponentTokenStore(dynamoDocumentClient(), platform.settings.tableName, lease, tokenCipher()),
        tickets: platformStores().tickets,
        authApi,
        pollMs: 20,
      });
    });
    platform.simulator!.script(TOKEN_API, [{ delayMs: 300, passThrough: true }]);
    const tokens = await Promise.all(racers.map((r) => r.getComponentAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenCalls()).toHaveLength(1);
    expect(platform.simulator!.state.checkComponentToken(tokens[0])).toBe(0);
  });

  it('surfaces WeChat refusing the ticket as a typed error and keeps the stored ticket', async () => {
    const { componentToken } = await componentServices();
    platform.simulator!.state.tickets.clear();
    const before = await platformStores().tickets.get(appId());
    const error = await componentToken.ensureFresh(Number.MAX_SAFE_INTEGER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ errcode: 61006 });
    expect(await platformStores().tickets.get(appId())).toEqual(before);
  });
});
