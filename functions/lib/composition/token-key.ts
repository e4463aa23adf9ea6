import type { DataKeyProvider } from '../crypto-at-rest/data-keys';
import { ConfigurationError } from '../errors';

// Not reset by resetPlatform: which function holds the key is fixed when its handler loads.
let tokenKeySource: (() => DataKeyProvider) | undefined;

/**
 * Called once at load by the handlers of the functions that use merchant tokens (manifest
 * `tokenKey`, test/infra/token-key-reach.test.ts) with `configuredTokenKey`: the others
 * neither bundle the KMS client nor can open a token. Apart from the cipher
 * (token-cipher.ts), so a handler that takes the key loads the cipher only when it opens a token.
 */
export function enableTokenKey(source: () => DataKeyProvider): void {
  tokenKeySource = source;
}

/** The key this function was given; refused in a function whose manifest entry has no `tokenKey`. */
export function enabledTokenKey(): DataKeyProvider {
  if (!tokenKeySource) throw new ConfigurationError('this function does not hold the token key (manifest tokenKey): it may not read or write merchant tokens');
  return tokenKeySource();
}
