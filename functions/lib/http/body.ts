import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError } from '../errors';

/** Decodes the request body (API Gateway may base64 it), refusing anything over `maxBytes`. */
export function readBody(event: APIGatewayProxyEventV2, maxBytes: number): string {
  const raw = event.body ?? '';
  // Cheap upper bound first, so a huge body is refused before it is decoded.
  const approxBytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : raw.length;
  if (approxBytes > maxBytes * 4) throw new PayloadTooLargeError(`body over ${maxBytes} bytes`);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`body over ${maxBytes} bytes`);
  return bytes.toString('utf8');
}
