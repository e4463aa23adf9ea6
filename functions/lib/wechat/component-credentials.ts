import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { secretsManagerClient } from '../aws/secrets-manager';
import { config } from '../config';
import { ConfigurationError } from '../errors';

/** The third-party platform's own credentials, from the WeChat Open Platform console. */
export interface ComponentCredentials {
  appId: string;
  appSecret: string;
  /** Message-verification Token. */
  token: string;
  /** 43-character EncodingAESKey. */
  aesKey: string;
}

// zod/mini: loaded with pushCrypto() on the callbacks' cold-start path.
const SecretSchema = z.object({
  appSecret: z.string().check(z.minLength(1)),
  token: z.string().check(z.minLength(1)),
  aesKey: z.string().check(z.length(43)),
});

let cached: Promise<ComponentCredentials> | undefined;

/**
 * Loaded once per cold start: from Secrets Manager when `COMPONENT_SECRET_ARN` is configured
 * (AWS), otherwise from `WECHAT_COMPONENT_*` variables. The appid is not secret and always
 * comes from `WECHAT_COMPONENT_APPID`.
 */
export function componentCredentials(): Promise<ComponentCredentials> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function load(): Promise<ComponentCredentials> {
  const env = config();
  let raw: unknown;
  if (env.COMPONENT_SECRET_ARN) {
    const { SecretString } = await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: env.COMPONENT_SECRET_ARN }));
    try {
      raw = JSON.parse(SecretString ?? '');
    } catch {
      throw new ConfigurationError('component secret is not JSON');
    }
  } else {
    raw = { appSecret: env.WECHAT_COMPONENT_SECRET, token: env.WECHAT_COMPONENT_TOKEN, aesKey: env.WECHAT_COMPONENT_AES_KEY };
  }
  const parsed = SecretSchema.safeParse(raw);
  if (!parsed.success) {
    // Names the fields only; values are secret.
    throw new ConfigurationError(`component credentials incomplete: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  return { appId: env.WECHAT_COMPONENT_APPID, ...parsed.data };
}

export function resetComponentCredentials(): void {
  cached = undefined;
}
