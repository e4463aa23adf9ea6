import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { AttributeCipher, UnreadableCiphertextError } from '../../../../functions/lib/crypto-at-rest/attribute-cipher';
import { KMS_ENCRYPTION_CONTEXT, KmsDataKeys } from '../../../../functions/lib/crypto-at-rest/kms-data-keys';
import { LocalKeyDataKeys } from '../../../../functions/lib/crypto-at-rest/local-key-data-keys';

const KEY_ARN = 'arn:aws:kms:ap-east-1:111122223333:key/11111111-2222-3333-4444-555555555555';
const context = { pk: 'AUTHORIZER#wx0000000000000001', sk: 'TOKEN', attribute: 'accessToken' };

/**
 * KMS has no local engine: a mock that wraps data keys as KMS would (an opaque blob only it
 * can turn back into the key), checked call by call.
 */
function fakeKms() {
  const kms = mockClient(KMSClient);
  const wrapped = new Map<string, Buffer>();
  const faults = { generate: 0 };
  kms.on(GenerateDataKeyCommand).callsFake(() => {
    if (faults.generate > 0 && faults.generate--) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    const plaintext = randomBytes(32);
    const blob = randomBytes(184);
    wrapped.set(blob.toString('base64'), plaintext);
    return { Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob), KeyId: KEY_ARN };
  });
  kms.on(DecryptCommand).callsFake((input: { CiphertextBlob: Uint8Array }) => {
    const plaintext = wrapped.get(Buffer.from(input.CiphertextBlob).toString('base64'));
    if (!plaintext) throw Object.assign(new Error('invalid ciphertext'), { name: 'InvalidCiphertextException' });
    return { Plaintext: new Uint8Array(plaintext), KeyId: KEY_ARN };
  });
  return Object.assign(kms, { faults });
}

