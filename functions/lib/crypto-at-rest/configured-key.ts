import { readFileSync } from 'node:fs';
import { config } from '../config';
import { ConfigurationError } from '../errors';
import { DataKeyProviderKind, type DataKeyProvider } from './data-keys';
import { LocalKeyDataKeys } from './local-key-data-keys';

/**
 * This module is the only way into a bundle for the KMS client: the handlers of functions
 * that hold the token key (manifest `tokenKey`) hand `configuredTokenKey` to
 * `enableTokenKey` (lib/composition/token-key.ts), and the others never bundle it. Those that
 * do load it with the first token they seal or open, not at init.
 *
 * The token key this function is configured with: `TOKEN_KEY_ARN` (KMS, in AWS) or
 * `TOKEN_KEY_FILE` (a 256-bit key, base64, where there is no KMS). Only configuration
 * decides; a function given neither may not read or write tokens, and says so.
 */
export function configuredTokenKey(): DataKeyProvider {
  const { TOKEN_KEY_ARN, TOKEN_KEY_FILE } = config();
  if (TOKEN_KEY_ARN && TOKEN_KEY_FILE) throw new ConfigurationError('set TOKEN_KEY_ARN or TOKEN_KEY_FILE, not both');
  // KMS has no local stand-in, so no endpoint: only AWS configures a key ARN.
  if (TOKEN_KEY_ARN) return kmsDataKeysOnFirstUse(TOKEN_KEY_ARN);
  if (TOKEN_KEY_FILE) return new LocalKeyDataKeys(readTokenKeyFile(TOKEN_KEY_FILE));
  throw new ConfigurationError('no token key is configured (TOKEN_KEY_ARN or TOKEN_KEY_FILE): this function may not read or write merchant tokens');
}

/**
 * `KmsDataKeys` with the KMS client and its commands (~27 KB) imported on the first data key
 * asked for: the callback's ticket push, the hot path, never opens a token, so its init
 * should not pay for them. Only the kind is needed up front, and configuration decides it.
 */
function kmsDataKeysOnFirstUse(keyArn: string): DataKeyProvider {
  let loading: Promise<DataKeyProvider> | undefined;
  const keys = (): Promise<DataKeyProvider> =>
    // Through our module, not `import('@aws-sdk/client-kms')`: a namespace import would keep every KMS command.
    (loading ??= import('./kms-data-keys')
      .then(({ kmsDataKeysFor }) => kmsDataKeysFor(keyArn, config().AWS_REGION))
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      }));
  return {
    kind: DataKeyProviderKind.kms,
    generate: async () => (await keys()).generate(),
    unwrap: async (wrapped) => (await keys()).unwrap(wrapped),
  };
}

/** The file holds the key base64-encoded on one line. */
export function readTokenKeyFile(file: string): Buffer {
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigurationError(`TOKEN_KEY_FILE must hold a 256-bit key in base64 (${file} holds ${key.length} bytes)`);
  return key;
}
