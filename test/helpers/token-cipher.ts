import { randomBytes } from 'node:crypto';
import { AttributeCipher } from '../../functions/lib/crypto-at-rest/attribute-cipher';
import { LocalKeyDataKeys } from '../../functions/lib/crypto-at-rest/local-key-data-keys';

/** A token cipher under a fresh random key, for store tests that run without the platform. */
export function testTokenCipher(masterKey: Buffer = randomBytes(32)): AttributeCipher {
  const keys = new LocalKeyDataKeys(masterKey);
  return new AttributeCipher(() => keys);
}
