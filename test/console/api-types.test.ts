import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const API_TYPES_FILE = 'console/src/api/schema.d.ts';

/**
 * The console is typed against the served contract, so a route change must regenerate its
 * types. The generator runs in its own Node process: openapi-typescript loads ESM-only
 * dependencies that jest's CommonJS runtime cannot.
 */
describe('console API types', () => {
  it('match what the admin API serves at /openapi.json (run `npm run console:api-types` if not)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=import', '--import', 'tsx', 'console/scripts/generate-api-types.ts', '--stdout'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(stdout).toContain('"/admin/releases/{releaseId}"');
    const committed = readFileSync(path.join(ROOT, API_TYPES_FILE), 'utf8');
    // Not toEqual: a 140 KB diff in the failure message helps nobody; the command above does.
    expect(stdout === committed).toBe(true);
  });
});
