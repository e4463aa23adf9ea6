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

/** Ciphertext that passed the signature check but does not decrypt to a well-formed message. */
export class MessageCryptoError extends BadRequestError {
  constructor(message: string) {
    super(message, 'invalid_ciphertext');
  }
}

/**
 * WXBizMsgCrypt ("safe mode") for pushes and encrypted replies.
 *
 * Decryption keeps one AES-256-ECB decipher for the life of the instance and applies the
 * CBC chaining itself: creating a cipher context per message costs more than decrypting a
 * typical push, and ECB without padding is stateless between calls, so the context can be
 * reused safely (Node runs `update` synchronously).
 */
export class WeChatMessageCrypto {
  private readonly token: string;
  private readonly appId: string;
  private readonly appIdBytes: Buffer;
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly blockDecipher: Decipher;

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
    this.blockDecipher = createDecipheriv('aes-256-ecb', this.key, null).setAutoPadding(false);
  }

  /** `msg_signature`: SHA1 over the lexicographically sorted token, timestamp, nonce and ciphertext. */
  signature(timestamp: string, nonce: string, encrypt: string): string {
    return hash('sha1', [this.token, timestamp, nonce, encrypt].sort().join(''), 'hex');
  }

  /** Constant-time check of a `msg_signature`. */
  verifySignature(msgSignature: string, timestamp: string, nonce: string, encrypt: string): boolean {
    if (msgSignature.length !== SIGNATURE_HEX_CHARS) return false;
    const expected = Buffer.from(this.signature(timestamp, nonce, encrypt), 'latin1');
    return timingSafeEqual(expected, Buffer.from(msgSignature.toLowerCase(), 'latin1'));
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
    if (encrypt.length % 4 !== 0 || !BASE64.test(encrypt)) {
      throw new MessageCryptoError('ciphertext is not base64');
    }
    const cipherBytes = Buffer.from(encrypt, 'base64');
    if (cipherBytes.length < PAD_BLOCK_BYTES || cipherBytes.length % PAD_BLOCK_BYTES !== 0) {
      throw new MessageCryptoError('ciphertext length is not a whole number of 32-byte blocks');
    }
    const plain = this.blockDecipher.update(cipherBytes);
    // CBC: P[i] = D(C[i]) xor C[i-1], with C[-1] = IV.
    for (let i = 0; i < AES_BLOCK_BYTES; i++) plain[i]! ^= this.iv[i]!;
    for (let i = AES_BLOCK_BYTES; i < plain.length; i++) plain[i]! ^= cipherBytes[i - AES_BLOCK_BYTES]!;

    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > PAD_BLOCK_BYTES) throw new MessageCryptoError('bad padding');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new MessageCryptoError('bad padding');
    }
    const contentEnd = plain.length - pad;
    const headerEnd = RANDOM_PREFIX_BYTES + LENGTH_FIELD_BYTES;
    if (contentEnd < headerEnd) throw new MessageCryptoError('message too short');
    const msgLength = plain.readUInt32BE(RANDOM_PREFIX_BYTES);
    const msgEnd = headerEnd + msgLength;
    if (msgEnd > contentEnd) throw new MessageCryptoError('length field exceeds the message');
    const trailing = plain.subarray(msgEnd, contentEnd);
    if (!trailing.equals(this.appIdBytes)) throw new SignatureError('message is addressed to another appid');
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
