import { readFileSync } from 'node:fs';
import { KMSClient } from '@aws-sdk/client-kms';
import { config } from '../config';
import { ConfigurationError } from '../errors';
import type { DataKeyProvider } from './data-keys';
import { KmsDataKeys } from './kms-data-keys';
import { LocalKeyDataKeys } from './local-key-data-keys';

/**
 * This module is the only way into a bundle for the KMS client: the handlers of functions
 * that hold the token key (manifest `tokenKey`) hand `configuredTokenKey` to
 * `enableTokenKey` (lib/platform.ts), and the others never load it.
 *
 * The token key this function is configured with: `TOKEN_KEY_ARN` (KMS, in AWS) or
 * `TOKEN_KEY_FILE` (a 256-bit key, base64, where there is no KMS). Only configuration
 * decides; a function given neither may not read or write tokens, and says so.
 */
export function configuredTokenKey(): DataKeyProvider {
  const { TOKEN_KEY_ARN, TOKEN_KEY_FILE } = config();
  if (TOKEN_KEY_ARN && TOKEN_KEY_FILE) throw new ConfigurationError('set TOKEN_KEY_ARN or TOKEN_KEY_FILE, not both');
  // KMS has no local stand-in, so no endpoint: only AWS configures a key ARN.
  if (TOKEN_KEY_ARN) return new KmsDataKeys(new KMSClient({ region: config().AWS_REGION }), TOKEN_KEY_ARN);
  if (TOKEN_KEY_FILE) return new LocalKeyDataKeys(readTokenKeyFile(TOKEN_KEY_FILE));
  throw new ConfigurationError('no token key is configured (TOKEN_KEY_ARN or TOKEN_KEY_FILE): this function may not read or write merchant tokens');
}

/** The file holds the key base64-encoded on one line. */
export function readTokenKeyFile(file: string): Buffer {
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigurationError(`TOKEN_KEY_FILE must hold a 256-bit key in base64 (${file} holds ${key.length} bytes)`);
  return key;
}
