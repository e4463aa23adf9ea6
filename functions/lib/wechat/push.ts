import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { BadRequestError, SignatureError } from '../errors';
import { config } from '../config';
import { readBody } from '../http/body';
import type { WeChatMessageCrypto } from './crypto';
import { parseWeChatXml } from './xml';

/** WeChat's pushes are a few hundred bytes; anything near this is not from WeChat. */
export const MAX_PUSH_BYTES = 64 * 1024;

// zod/mini: every push opens here, on the callbacks' cold-start path.
const SignedQuery = z.object({
  msg_signature: z.string().check(z.minLength(1)),
  timestamp: z.string().check(z.regex(/^\d{1,12}$/)),
  nonce: z.string().check(z.minLength(1), z.maxLength(64)),
});

const Envelope = z.looseObject({ Encrypt: z.string().check(z.minLength(1)) });

/**
 * Opens an encrypted push: size limit → envelope XML → signature (constant time) → AES →
 * inner XML. Returns the inner document, still unvalidated: each route applies its schema.
 */
export function openPush(event: APIGatewayProxyEventV2, crypto: WeChatMessageCrypto, { maxAgeSeconds = config().PUSH_MAX_AGE_SECONDS, now = Date.now() } = {}): unknown {
  const body = readBody(event, MAX_PUSH_BYTES);
  const query = SignedQuery.safeParse(event.queryStringParameters ?? {});
  if (!query.success) throw new SignatureError('msg_signature, timestamp and nonce are required');
  if (Math.abs(now / 1000 - Number(query.data.timestamp)) > maxAgeSeconds) {
    throw new SignatureError(`timestamp is more than ${maxAgeSeconds} s from now`, 'timestamp');
  }
  const envelope = Envelope.safeParse(parseWeChatXml(body));
  if (!envelope.success) throw new BadRequestError('push has no Encrypt element', 'malformed_push');
  const plaintext = crypto.verifyAndDecrypt({
    msgSignature: query.data.msg_signature,
    timestamp: query.data.timestamp,
    nonce: query.data.nonce,
    encrypt: envelope.data.Encrypt,
  });
  return parseWeChatXml(plaintext);
}
