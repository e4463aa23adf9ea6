import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_PURPOSE, DataKeyProviderKind, type DataKeyProvider } from './data-keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const AAD = Buffer.from(DATA_KEY_PURPOSE, 'utf8');

/**
 * Data keys wrapped by a 256-bit key held outside the table (the local platform's key file),
 * with AES-256-GCM: the stand-in for KMS where there is none, with the same envelope.
 */
export class LocalKeyDataKeys implements DataKeyProvider {
  readonly kind = DataKeyProviderKind.localKey;

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the token key must be ${KEY_BYTES} bytes, not ${masterKey.length}`);
  }

  async generate(): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv).setAAD(AAD);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([iv, sealed, cipher.getAuthTag()]) };
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    if (wrapped.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) throw new Error('not a data key wrapped by the local token key');
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, IV_BYTES)).setAAD(AAD);
    decipher.setAuthTag(wrapped.subarray(IV_BYTES + KEY_BYTES));
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, IV_BYTES + KEY_BYTES)), decipher.final()]);
  }
}
