import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDynamoDbLocal } from '../../local/dynamodb';
import { startLocalPlatform, type LocalPlatform, type LocalPlatformOptions } from '../../local/platform';
import { generateCredentials, type LocalSettings } from '../../local/settings';
import { freePort } from '../helpers/free-port';

/**
 * The local platform for a benchmark: its own in-memory DynamoDB Local, the simulator, no
 * timers. Handlers are configured exactly as `npm start` configures them.
 */
export async function startBenchPlatform(
  overrides: Partial<LocalSettings> = {},
  options: Pick<LocalPlatformOptions, 'onStepFunctionsEvent'> = {},
): Promise<LocalPlatform & { settings: LocalSettings; dynamoDbPid: number | undefined }> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const g = generateCredentials();
  const settings: LocalSettings = {
    port: 0,
    simPort: 0,
    dynamoDbPort: 0,
    tableName: 'bench',
    externalWeChatBase: undefined,
    ticketPushIntervalMs: 3_600_000,
    simAccessTokenTtlSeconds: 7200,
    component: { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey },
    adminToken: g.adminToken,
    operatorToken: g.operatorToken,
    viewerToken: g.viewerToken,
    dataDir: mkdtempSync(path.join(tmpdir(), 'weapp-fleet-bench-')),
    ...overrides,
  };
  // Throttles off: the benches measure what the handlers can take, not API Gateway's per-route limits.
  const platform = await startLocalPlatform(settings, { dynamoDbEndpoint: dynamo.endpoint, schedule: false, pushTickets: false, isolateInvocations: false, throttle: false, ...options });
  return {
    ...platform,
    settings,
    dynamoDbPid: dynamo.pid,
    stop: async () => {
      await platform.stop();
      await dynamo.stop();
    },
  };
}
