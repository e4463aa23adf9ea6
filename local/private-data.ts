import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The local platform's data directory holds what must stay private: payment P12 files and
 * keys, DynamoDB Local's data (merchants' tokens when pointed at the real WeChat) and the
 * generated credentials. It is made readable by its owner alone — directories 0700, files
 * 0600 — including what an earlier version left with wider modes.
 */
export function makePrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tighten(full);
    else if (entry.isFile()) chmodSync(full, 0o600);
  }
}

/**
 * Files and directories created from now on by this process and its children are private
 * too: DynamoDB Local (a child JVM) and s3rver write their files themselves, with the umask.
 */
export function restrictNewFiles(): void {
  process.umask(0o077);
}
