import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../local/dynamodb';
import { startLocalPlatform, type LocalPlatform, type LocalPlatformOptions } from '../../local/platform';
import { generateCredentials, type LocalSettings } from '../../local/settings';
import type { Role } from '../../functions/lib/http/roles';
import { secretSweep } from './secret-sweep-state';
import { FUNCTION_TIMEOUT_SCALE } from './time-scale';

export interface TestPlatform extends LocalPlatform {
  settings: LocalSettings;
  /** `fetch` against the gateway with the admin bearer token. */
  admin(pathname: string, init?: RequestInit): Promise<Response>;
  /** `fetch` against the gateway with the bearer token of `role`. */
  as(role: Role, pathname: string, init?: RequestInit): Promise<Response>;
  /**
   * Every item in the test's table, for "nothing changed" assertions: the platform's state,
   * without the admin audit trail (a refused request changes nothing, yet is recorded there)
   * unless `withAuditTrail`.
   */
  scanTable(options?: { withAuditTrail?: boolean }): Promise<unknown[]>;
}

/**
 * The real local platform on free ports, with a table of its own in the shared DynamoDB
 * Local. Timers are off unless asked for, so tests drive pushes and schedules themselves.
 */
export async function startTestPlatform(
  options: LocalPlatformOptions & { settings?: Partial<LocalSettings> } = {},
): Promise<TestPlatform> {
  const generated = generateCredentials();
  const settings: LocalSettings = {
    port: 0,
    simPort: 0,
    dynamoDbPort: 0,
    tableName: `test-${randomUUID()}`,
    externalWeChatBase: undefined,
    ticketPushIntervalMs: 60_000,
    simAccessTokenTtlSeconds: 7200,
    component: {
      appId: generated.componentAppId,
      appSecret: generated.componentSecret,
      token: generated.componentToken,
      aesKey: generated.componentAesKey,
    },
    adminToken: generated.adminToken,
    operatorToken: generated.operatorToken,
    viewerToken: generated.viewerToken,
    dataDir: mkdtempSync(path.join(tmpdir(), 'weapp-fleet-')),
    ...options.settings,
  };
  secretSweep.platforms.push({ component: settings.component, dataDir: settings.dataDir });
  const platform = await startLocalPlatform(settings, {
    dynamoDbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT,
    schedule: false,
    pushTickets: false,
    functionTimeoutScale: FUNCTION_TIMEOUT_SCALE,
    // Suites push hundreds of authorizations and audits in seconds to test the handlers; the
    // gateway's per-route limits are tested on their own (test/integration/callback/throttles.test.ts).
    throttle: false,
    ...options,
    // Admin answers are checked for secrets after the file (test/helpers/secret-sweep.ts).
    onResponse: (entry) => {
      if (entry.path.startsWith('/admin/')) secretSweep.record(`admin ${entry.method} ${entry.path}`, entry.body);
      options.onResponse?.(entry);
    },
  });
  return {
    ...platform,
    settings,
    admin: (pathname, init = {}) =>
      fetch(`${platform.gatewayUrl}${pathname}`, {
        ...init,
        headers: { authorization: `Bearer ${settings.adminToken}`, ...(init.headers as Record<string, string> | undefined) },
      }),
    as: (role, pathname, init = {}) =>
      fetch(`${platform.gatewayUrl}${pathname}`, {
        ...init,
        headers: { authorization: `Bearer ${{ admin: settings.adminToken, operator: settings.operatorToken, viewer: settings.viewerToken }[role]}`, ...(init.headers as Record<string, string> | undefined) },
      }),
    scanTable: async ({ withAuditTrail = false } = {}) => {
      const client = localDynamoClient(platform.dynamoDbEndpoint);
      try {
        const items = (await client.send(new ScanCommand({ TableName: settings.tableName, ConsistentRead: true }))).Items ?? [];
        return withAuditTrail ? items : items.filter((item) => !item.pk?.S?.startsWith('AUDIT_TRAIL'));
      } finally {
        client.destroy();
      }
    },
  };
}
