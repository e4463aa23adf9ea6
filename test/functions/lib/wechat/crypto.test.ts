import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { MessageCryptoError, WeChatMessageCrypto } from '../../../../functions/lib/wechat/crypto';
import { SignatureError } from '../../../../functions/lib/errors';

// Known-answer vector from the platform's protocol reference (computed with OpenSSL and sha1sum).
const VECTOR = {
  token: 'pamtest',
  encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  aesKeyHex: '916c4f115d94103cb15a998f74a0b71787603c398ebdf297d471a71140d2d5a4',
  appId: 'wx3e1a5f0c2b7d9e41',
  timestamp: '1764115200',
  nonce: '1320562132',
  random: Buffer.from('0123456789abcdef', 'ascii'),
  msg: '<xml><AppId><![CDATA[wx3e1a5f0c2b7d9e41]]></AppId><CreateTime>1764115200</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@r3Vd0OVxhfGNvXe8qnw3yZ]]></ComponentVerifyTicket></xml>',
  encrypt:
    'pxDvIKtJjb6ivztGO70jSslFnPn+GMSCdO58IViLlq3OJVtYbji6ajrsL4FZxmFWQW99YSfMnPSQVzxHAA0cih2x2RGcMtz9dxFe/aWOuqHRdjwlEawHlp1nDdf5iYXbQTjwyR8TVoosn49YronP5qqG3UWNA7tYwiA4Nh0g9EdpkO2ZYKFYnz03oJeDW8jh8Lg9SZKEnQJwl6VEBVejgfz6BIZc6gFokotaUOXRvDB6O26EM1VionDObUw8RLgcedyZ35D017JWnFef12XSjxHlTHwrBOH2mFvg3UIDNfdTWtjVeYh9Ha4I6ad2u6pMkmVKNRa3nq9S/CZSTIhZPUuUVMGeh3uzJpgNfNLY21bErOZsMJnfsM4FRmbaFf5u',
  msgSignature: 'd58d6999cc6421f0835b354a569612e7f544c9bb',
};

const crypto = new WeChatMessageCrypto({ token: VECTOR.token, encodingAesKey: VECTOR.encodingAesKey, appId: VECTOR.appId });

/** Encrypts arbitrary plaintext bytes with the vector's key, bypassing the class's own framing. */
function rawEncrypt(plain: Buffer): string {
  const key = Buffer.from(VECTOR.aesKeyHex, 'hex');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function frame(msg: Buffer, appId: string, lengthField = msg.length): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(lengthField);
  return Buffer.concat([randomBytes(16), length, msg, Buffer.from(appId)]);
}

function pad32(buf: Buffer): Buffer {
  const n = 32 - (buf.length % 32);
  return Buffer.concat([buf, Buffer.alloc(n, n)]);
}