describe('Class: AttributeCipher with KMS data keys', () => {
  const kms = fakeKms();
  afterAll(() => kms.restore());
  beforeEach(() => kms.resetHistory());

  /** One Lambda container: its own cipher and cache, the same KMS key. */
  const container = (now: () => number = Date.now) => {
    const keys = new KmsDataKeys(new KMSClient({ region: 'ap-east-1' }), KEY_ARN);
    return new AttributeCipher(() => keys, { maxAgeMs: 60 * 60_000, maxUses: 1000, maxUnwrapped: 4 }, now);
  };

  it('makes one data key per container for any number of values, with the key and purpose pinned', async () => {
    const cipher = container();
    const sealed = await Promise.all(Array.from({ length: 20 }, (_, i) => cipher.seal(`token-${i}`, context)));
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({ KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: KMS_ENCRYPTION_CONTEXT });
    // Its own ciphertexts it reads without asking KMS.
    expect(await Promise.all(sealed.map((s) => cipher.open(s, context)))).toEqual(Array.from({ length: 20 }, (_, i) => `token-${i}`));
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it("reads another container's values with one Decrypt per data key, then from its cache", async () => {
    const writer = container();
    const sealed = await Promise.all(['a', 'b', 'c'].map((t) => writer.seal(t, context)));
    const reader = container();
    expect(await Promise.all(sealed.map((s) => reader.open(s, context)))).toEqual(['a', 'b', 'c']);
    expect(await reader.open(sealed[0], context)).toBe('a');
    const decrypts = kms.commandCalls(DecryptCommand);
    expect(decrypts).toHaveLength(1);
    expect(decrypts[0]!.args[0].input).toMatchObject({ KeyId: KEY_ARN, EncryptionContext: KMS_ENCRYPTION_CONTEXT });
  });

  it('makes a new data key once the current one is older than the policy allows, and still reads the old ones', async () => {
    let now = 0;
    const cipher = container(() => now);
    const old = await cipher.seal('old', context);
    now = 60 * 60_000;
    await cipher.seal('new', context);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
    expect(await cipher.open(old, context)).toBe('old');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('does not keep a failed GenerateDataKey: the next value asks again', async () => {
    const cipher = container();
    kms.faults.generate = 1;
    await expect(cipher.seal('x', context)).rejects.toThrow('throttled');
    expect(await cipher.open(await cipher.seal('x', context), context)).toBe('x');
  });

  it('refuses a value whose data key KMS will not unwrap', async () => {
    const sealed = Buffer.from(await container().seal('x', context));
    sealed.writeUInt8(sealed.readUInt8(10) ^ 0xff, 10); // inside the wrapped key
    await expect(container().open(sealed, context)).rejects.toThrow(UnreadableCiphertextError);
  });
});

describe('Class: AttributeCipher', () => {
  const master = randomBytes(32);
  const cipher = () => new AttributeCipher(() => new LocalKeyDataKeys(master));

  it('writes the versioned format: version 1, the provider kind, the wrapped key, then IV, ciphertext and tag', async () => {
    const sealed = Buffer.from(await cipher().seal('token', context));
    expect(sealed[0]).toBe(1);
    expect(sealed[1]).toBe(2);
    const wrappedLength = sealed.readUInt16BE(2);
    expect(wrappedLength).toBe(12 + 32 + 16);
    expect(sealed.length).toBe(4 + wrappedLength + 12 + Buffer.byteLength('token') + 16);
    expect(sealed.includes('token')).toBe(false);
  });

  it('gives two ciphertexts of one value that differ (random IV)', async () => {
    const c = cipher();
    expect(Buffer.from(await c.seal('same', context)).equals(Buffer.from(await c.seal('same', context)))).toBe(false);
  });

  it('binds a value to its context, whatever the order of the names', async () => {
    const c = cipher();
    const sealed = await c.seal('token', context);
    expect(await c.open(sealed, { attribute: 'accessToken', sk: 'TOKEN', pk: context.pk })).toBe('token');
    await expect(c.open(sealed, { ...context, pk: 'AUTHORIZER#wx0000000000000002' })).rejects.toThrow(UnreadableCiphertextError);
    await expect(c.open(sealed, { ...context, attribute: 'refreshToken' })).rejects.toThrow(UnreadableCiphertextError);
  });

  it('refuses an altered, truncated or unknown value, another master key and another kind of provider', async () => {
    const sealed = Buffer.from(await cipher().seal('token', context));
    const altered = Buffer.from(sealed);
    altered.writeUInt8(altered.readUInt8(altered.length - 20) ^ 1, altered.length - 20);
    await expect(cipher().open(altered, context)).rejects.toThrow(UnreadableCiphertextError);
    await expect(cipher().open(sealed.subarray(0, 30), context)).rejects.toThrow(UnreadableCiphertextError);
    await expect(cipher().open(Buffer.concat([Buffer.from([9]), sealed.subarray(1)]), context)).rejects.toThrow('unknown format');
    await expect(new AttributeCipher(() => new LocalKeyDataKeys(randomBytes(32))).open(sealed, context)).rejects.toThrow(UnreadableCiphertextError);
    const kmsKind = new KmsDataKeys(new KMSClient({ region: 'ap-east-1' }), KEY_ARN);
    await expect(new AttributeCipher(() => kmsKind).open(sealed, context)).rejects.toThrow('written with key provider 2, this platform uses 1');
  });

  it('passes a string stored before encryption through, and reads nothing from an absent value', async () => {
    expect(await cipher().open('plain-token', context)).toBe('plain-token');
    expect(await cipher().open(undefined, context)).toBeUndefined();
    expect(await cipher().open(42, context)).toBeUndefined();
  });

  it('looks the key up only when first used, so a function without one can still be built', async () => {
    const unconfigured = new AttributeCipher(() => {
      throw new Error('no token key is configured');
    });
    expect(await unconfigured.open('plain', context)).toBe('plain');
    await expect(unconfigured.seal('x', context)).rejects.toThrow('no token key is configured');
  });
});
