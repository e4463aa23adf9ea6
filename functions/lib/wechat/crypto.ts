import { createCipheriv, createDecipheriv, hash, randomBytes, timingSafeEqual, type Decipher } from 'node:crypto';
import { BadRequestError, SignatureError } from '../errors';

/** WeChat pads to 32-byte blocks, not AES's 16 (WXBizMsgCrypt's PKCS7Encoder). */
const PAD_BLOCK_BYTES = 32;
const RANDOM_PREFIX_BYTES = 16;
const LENGTH_FIELD_BYTES = 4;
const AES_BLOCK_BYTES = 16;
const ENCODING_AES_KEY_CHARS = 43;
const SIGNATURE_HEX_CHARS = 40;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface MessageCryptoOptions {
  /** The platform's message Token (消息校验 Token). */
  token: string;
  /** The 43-character EncodingAESKey. */
  encodingAesKey: string;
  /** The component appid; decrypted messages must end with it. */
  appId: string;
}

export interface SignedEnvelope {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

/** Same result as `[a, b, c, d].sort().join('')` without allocating an array (this runs per push). */
function sortedConcat(a: string, b: string, c: string, d: string): string {
  let t: string;
  if (a > b) [a, b] = [b, a];
  if (c > d) [c, d] = [d, c];
  if (a > c) [a, c] = [c, a];
  if (b > d) [b, d] = [d, b];
  if (b > c) {
    t = b;
    b = c;
    c = t;
  }
  return a + b + c + d;
}

/** Ciphertext that passed the signature check but does not decrypt to a well-formed message. */
export class MessageCryptoError extends BadRequestError {
  override readonly name: string = 'MessageCryptoError';
  constructor(message: string) {
    super(message, 'invalid_ciphertext');
  }
}

/**
 * WXBizMsgCrypt ("safe mode") for pushes and encrypted replies.
 *
 * Decryption keeps one AES-256-CBC decipher (padding off) for the life of the instance:
 * creating a cipher context per message costs more than decrypting a typical push. Each
 * message is fed behind one block equal to the IV, which resets the CBC chain, so the
 * context can be reused safely (Node runs `update` synchronously).
 */
export class WeChatMessageCrypto {
  private readonly token: string;
  private readonly appId: string;
  private readonly appIdBytes: Buffer;
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly chainedDecipher: Decipher;
  private readonly expectedSignature = Buffer.alloc(SIGNATURE_HEX_CHARS);
  private readonly givenSignature = Buffer.alloc(SIGNATURE_HEX_CHARS);

  constructor({ token, encodingAesKey, appId }: MessageCryptoOptions) {
    if (!token) throw new TypeError('message token is required');
    if (!appId) throw new TypeError('appId is required');
    if (encodingAesKey.length !== ENCODING_AES_KEY_CHARS || !BASE64.test(encodingAesKey)) {
      throw new TypeError(`EncodingAESKey must be ${ENCODING_AES_KEY_CHARS} base64 characters`);
    }
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new TypeError('EncodingAESKey does not decode to 32 bytes');
    this.iv = this.key.subarray(0, AES_BLOCK_BYTES);
    this.token = token;
    this.appId = appId;
    this.appIdBytes = Buffer.from(appId, 'utf8');
    this.chainedDecipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
  }

  /** `msg_signature`: SHA1 over the lexicographically sorted token, timestamp, nonce and ciphertext. */
  signature(timestamp: string, nonce: string, encrypt: string): string {
    return hash('sha1', sortedConcat(this.token, timestamp, nonce, encrypt), 'hex');
  }

  /** Constant-time check of a `msg_signature`. */
  verifySignature(msgSignature: string, timestamp: string, nonce: string, encrypt: string): boolean {
    if (msgSignature.length !== SIGNATURE_HEX_CHARS) return false;
    // Reused buffers: two allocations per push cost more than the comparison itself.
    this.expectedSignature.write(this.signature(timestamp, nonce, encrypt), 'latin1');
    this.givenSignature.write(msgSignature.toLowerCase(), 'latin1');
    return timingSafeEqual(this.expectedSignature, this.givenSignature);
  }

