import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * `cdk synth` loads the app with plain tsx, without the `import` export condition jest and the
 * local runtime add for middy. The manifest (and the route contracts it imports) must load
 * that way, or synth breaks while every in-process test still passes.
 */
describe('infra/manifest.ts as the CDK CLI loads it', () => {
  it('loads under plain tsx', () => {
    const root = path.resolve(__dirname, '../..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "const m = require('./infra/manifest.ts'); process.stdout.write(String(m.ROUTES.length))"], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(Number(result.stdout)).toBeGreaterThan(50);
  });
});
