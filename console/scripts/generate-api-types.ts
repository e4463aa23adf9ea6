import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run console:api-types` rewrites the console's API types after a contract change;
 * with `--stdout` it prints them instead (the drift test compares that with the file).
 */
async function main(): Promise<void> {
  // The document comes from the real handler, whose logs and metrics also go to stdout: with
  // `--stdout` they would end up in the types. Set before the handler's modules load.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { API_TYPES_FILE, renderApiTypes } = await import('./api-types');
  const types = await renderApiTypes();
  if (process.argv.includes('--stdout')) return void process.stdout.write(types);
  writeFileSync(path.resolve(__dirname, '../..', API_TYPES_FILE), types);
  process.stdout.write(`wrote ${API_TYPES_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
