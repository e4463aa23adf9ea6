import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTokenKeyFile } from '../../functions/lib/crypto-at-rest/configured-key';
import { ensureTokenKeyFile } from '../../local/token-key';

describe('ensureTokenKeyFile', () => {
  it('makes a private 256-bit key on the first start and keeps it afterwards', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'token-key-')), '.local');
    const file = ensureTokenKeyFile(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const key = readTokenKeyFile(file);
    expect(key).toHaveLength(32);
    const written = readFileSync(file, 'utf8');
    expect(ensureTokenKeyFile(dataDir)).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(written);
  });

  it('refuses a key file that does not hold 256 bits', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'token-key-')), 'short');
    writeFileSync(file, Buffer.alloc(16).toString('base64'));
    expect(() => readTokenKeyFile(file)).toThrow('TOKEN_KEY_FILE must hold a 256-bit key in base64');
  });
});
