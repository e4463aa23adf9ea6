import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeyProvider } from './data-keys';

/**
 * What a ciphertext is bound to: the item's key and the attribute's name. It is
 * authenticated (AES-GCM additional data), not stored, so a ciphertext copied to another item
 * or attribute fails to decrypt instead of handing one merchant's token to another.
 */
export type CipherContext = Readonly<Record<string, string>>;

/** Version 1 of the stored format (see `AttributeCipher`). */
const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Header before the wrapped key: version, provider kind, wrapped-key length (uint16 BE). */
const HEADER_BYTES = 4;

export interface DataKeyCachePolicy {
  /** A data key encrypts for at most this long (ms) before a new one is made. */
  maxAgeMs: number;
  /** … and at most this many values (AES-GCM with random IVs stays far below its 2^32 bound). */
  maxUses: number;
  /** Unwrapped keys kept for reading: one per writer container and key age, so a few dozen cover a fleet. */
  maxUnwrapped: number;
}

export const DEFAULT_DATA_KEY_CACHE: DataKeyCachePolicy = { maxAgeMs: 60 * 60_000, maxUses: 100_000, maxUnwrapped: 64 };

/** A stored value that is not a ciphertext this platform can open with this context and key. */
export class UnreadableCiphertextError extends Error {
  constructor(reason: string) {
    super(`a token stored encrypted could not be decrypted: ${reason}`);
    this.name = 'UnreadableCiphertextError';
  }
}

interface EncryptionKey {
  plaintext: Buffer;
  wrapped: Buffer;
  createdAt: number;
  uses: number;
}

/**
 * Envelope encryption of single DynamoDB attributes with AES-256-GCM under a cached data key,
 * so a warm container encrypts and decrypts without a round trip to KMS: one GenerateDataKey
 * per container and hour, one Decrypt per data key another container wrote.
 *
 * Stored as a DynamoDB binary attribute, self-describing:
 *   [1] version = 1 · [1] provider kind · [2] wrapped-key length N · [N] wrapped data key ·
 *   [12] IV · [..] AES-256-GCM ciphertext · [16] tag
 * authenticated with the header + wrapped key + the canonical context as additional data.
 * Tokens from before encryption are strings: `open` passes them through unchanged (they are
 * rewritten encrypted on their next refresh), and binary always means ciphertext.
 */
export class AttributeCipher {
  private current: Promise<EncryptionKey> | undefined;
  private readonly unwrapped = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly provider: () => DataKeyProvider,
    private readonly policy: DataKeyCachePolicy = DEFAULT_DATA_KEY_CACHE,
    private readonly now: () => number = Date.now,
  ) {}

  async seal(plaintext: string, context: CipherContext): Promise<Uint8Array> {
    const key = await this.encryptionKey();
    key.uses += 1;
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(FORMAT_V1, 0);
    header.writeUInt8(this.provider().kind, 1);
    header.writeUInt16BE(key.wrapped.length, 2);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv).setAAD(additionalData(header, key.wrapped, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([header, key.wrapped, iv, body, cipher.getAuthTag()]);
  }

  /**
   * The plaintext of a stored attribute: a ciphertext is decrypted, a string (stored before
   * encryption) is returned as it is, anything else is undefined.
   */
  async open(stored: unknown, context: CipherContext): Promise<string | undefined> {
    if (typeof stored === 'string') return stored;
    if (!(stored instanceof Uint8Array)) return undefined;
    const value = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (value.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || value.readUInt8(0) !== FORMAT_V1) throw new UnreadableCiphertextError('unknown format');
    const kind = value.readUInt8(1);
    if (kind !== this.provider().kind) throw new UnreadableCiphertextError(`written with key provider ${kind}, this platform uses ${this.provider().kind}`);
    const wrappedEnd = HEADER_BYTES + value.readUInt16BE(2);
    if (value.length < wrappedEnd + IV_BYTES + TAG_BYTES) throw new UnreadableCiphertextError('truncated');
    const wrapped = value.subarray(HEADER_BYTES, wrappedEnd);
    const dataKey = await this.unwrap(wrapped);
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey, value.subarray(wrappedEnd, wrappedEnd + IV_BYTES));
      decipher.setAAD(additionalData(value.subarray(0, HEADER_BYTES), wrapped, context));
      decipher.setAuthTag(value.subarray(value.length - TAG_BYTES));
      return Buffer.concat([decipher.update(value.subarray(wrappedEnd + IV_BYTES, value.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new UnreadableCiphertextError('it belongs to another item or attribute, or was altered');
    }
  }

  /** The data key for new ciphertexts: the cached one while it is young and not worn out. */
  private async encryptionKey(): Promise<EncryptionKey> {
    for (;;) {
      const pending = (this.current ??= this.generateKey());
      const key = await pending;
      if (this.now() - key.createdAt < this.policy.maxAgeMs && key.uses < this.policy.maxUses) return key;
      // Concurrent callers that find it worn out make one new key between them.
      if (this.current === pending) this.current = this.generateKey();
    }
  }

  private generateKey(): Promise<EncryptionKey> {
    const pending = this.provider()
      .generate()
      .then(({ plaintext, wrapped }) => {
        // Reading back what this container wrote costs no unwrap either.
        this.remember(wrapped, Promise.resolve(plaintext));
        return { plaintext, wrapped, createdAt: this.now(), uses: 0 };
      });
    // A failed generation is not cached: the next call tries again.
    pending.catch(() => {
      if (this.current === pending) this.current = undefined;
    });
    return pending;
  }

  private unwrap(wrapped: Buffer): Promise<Buffer> {
    const id = wrapped.toString('base64');
    const known = this.unwrapped.get(id);
    if (known) return known;
    const pending = this.provider()
      .unwrap(Buffer.from(wrapped))
      .catch((error: unknown) => {
        this.unwrapped.delete(id);
        throw new UnreadableCiphertextError(`its data key could not be unwrapped (${error instanceof Error ? error.name : 'error'})`);
      });
    this.remember(wrapped, pending);
    return pending;
  }

  private remember(wrapped: Buffer, key: Promise<Buffer>): void {
    const id = wrapped.toString('base64');
    this.unwrapped.delete(id);
    this.unwrapped.set(id, key);
    // Oldest first out: Map keeps insertion order.
    while (this.unwrapped.size > this.policy.maxUnwrapped) this.unwrapped.delete(this.unwrapped.keys().next().value!);
  }
}

/** Header, wrapped key and context as one byte string; the context's keys sorted, so order never matters. */
function additionalData(header: Buffer, wrapped: Buffer, context: CipherContext): Buffer {
  const canonical = JSON.stringify(Object.keys(context).sort().map((name) => [name, context[name]]));
  return Buffer.concat([header, wrapped, Buffer.from(canonical, 'utf8')]);
}
