import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCredentials } from '../../local/settings';
import { WeChatSimulator } from '../../local/wechat-sim/server';
import { startTestPlatform, type TestPlatform } from './platform';

/**
 * A WeChat simulator that outlives the platform, and platforms started and stopped on one
 * table against it: what a process restart looks like to WeChat. Audits take long enough
 * that a stop finds some waiting. Registers its own beforeAll/afterAll.
 */
export function restartablePlatform(name: string) {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  const tableName = `${name}-${Date.now()}`;
  // Kept across restarts like .local/: the token key in it is what the stored tokens are encrypted under.
  const dataDir = mkdtempSync(path.join(tmpdir(), `weapp-fleet-${name}-`));
  const state: { sim?: WeChatSimulator; platform?: TestPlatform } = {};

  beforeAll(async () => {
    state.sim = new WeChatSimulator({ component, auditDelayMs: 600_000, pushRetryDelayMs: 20 });
    await state.sim.start();
  });
  afterAll(async () => {
    await state.platform?.stop();
    await state.sim?.stop();
  });

  return {
    get sim(): WeChatSimulator {
      return state.sim!;
    },
    /** Stops the running platform, if any (the process dies), and starts a new one on the same table. */
    async restart(): Promise<TestPlatform> {
      await state.platform?.stop();
      const platform = await startTestPlatform({ settings: { externalWeChatBase: state.sim!.url, component, tableName, adminToken: g.adminToken, dataDir }, stepFunctionsTimeScale: 0.0001 });
      state.sim!.setComponentEventsUrl(`${platform.gatewayUrl}/wechat/component/events`);
      state.sim!.setAuthorizerEventsUrl(`${platform.gatewayUrl}/wechat/authorizers/$APPID$/events`);
      state.platform = platform;
      return platform;
    },
  };
}