describe('Class: WeChatMessageCrypto', () => {
  describe('known-answer vector', () => {
    it('computes the published msg_signature', () => {
      expect(crypto.signature(VECTOR.timestamp, VECTOR.nonce, VECTOR.encrypt)).toBe(VECTOR.msgSignature);
    });

    it('verifies and decrypts the published ciphertext', () => {
      const plain = crypto.verifyAndDecrypt({
        msgSignature: VECTOR.msgSignature,
        timestamp: VECTOR.timestamp,
        nonce: VECTOR.nonce,
        encrypt: VECTOR.encrypt,
      });
      expect(plain).toBe(VECTOR.msg);
    });

    it('encrypts to the published ciphertext with the same random prefix', () => {
      expect(crypto.encrypt(VECTOR.msg, VECTOR.random)).toBe(VECTOR.encrypt);
    });

    it('derives the published AES key from the EncodingAESKey', () => {
      const decryptedWithReferenceKey = rawEncrypt(pad32(frame(Buffer.from('x'), VECTOR.appId)));
      expect(crypto.decrypt(decryptedWithReferenceKey)).toBe('x');
    });
  });

  describe('round trip', () => {
    it.each([
      ['ascii', '<xml><A>1</A></xml>'],
      ['unicode', '<xml><Name><![CDATA[微信小程序 ✓]]></Name></xml>'],
      ['empty', ''],
      ['block-aligned', 'x'.repeat(32 * 3 - 20 - VECTOR.appId.length)],
    ])('%s message survives encrypt → sign → verify → decrypt', (_, message) => {
      const envelope = crypto.encryptAndSign(message, '1700000000', 'abc');
      expect(Buffer.from(envelope.encrypt, 'base64').length % 32).toBe(0);
      expect(crypto.verifyAndDecrypt(envelope)).toBe(message);
    });

    it('uses a fresh random prefix per message', () => {
      expect(crypto.encrypt('same')).not.toBe(crypto.encrypt('same'));
    });

    it('decrypts many messages in a row with its reused cipher context', () => {
      const messages = Array.from({ length: 50 }, (_, i) => `<xml><N>${i}</N>${'p'.repeat(i * 7)}</xml>`);
      const encrypted = messages.map((m) => crypto.encrypt(m));
      expect(encrypted.map((e) => crypto.decrypt(e))).toEqual(messages);
    });
  });

  describe('rejections', () => {
    const valid = () => ({ msgSignature: VECTOR.msgSignature, timestamp: VECTOR.timestamp, nonce: VECTOR.nonce, encrypt: VECTOR.encrypt });

    it('rejects a wrong signature', () => {
      expect(() => crypto.verifyAndDecrypt({ ...valid(), msgSignature: 'd58d6999cc6421f0835b354a569612e7f544c9bc' })).toThrow(SignatureError);
    });

    it('rejects a signature of the wrong length', () => {
      expect(() => crypto.verifyAndDecrypt({ ...valid(), msgSignature: VECTOR.msgSignature.slice(1) })).toThrow(SignatureError);
    });

    it('rejects a changed timestamp, nonce or ciphertext under the old signature', () => {
      expect(() => crypto.verifyAndDecrypt({ ...valid(), timestamp: '1764115201' })).toThrow(SignatureError);
      expect(() => crypto.verifyAndDecrypt({ ...valid(), nonce: '1320562133' })).toThrow(SignatureError);
      const flipped = `${VECTOR.encrypt.slice(0, 10)}A${VECTOR.encrypt.slice(11)}`;
      expect(() => crypto.verifyAndDecrypt({ ...valid(), encrypt: flipped })).toThrow(SignatureError);
    });

    it('sorts its four inputs exactly as a lexicographic sort would, whatever their order', () => {
      const pieces = ['1', '12', '2', 'A', 'a', 'ab', 'b', '10', ''];
      const pick = () => pieces[Math.floor(Math.random() * pieces.length)]!;
      for (let i = 0; i < 500; i++) {
        const token = pick();
        const [timestamp, nonce, encrypt] = [pick(), pick(), pick()];
        const c = new WeChatMessageCrypto({ token: token || 't', encodingAesKey: VECTOR.encodingAesKey, appId: VECTOR.appId });
        const expected = createHash('sha1').update([token || 't', timestamp, nonce, encrypt].sort().join('')).digest('hex');
        expect(c.signature(timestamp, nonce, encrypt)).toBe(expected);
      }
    });

    it('accepts an upper-case signature (WeChat compares hex)', () => {
      expect(crypto.verifySignature(VECTOR.msgSignature.toUpperCase(), VECTOR.timestamp, VECTOR.nonce, VECTOR.encrypt)).toBe(true);
    });

    it('rejects a message addressed to another appid', () => {
      const other = new WeChatMessageCrypto({ token: VECTOR.token, encodingAesKey: VECTOR.encodingAesKey, appId: 'wx0000000000000000' });
      expect(() => other.decrypt(VECTOR.encrypt)).toThrow(SignatureError);
      expect(() => crypto.decrypt(rawEncrypt(pad32(frame(Buffer.from('<xml/>'), 'wx3e1a5f0c2b7d9e4'))))).toThrow(SignatureError);
    });

    it('rejects bad padding', () => {
      const framed = frame(Buffer.from('<xml/>'), VECTOR.appId);
      const n = 32 - (framed.length % 32);
      const wrongPadByte = Buffer.concat([framed, Buffer.alloc(n - 1, n), Buffer.from([n - 1 || 33])]);
      expect(() => crypto.decrypt(rawEncrypt(wrongPadByte))).toThrow(MessageCryptoError);
      const zeroPad = Buffer.concat([framed, Buffer.alloc(n, 0)]);
      expect(() => crypto.decrypt(rawEncrypt(zeroPad))).toThrow(MessageCryptoError);
      const tooLargePad = Buffer.concat([framed.subarray(0, 32), Buffer.alloc(32, 33)]);
      expect(() => crypto.decrypt(rawEncrypt(tooLargePad))).toThrow(MessageCryptoError);
    });

    it('rejects a length field beyond the buffer', () => {
      const msg = Buffer.from('<xml/>');
      expect(() => crypto.decrypt(rawEncrypt(pad32(frame(msg, VECTOR.appId, 10_000))))).toThrow('length field exceeds');
      expect(() => crypto.decrypt(rawEncrypt(pad32(frame(msg, VECTOR.appId, 0xffffffff))))).toThrow('length field exceeds');
    });

    it('rejects ciphertext that is not base64 or not whole 32-byte blocks', () => {
      expect(() => crypto.decrypt('not base64!!')).toThrow(MessageCryptoError);
      expect(() => crypto.decrypt(VECTOR.encrypt.slice(0, -4))).toThrow(MessageCryptoError);
      expect(() => crypto.decrypt(Buffer.alloc(16).toString('base64'))).toThrow(MessageCryptoError);
      expect(() => crypto.decrypt('')).toThrow(MessageCryptoError);
    });

    it.each([
      ['42 characters', VECTOR.encodingAesKey.slice(1)],
      ['44 characters', `${VECTOR.encodingAesKey}A`],
      ['non-base64 characters', `${VECTOR.encodingAesKey.slice(0, 42)}!`],
    ])('refuses an EncodingAESKey of %s', (_, encodingAesKey) => {
      expect(() => new WeChatMessageCrypto({ token: 't', encodingAesKey, appId: VECTOR.appId })).toThrow(/EncodingAESKey/);
    });
  });
});
