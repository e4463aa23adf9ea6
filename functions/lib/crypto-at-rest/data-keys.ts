/**
 * Where the data keys of at-rest encryption come from. A data key is a fresh AES-256 key,
 * kept in memory in plaintext and stored next to each ciphertext only wrapped (encrypted) by
 * the master key, which never leaves its home: KMS in AWS, a key file locally.
 */
export interface DataKeyProvider {
  /** Written into every ciphertext so a value is never unwrapped by the wrong kind of provider. */
  readonly kind: DataKeyProviderKind;
  /** A new data key: its plaintext and the same key wrapped by the master key. */
  generate(): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  /** The plaintext of a wrapped data key; throws when the master key did not wrap it. */
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

export const DataKeyProviderKind = { kms: 1, localKey: 2 } as const;
export type DataKeyProviderKind = (typeof DataKeyProviderKind)[keyof typeof DataKeyProviderKind];

/**
 * Bound to every data key (KMS encryption context, the local wrapping's AAD): a data key made
 * for tokens at rest cannot be unwrapped for anything else, and CloudTrail names the purpose.
 */
export const DATA_KEY_PURPOSE = 'weapp-fleet/tokens-at-rest';
