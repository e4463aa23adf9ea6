import { platformStores } from '../../../functions/lib/platform';
import type { TestPlatform } from '../../helpers/platform';
import { startWorld } from '../../helpers/world';

/** End to end: three merchants authorize, one revokes, tokens expire and the refresher renews the rest. */
describe('token lifecycle (local platform)', () => {
  let platform: TestPlatform;
  afterAll(() => platform?.stop());

  it('keeps every live authorizer token valid across expiry, and leaves the revoked one alone', async () => {
    const world = await startWorld({ settings: { simAccessTokenTtlSeconds: 2 }, ticket: true, apps: [0, 1, 2].map((i) => ({ nickname: `merchant-${i}` })) });
    ({ platform } = world);
    const { sim } = world;
    const [kept1, kept2, revoked] = world.appIds as [string, string, string];
    await sim.revoke(revoked);

    const tokensBefore = await Promise.all([kept1, kept2].map((a) => platformStores().authorizerTokens.getToken(a)));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const token of tokensBefore) expect(sim.state.checkAuthorizerToken(token!.accessToken).errcode).toBe(42001);

    sim.requests.splice(0);
    const run = await platform.scheduler.runNow('refreshTokens');
    expect(run?.ok).toBe(true);
    expect(run?.result).toMatchObject({ outcome: 'ok', component: 'refreshed', authorizers: { due: 2, refreshed: 2, failed: 0 } });
    const refreshed = sim.requests.filter((r) => r.path === '/cgi-bin/component/api_authorizer_token').map((r) => (r.body as { authorizer_appid: string }).authorizer_appid);
    expect(refreshed.sort()).toEqual([kept1, kept2].sort());

    for (const appId of [kept1, kept2]) {
      const token = await platformStores().authorizerTokens.getToken(appId);
      expect(sim.state.checkAuthorizerToken(token!.accessToken)).toEqual({ errcode: 0, appId });
      // The refresh token WeChat rotated is the one stored.
      expect(token!.refreshToken).toBe(sim.state.authorizers.get(appId)!.refreshToken);
    }
    expect(await platformStores().authorizerTokens.getToken(revoked)).toBeUndefined();

    const component = (await (await platform.admin('/admin/component')).json()) as { refresher: { authorizers: { refreshed: number } } };
    expect(component.refresher.authorizers.refreshed).toBe(2);
    const list = (await (await platform.admin('/admin/authorizers')).json()) as { items: { appId: string; status: string }[] };
    expect(Object.fromEntries(list.items.map((i) => [i.appId, i.status]))).toEqual({ [kept1]: 'authorized', [kept2]: 'authorized', [revoked]: 'unauthorized' });
  });
});
