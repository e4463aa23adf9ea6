import { NotReadyError } from '../../../../functions/lib/errors';
import { componentServices, platformStores } from '../../../../functions/lib/platform';
import { WeChatApiError } from '../../../../functions/lib/wechat/errors';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform';

const TOKEN_API = '/cgi-bin/component/api_component_token';

describe('Class: ComponentAccessToken', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.stop());
  beforeEach(() => platform.simulator!.requests.splice(0));

  const appId = () => platform.settings.component.appId;
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
    await componentTokens.put(appId(), { ...current, expiresAt: Date.now() + 9 * 60 * 1000 });
    const { componentToken } = await componentServices();
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

  it('invalidate drops only the token that failed (compare-and-expire)', async () => {
    const { componentToken } = await componentServices();
    const current = await componentToken.getComponentAccessToken();
    await componentToken.invalidate('some-older-token');
    expect((await platformStores().componentTokens.get(appId()))?.token).toBe(current);
    await componentToken.invalidate(current);
    expect(await platformStores().componentTokens.get(appId())).toBeUndefined();
  });

  it('surfaces WeChat refusing the ticket as a typed error and keeps the stored ticket', async () => {
    const { componentToken } = await componentServices();
    platform.simulator!.state.tickets.clear();
    const before = await platformStores().tickets.get(appId());
    const error = await componentToken.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ errcode: 61006 });
    expect(await platformStores().tickets.get(appId())).toEqual(before);
  });
});
