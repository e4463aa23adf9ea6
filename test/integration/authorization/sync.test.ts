import { platformStores } from '../../../functions/lib/platform';
import { useWorld, authorizeRedirectUri } from '../../helpers/world';

/** POST /admin/authorizers:sync reconciles the registry with api_get_authorizer_list. */
describe('POST /admin/authorizers:sync', () => {
  const world = useWorld({ ticket: true });

  const sim = () => world.sim;
  const sync = async () => {
    const response = await world.platform.admin('/admin/authorizers:sync', { method: 'POST' });
    expect(response.status).toBe(200);
    return (await response.json()) as { listed: number; added: number; repaired: number; removed: number; failed: number };
  };

  it('adds apps WeChat lists but the registry lacks, with their refresh tokens', async () => {
    const known = await sim().authorize({ redirectUri: authorizeRedirectUri(world.platform) });
    const seeded = sim().seedAuthorizers(3, { nicknamePrefix: 'seeded-' });
    expect(await sync()).toEqual({ listed: 4, added: 3, repaired: 0, removed: 0, failed: 0 });
    for (const { appId, refreshToken } of seeded) {
      expect((await platformStores().authorizerTokens.getToken(appId))?.refreshToken).toBe(refreshToken);
      const detail = await platformStores().authorizers.getDetail(appId);
      expect(detail?.profile).toMatchObject({ status: 'authorized', nickname: expect.stringMatching(/^seeded-/) });
      expect(detail?.history.map((h) => h.event)).toEqual(['sync_added']);
    }
    expect((await platformStores().authorizers.getDetail(known.appId))?.history.map((h) => h.event)).toEqual(['authorized']);
    // Added apps get an access token on the refresher's next run.
    const run = await world.platform.scheduler.runNow('refreshTokens');
    expect((run?.result as { authorizers: { refreshed: number } }).authorizers.refreshed).toBe(3);
  });

  it('replaces a refresh token WeChat re-issued, and marks apps WeChat no longer lists as unauthorized', async () => {
    const [repairedApp, removedApp] = sim().authorizers.filter((a) => a.status === 'authorized').map((a) => a.appId);
    const current = sim().replaceRefreshToken(repairedApp!);
    sim().state.revokeAuthorizer(sim().state.authorizers.get(removedApp!)!);
    expect(await sync()).toEqual({ listed: 3, added: 0, repaired: 1, removed: 1, failed: 0 });
    expect((await platformStores().authorizerTokens.getToken(repairedApp!))?.refreshToken).toBe(current);
    const removed = await platformStores().authorizers.getDetail(removedApp!);
    expect(removed?.profile.status).toBe('unauthorized');
    expect(removed?.token).toBeNull();
    expect(removed?.history[0]).toMatchObject({ event: 'sync_removed', source: 'sync' });
  });

  it('changes nothing when the registry already agrees', async () => {
    const before = await world.platform.scanTable();
    expect(await sync()).toEqual({ listed: 3, added: 0, repaired: 0, removed: 0, failed: 0 });
    expect((await world.platform.scanTable()).length).toBe(before.length);
  });
});
