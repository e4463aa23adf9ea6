import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

/**
 * `npm run console:api-types` rewrites the console's API types after a contract change;
 * with `--stdout` it prints them instead (the drift test compares that with the file).
 */
async function main(): Promise<void> {
  const types = await renderApiTypes();
  if (process.argv.includes('--stdout')) return void process.stdout.write(types);
  writeFileSync(path.resolve(__dirname, '../..', API_TYPES_FILE), types);
  process.stdout.write(`wrote ${API_TYPES_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
