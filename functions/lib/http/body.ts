import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * Admin request bodies are JSON documents well under this (a 2,000-app release with per-app
 * ext_json overrides included); larger ones get 413 before they are decoded or parsed. A route
 * carrying a file declares its own limit (`maxBodyBytes`).
 */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

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

/** Parses a JSON body and validates it; an empty body counts as `{}`. */
export function parseJsonBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S, maxBytes = MAX_ADMIN_BODY_BYTES): z.infer<S> {
  const text = readBody(event, maxBytes);
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new BadRequestError('body is not valid JSON', 'invalid_json');
    }
  }
  return schema.parse(value);
}
