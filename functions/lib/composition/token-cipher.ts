import { AttributeCipher } from '../crypto-at-rest/attribute-cipher';
import type { DataKeyProvider } from '../crypto-at-rest/data-keys';
import { once } from './process-scope';
import { enabledTokenKey } from './token-key';

/**
 * Encrypts and decrypts tokens at rest, its data key cached for the life of the process. The
 * key is looked up on first use, so a function that never touches a token needs none.
 */
export function tokenCipher(): AttributeCipher {
  return once(tokenCipher, () => {
    let key: DataKeyProvider | undefined;
    return new AttributeCipher(() => (key ??= enabledTokenKey()));
  });
}
