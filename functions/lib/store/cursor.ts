import { BadRequestError } from '../errors';

/**
 * Opaque paging cursors: DynamoDB's LastEvaluatedKey (string attributes only), base64url JSON.
 * Decoding refuses anything that is not such a key, so a forged cursor is a 400, not a 500.
 */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Record<string, string> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string')) return key as Record<string, string>;
  } catch {
    // fall through
  }
  throw new BadRequestError('cursor is not one this API returned', 'invalid_cursor');
}
