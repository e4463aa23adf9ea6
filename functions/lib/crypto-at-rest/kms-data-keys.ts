import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DATA_KEY_PURPOSE, DataKeyProviderKind, type DataKeyProvider } from './data-keys';

/** The encryption context KMS binds to each data key; IAM grants the key only with it. */
export const KMS_ENCRYPTION_CONTEXT = { purpose: DATA_KEY_PURPOSE } as const;

/** Data keys from a KMS key (GenerateDataKey / Decrypt); the master key never leaves KMS. */
export class KmsDataKeys implements DataKeyProvider {
  readonly kind = DataKeyProviderKind.kms;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyArn: string,
  ) {}

  async generate(): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const out = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyArn, KeySpec: 'AES_256', EncryptionContext: { ...KMS_ENCRYPTION_CONTEXT } }));
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    // KeyId pins the key: a blob wrapped by any other KMS key is refused, not decrypted.
    const out = await this.kms.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: this.keyArn, EncryptionContext: { ...KMS_ENCRYPTION_CONTEXT } }));
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no key');
    return Buffer.from(out.Plaintext);
  }
}

/** Data keys from `keyArn` through a client for `region`: the one entry configured-key.ts loads on first use. */
export function kmsDataKeysFor(keyArn: string, region: string): KmsDataKeys {
  return new KmsDataKeys(new KMSClient({ region }), keyArn);
}
