import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { makePrivate } from './private-data';
import path from 'node:path';
import { z } from 'zod';
import { faultSettingsFromEnv, type FaultSettings } from './wechat-sim/faults';

/** Where the local platform keeps its state between runs (git-ignored). */
export const LOCAL_DATA_DIR = path.resolve(__dirname, '../.local');

const Generated = z.object({
  componentAppId: z.string(),
  componentSecret: z.string(),
  componentToken: z.string(),
  componentAesKey: z.string().length(43),
  adminToken: z.string(),
  /** Added after the first release: a credentials file without them gets them on the next start. */
  operatorToken: z.string().optional(),
  viewerToken: z.string().optional(),
});
type Generated = z.infer<typeof Generated> & { operatorToken: string; viewerToken: string };

const Env = z.object({
  PORT: z.coerce.number().int().min(0).default(3000),
  WECHAT_SIM_PORT: z.coerce.number().int().min(0).default(3001),
  DYNAMODB_PORT: z.coerce.number().int().min(0).default(8000),
  TABLE_NAME: z.string().default('weapp-fleet'),
  /** Points the platform at another WeChat-compatible server; no simulator is started then. */
  WECHAT_API_BASE: z.url().optional(),
  TICKET_PUSH_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  /** Lifetime of access tokens the simulator issues (WeChat: 7200 s); shorten it to watch refreshes. */
  SIM_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(7200),
  WECHAT_COMPONENT_APPID: z.string().optional(),
  WECHAT_COMPONENT_SECRET: z.string().optional(),
  WECHAT_COMPONENT_TOKEN: z.string().optional(),
  WECHAT_COMPONENT_AES_KEY: z.string().optional(),
  ADMIN_TOKEN: z.string().min(16).optional(),
  OPERATOR_TOKEN: z.string().min(16).optional(),
  VIEWER_TOKEN: z.string().min(16).optional(),
  /** `show` prints a dim summary line for each EMF metric record; hidden by default. */
  LOCAL_METRICS: z.enum(['hide', 'show']).default('hide'),
  /** JSON fault settings for the simulator (see wechat-sim/faults.ts). */
  WECHAT_SIM_FAULTS: z.string().optional(),
});

export interface LocalSettings {
  port: number;
  simPort: number;
  dynamoDbPort: number;
  tableName: string;
  externalWeChatBase: string | undefined;
  ticketPushIntervalMs: number;
  simAccessTokenTtlSeconds: number;
  component: { appId: string; appSecret: string; token: string; aesKey: string };
  /** Bearer tokens of the three roles (admin ⊃ operator ⊃ viewer), standing in for Cognito users. */
  adminToken: string;
  operatorToken: string;
  viewerToken: string;
  dataDir: string;
  /** How `npm start` shows EMF metric records; `hide` when absent. */
  logMetrics?: 'hide' | 'summary';
  /** Faults the simulator injects from the start; none when absent. */
  simulatorFaults?: FaultSettings;
}

/** Random credentials for the simulator, made once and kept so stored data stays valid across restarts. */
export function generateCredentials(): Generated {
  return {
    componentAppId: `wx${randomBytes(8).toString('hex')}`,
    componentSecret: randomBytes(16).toString('hex'),
    componentToken: randomBytes(16).toString('base64url'),
    componentAesKey: randomBytes(32).toString('base64').slice(0, 43),
    adminToken: randomBytes(24).toString('base64url'),
    operatorToken: randomBytes(24).toString('base64url'),
    viewerToken: randomBytes(24).toString('base64url'),
  };
}

function loadOrCreateGenerated(dataDir: string): Generated {
  const file = path.join(dataDir, 'local-credentials.json');
  makePrivate(dataDir);
  if (existsSync(file)) {
    const parsed = Generated.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) {
      const { operatorToken, viewerToken } = parsed.data;
      if (operatorToken && viewerToken) return { ...parsed.data, operatorToken, viewerToken };
      // Kept from before roles: the same credentials, plus the two new tokens.
      const completed = { ...parsed.data, operatorToken: operatorToken ?? randomBytes(24).toString('base64url'), viewerToken: viewerToken ?? randomBytes(24).toString('base64url') };
      writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
      return completed;
    }
  }
  const generated = generateCredentials();
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return generated;
}

export function localSettings(env: NodeJS.ProcessEnv = process.env, dataDir = LOCAL_DATA_DIR): LocalSettings {
  const parsed = Env.parse(env);
  const faults = faultSettingsFromEnv(parsed.WECHAT_SIM_FAULTS);
  const generated = loadOrCreateGenerated(dataDir);
  return {
    port: parsed.PORT,
    simPort: parsed.WECHAT_SIM_PORT,
    dynamoDbPort: parsed.DYNAMODB_PORT,
    tableName: parsed.TABLE_NAME,
    externalWeChatBase: parsed.WECHAT_API_BASE,
    ticketPushIntervalMs: parsed.TICKET_PUSH_INTERVAL_MS,
    simAccessTokenTtlSeconds: parsed.SIM_ACCESS_TOKEN_TTL_SECONDS,
    component: {
      appId: parsed.WECHAT_COMPONENT_APPID ?? generated.componentAppId,
      appSecret: parsed.WECHAT_COMPONENT_SECRET ?? generated.componentSecret,
      token: parsed.WECHAT_COMPONENT_TOKEN ?? generated.componentToken,
      aesKey: parsed.WECHAT_COMPONENT_AES_KEY ?? generated.componentAesKey,
    },
    adminToken: parsed.ADMIN_TOKEN ?? generated.adminToken,
    operatorToken: parsed.OPERATOR_TOKEN ?? generated.operatorToken,
    viewerToken: parsed.VIEWER_TOKEN ?? generated.viewerToken,
    dataDir,
    logMetrics: parsed.LOCAL_METRICS === 'show' ? 'summary' : 'hide',
    ...(faults ? { simulatorFaults: faults } : {}),
  };
}
