import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makePrivate } from './private-data';

/**
 * The local stand-in for the KMS token key: 256 random bits in the data directory (0600),
 * made on the first start and kept, since the tokens in DynamoDB Local are encrypted under
 * it. Losing it loses nothing WeChat cannot give again: merchants authorize once more.
 */
export function ensureTokenKeyFile(dataDir: string): string {
  makePrivate(dataDir);
  const file = path.join(dataDir, 'token-key');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}
