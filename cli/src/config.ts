import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CliError, EXIT, badInput } from './errors';

/**
 * Where `weapp-fleet login` keeps the API URL and credentials: the user's config dir
 * (XDG_CONFIG_HOME, else ~/.config; %APPDATA% on Windows), a file only the user can read.
 * CI sets WEAPP_FLEET_URL / WEAPP_FLEET_TOKEN instead and never writes a file.
 */

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((url) => url.replace(/\/+$/, ''));

const CognitoTokens = z.object({
  region: z.string().min(1),
  userPoolId: z.string().min(1),
  clientId: z.string().min(1),
  username: z.string().min(1),
  accessToken: z.string().min(1),
  idToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Epoch ms when the access token expires; refreshed shortly before. */
  expiresAt: z.number(),
});
export type CognitoTokens = z.infer<typeof CognitoTokens>;

const StoredConfig = z.object({
  url: HttpUrl,
  auth: z.discriminatedUnion('kind', [z.object({ kind: z.literal('token'), token: z.string().min(1) }), z.object({ kind: z.literal('cognito'), ...CognitoTokens.shape })]),
});
export type StoredConfig = z.infer<typeof StoredConfig>;

const Env = z.object({
  WEAPP_FLEET_URL: HttpUrl.optional(),
  WEAPP_FLEET_TOKEN: z.string().min(1, 'must not be empty').optional(),
  XDG_CONFIG_HOME: z.string().optional(),
  APPDATA: z.string().optional(),
});

function readEnv(): z.infer<typeof Env> {
  const env = Env.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')));
  if (!env.success) {
    const issue = env.error.issues[0]!;
    throw badInput(`environment ${issue.path.join('.')}: ${issue.message}`);
  }
  return env.data;
}

export function configFile(): string {
  const env = readEnv();
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
    ? env.XDG_CONFIG_HOME
    : process.platform === 'win32' && env.APPDATA ? env.APPDATA : path.join(homedir(), '.config');
  return path.join(base, 'weapp-fleet', 'config.json');
}

export function readConfig(): StoredConfig | undefined {
  const file = configFile();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.badInput);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badInput(`${file} is not JSON; run weapp-fleet login again`);
  }
  const parsed = StoredConfig.safeParse(json);
  if (!parsed.success) throw badInput(`${file} is not a weapp-fleet config (${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}); run weapp-fleet login again`);
  return parsed.data;
}

/** Written to a temporary file created 0600 and renamed, so the secret is never readable by others, not even briefly. */
export function writeConfig(config: StoredConfig): string {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(StoredConfig.parse(config), null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // a umask cannot widen it, but an existing file's mode would survive
  renameSync(temporary, file);
  return file;
}

export const parseUrl = (raw: string): string => {
  const parsed = HttpUrl.safeParse(raw);
  if (!parsed.success) throw badInput(`--url ${parsed.error.issues[0]!.message}`);
  return parsed.data;
};

/** What a command talks to: env first (CI), then the file `login` wrote. */
export type Connection = { url: string; auth: StoredConfig['auth']; source: 'env' | 'file' };

export function resolveConnection(): Connection {
  const env = readEnv();
  const stored = readConfig();
  const url = env.WEAPP_FLEET_URL ?? stored?.url;
  if (!url) throw badInput('no API URL: run weapp-fleet login --url <api> --token <token>, or set WEAPP_FLEET_URL and WEAPP_FLEET_TOKEN');
  if (env.WEAPP_FLEET_TOKEN) return { url, auth: { kind: 'token', token: env.WEAPP_FLEET_TOKEN }, source: 'env' };
  if (!stored) throw badInput('no credentials: run weapp-fleet login, or set WEAPP_FLEET_TOKEN');
  return { url, auth: stored.auth, source: 'file' };
}
