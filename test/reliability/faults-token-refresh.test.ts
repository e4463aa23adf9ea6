import { platformStores } from '../../functions/lib/platform';
import { SeededRandom } from '../../local/wechat-sim/seeded-random';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';

/** FAULTS_SEED=<n> draws another pattern of faults; the seed is printed with the figures. */
const SEED = Number(process.env.FAULTS_SEED ?? 11);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The first simulator seed whose draws at a 0.5 rate lose exactly the answers marked `true`, in order. */
function seedLosing(pattern: boolean[]): number {
  const gives = (seed: number) => {
    const random = new SeededRandom(seed);
    return pattern.every((lost) => random.next() < 0.5 === lost);
  };
  let seed = 1;
  while (!gives(seed)) seed++;
  return seed;
}

const AUTHORIZERS = 150;
const RUNS = 5;

/**
 * The token refresher over a fleet while one WeChat call in five fails: `-1`, HTTP 502, or the
 * connection reset after WeChat acted (so a rotated refresh token may never reach the platform).
 * Across several runs every authorizer keeps a token WeChat accepts, and no refresh token is
 * lost: each stored one is the one WeChat holds, or is repaired by the next run.
 */
describe('token refresher with 20% WeChat faults', () => {
  let platform: TestPlatform;
  const sim = () => platform.simulator!;

  beforeAll(async () => {
    // Tokens live 20 minutes, under the refresher's 30-minute look-ahead: every run refreshes every authorizer.
    platform = await startTestPlatform({ settings: { simAccessTokenTtlSeconds: 1200 } });
    await sim().ticketPusher.pushNow();
    sim().seedAuthorizers(AUTHORIZERS);
    const sync = (await (await platform.admin('/admin/authorizers:sync', { method: 'POST' })).json()) as Json;
    expect(sync).toMatchObject({ added: AUTHORIZERS, failed: 0 });
    expect(await platform.scheduler.runNow('refreshTokens')).toMatchObject({ ok: true, result: { authorizers: { refreshed: AUTHORIZERS } } });
  }, 60_000);
  afterAll(() => platform.stop());

  /** Every authorizer token item, decrypted by the store as the platform reads it. */
  const storedTokens = async () => {
    const appIds = ((await platform.scanTable()) as Json[])
      .filter((item) => item.sk?.S === 'TOKEN' && String(item.pk?.S).startsWith('AUTHORIZER#'))
      .map((item) => String(item.pk.S).slice('AUTHORIZER#'.length));
    const tokens = await Promise.all(appIds.map((appId) => platformStores().authorizerTokens.getToken(appId)));
    return tokens.map((token, i) => ({ appId: appIds[i]!, accessToken: token?.accessToken, refreshToken: token?.refreshToken as string }));
  };

  it(`keeps every token valid over ${RUNS} runs and loses no refresh token`, async () => {
    const summaries: Json[] = [];
    sim().faults({ seed: SEED, api: { '*': { errorRate: 0.1, errors: [-1, 502], timeoutRate: 0.1, timeoutMode: 'destroy', timeoutPhase: 'after' } } });
    for (let run = 0; run < RUNS; run++) {
      const result = await platform.scheduler.runNow('refreshTokens');
      expect(result?.ok).toBe(true);
      summaries.push((result?.result as Json).authorizers);
      const tokens = await storedTokens();
      expect(tokens).toHaveLength(AUTHORIZERS);
      // The token each app would use now is one WeChat accepts (a failed refresh keeps the previous one).
      const rejected = tokens.filter((t) => !t.accessToken || sim().state.checkAuthorizerToken(t.accessToken).errcode !== 0);
      expect(rejected.map((t) => t.appId)).toEqual([]);
    }
    const injected = { ...sim().faultCounts };
    sim().faults({});

    // A rotated refresh token whose answer was lost is repaired on the next run without faults.
    const stale = (await storedTokens()).filter((t) => sim().state.authorizers.get(t.appId)?.refreshToken !== t.refreshToken);
    const final = await platform.scheduler.runNow('refreshTokens');
    const lost = (await storedTokens()).filter((t) => sim().state.authorizers.get(t.appId)?.refreshToken !== t.refreshToken);
    process.stdout.write(
      `token refresh with faults (seed ${SEED}): ${AUTHORIZERS} authorizers, ${RUNS} runs; injected ${injected.errors} errcodes, ${injected.http} HTTP 5xx, ${injected.timeouts} resets; ` +
        `per run ${JSON.stringify(summaries.map((s) => ({ refreshed: s.refreshed, repaired: s.repaired, failed: s.failed })))}; ` +
        `stale refresh tokens after the faulty runs ${stale.length}, after one clean run ${lost.length}\n`,
    );
    expect(injected.errors + injected.http + injected.timeouts).toBeGreaterThan(50);
    expect(final?.ok).toBe(true);
    expect(lost.map((t) => t.appId)).toEqual([]);
    expect((final?.result as Json).authorizers).toMatchObject({ failed: 0, reauthorizationRequired: 0 });
    for (const token of await storedTokens()) expect(sim().state.checkAuthorizerToken(token.accessToken).errcode).toBe(0);
  }, 120_000);

  it('repairs a refresh token when the repairing exchange loses its answer too', async () => {
    const { appId } = sim().seedAuthorizers(1)[0]!;
    await platform.admin('/admin/authorizers:sync', { method: 'POST' });
    // The answers of the 1st and 3rd api_authorizer_token calls are lost after WeChat rotated the
    // refresh token: 1st (R1 → R2, lost), 2nd (R1: 61023), info → R2, 3rd (R2 → R3, lost),
    // 4th (R2: 61023), info → R3, 5th (R3 → R4, answered). A seed whose draws give that pattern:
    const seed = seedLosing([true, false, true, false, false]);
    sim().faults({ seed, api: { '/cgi-bin/component/api_authorizer_token': { timeoutRate: 0.5, timeoutMode: 'destroy', timeoutPhase: 'after' } } });
    try {
      const response = await platform.admin(`/admin/authorizers/${appId}/token:refresh`, { method: 'POST' });
      expect(sim().faultCounts.timeouts).toBe(2);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ appId, outcome: 'repaired' });
    } finally {
      sim().faults({});
    }
    const stored = (await storedTokens()).find((t) => t.appId === appId)!;
    expect(stored.refreshToken).toBe(sim().state.authorizers.get(appId)!.refreshToken);
    expect(sim().state.checkAuthorizerToken(stored.accessToken).errcode).toBe(0);
  });

  it('does not demand re-authorization when every repair loses its answer, and repairs on the next refresh', async () => {
    const { appId } = sim().seedAuthorizers(1)[0]!;
    await platform.admin('/admin/authorizers:sync', { method: 'POST' });
    await platform.admin(`/admin/authorizers/${appId}/token:refresh`, { method: 'POST' });
    const before = (await storedTokens()).find((t) => t.appId === appId)!;
    // The exchange and all three repairs rotate the refresh token and lose the answer; each
    // retry of a lost call answers 61023: R1 → R2 lost, R1 61023, R2 → R3 lost, R2 61023,
    // R3 → R4 lost, R3 61023, R4 → R5 lost, R4 61023. WeChat still holds R5, untried.
    const seed = seedLosing([true, false, true, false, true, false, true, false]);
    sim().faults({ seed, api: { '/cgi-bin/component/api_authorizer_token': { timeoutRate: 0.5, timeoutMode: 'destroy', timeoutPhase: 'after', maxFaults: 4 } } });
    try {
      const response = await platform.admin(`/admin/authorizers/${appId}/token:refresh`, { method: 'POST' });
      expect(sim().faultCounts.timeouts).toBe(4);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'refresh_token_repair_pending' });
    } finally {
      sim().faults({});
    }
    // Nothing was given up: the previous access token is still stored and still works.
    const kept = (await storedTokens()).find((t) => t.appId === appId)!;
    expect(kept.accessToken).toBe(before.accessToken);
    expect(sim().state.checkAuthorizerToken(kept.accessToken).errcode).toBe(0);
    const profile = (await (await platform.admin(`/admin/authorizers/${appId}`)).json()) as Json;
    expect(profile.status).not.toBe('reauthorization_required');

    const response = await platform.admin(`/admin/authorizers/${appId}/token:refresh`, { method: 'POST' });
    expect(await response.json()).toMatchObject({ appId, outcome: 'repaired' });
    const repaired = (await storedTokens()).find((t) => t.appId === appId)!;
    expect(repaired.refreshToken).toBe(sim().state.authorizers.get(appId)!.refreshToken);
  });
});