  /** Verifies the signature, then decrypts; throws `SignatureError` or `MessageCryptoError`. */
  verifyAndDecrypt({ msgSignature, timestamp, nonce, encrypt }: SignedEnvelope): string {
    if (!this.verifySignature(msgSignature, timestamp, nonce, encrypt)) {
      throw new SignatureError('msg_signature does not match');
    }
    return this.decrypt(encrypt);
  }

  /** Decrypts a base64 `Encrypt` value and checks padding, length field and trailing appid. */
  decrypt(encrypt: string): string {
    // The chaining block goes first: after it the long-lived decipher's CBC state is the IV,
    // whatever it decrypted before. Its own output block is discarded.
    const input = Buffer.allocUnsafe(AES_BLOCK_BYTES + Math.ceil((encrypt.length * 3) / 4));
    this.iv.copy(input, 0);
    const cipherLength = input.write(encrypt, AES_BLOCK_BYTES, 'base64');
    // Node skips characters outside the alphabet, so a short decode means the text was not base64.
    // (No regex: on a typical push it costs more than the AES.)
    const padChars = encrypt.endsWith('==') ? 2 : encrypt.endsWith('=') ? 1 : 0;
    if (encrypt.length % 4 !== 0 || cipherLength !== (encrypt.length / 4) * 3 - padChars) {
      throw new MessageCryptoError('ciphertext is not base64');
    }
    if (cipherLength < PAD_BLOCK_BYTES || cipherLength % PAD_BLOCK_BYTES !== 0) {
      throw new MessageCryptoError('ciphertext length is not a whole number of 32-byte blocks');
    }
    const plain = this.chainedDecipher.update(input.subarray(0, AES_BLOCK_BYTES + cipherLength)).subarray(AES_BLOCK_BYTES);

    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > PAD_BLOCK_BYTES) throw new MessageCryptoError('bad padding');
    for (let i = plain.length - pad; i < plain.length - 1; i++) {
      if (plain[i] !== pad) throw new MessageCryptoError('bad padding');
    }
    const contentEnd = plain.length - pad;
    const headerEnd = RANDOM_PREFIX_BYTES + LENGTH_FIELD_BYTES;
    if (contentEnd < headerEnd) throw new MessageCryptoError('message too short');
    const msgLength = plain.readUInt32BE(RANDOM_PREFIX_BYTES);
    const msgEnd = headerEnd + msgLength;
    if (msgEnd > contentEnd) throw new MessageCryptoError('length field exceeds the message');
    if (contentEnd - msgEnd !== this.appIdBytes.length || !this.appIdBytes.equals(plain.subarray(msgEnd, contentEnd))) {
      throw new SignatureError('message is addressed to another appid', 'appid');
    }
    return plain.toString('utf8', headerEnd, msgEnd);
  }

  /** Encrypts `message` the way WeChat does; `random` is for known-answer tests only. */
  encrypt(message: string, random: Buffer = randomBytes(RANDOM_PREFIX_BYTES)): string {
    if (random.length !== RANDOM_PREFIX_BYTES) throw new TypeError('random prefix must be 16 bytes');
    const msg = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_FIELD_BYTES);
    length.writeUInt32BE(msg.length);
    const unpadded = Buffer.concat([random, length, msg, this.appIdBytes]);
    const pad = PAD_BLOCK_BYTES - (unpadded.length % PAD_BLOCK_BYTES);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([unpadded, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** Encrypts and signs, producing what WeChat would post (or what an encrypted reply carries). */
  encryptAndSign(message: string, timestamp: string, nonce: string, random?: Buffer): SignedEnvelope {
    const encrypt = this.encrypt(message, random);
    return { encrypt, msgSignature: this.signature(timestamp, nonce, encrypt), timestamp, nonce };
  }

  get componentAppId(): string {
    return this.appId;
  }
}
