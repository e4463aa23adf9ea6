import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FUNCTION_NODE_OPTIONS } from '../../infra/bundling';
import { FUNCTIONS, type FunctionName } from '../../infra/manifest';
import { BUNDLE_CEILING, bundleEntry, REPO_ROOT, CALLBACK_BUNDLE_CEILING, CALLBACK_FUNCTIONS, contributors, KB } from '../helpers/function-bundles';
import { functionOf, synthStack } from './stack-template';

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/**
 * The size of what Lambda loads at a cold start is deterministic, so it is held here; how long
 * loading takes is measured by `npm run bench -- cold-start`, never asserted in a test.
 */
describe('function bundles as the stack deploys them', () => {
  const bundleDirs = new Map<FunctionName, string>();

  beforeAll(() => {
    const { app, template } = synthStack({}, { bundle: true });
    for (const name of NAMES) {
      const [, fn] = functionOf(template, FUNCTIONS[name]);
      const key = (fn.Properties?.Code as { S3Key: string }).S3Key;
      bundleDirs.set(name, path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`));
    }
  }, 180_000);

  // The ceilings hold what was reached; the targets (350 KB callbacks, 600 KB any) are the
  // benchmark's to report until the bundles reach them.
  it.each(NAMES)('%s: index.js does not grow back past its ceiling', (name) => {
    const bytes = statSync(path.join(bundleDirs.get(name)!, 'index.js')).size;
    const limit = CALLBACK_FUNCTIONS.includes(name) ? CALLBACK_BUNDLE_CEILING : BUNDLE_CEILING;
    if (bytes > limit) {
      throw new Error(`${name}: index.js is ${Math.round(bytes / KB)} KB, over ${limit / KB} KB; see npm run bench -- cold-start for what it holds`);
    }
  });

  it('is what infra/bundling.ts gives esbuild, so the benchmark measures what deploys', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-bundle-'));
    try {
      for (const name of CALLBACK_FUNCTIONS) {
        const bundle = await bundleEntry(name, FUNCTIONS[name].entry, outDir);
        const deployed = readFileSync(path.join(bundleDirs.get(name)!, 'index.js'), 'utf8');
        expect(readFileSync(bundle.file, 'utf8') === deployed).toBe(true);
        // Sanity of the analysis the benchmark prints: every byte belongs to some origin.
        expect(contributors(bundle).reduce((sum, [, bytes]) => sum + bytes, 0)).toBeGreaterThan(bundle.bytes * 0.9);
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('stack traces from a bundle', () => {
  // Minified code is only debuggable through its map: a thrown error in the logs must still
  // name the TypeScript file and line, with the NODE_OPTIONS the stack sets on every function.
  it('name the TypeScript file and line under the stack\'s NODE_OPTIONS', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-trace-'));
    try {
      const entry = path.join(outDir, 'throws.ts');
      const body = path.join(REPO_ROOT, 'functions/lib/http/body.ts');
      writeFileSync(
        entry,
        `import { readBody } from ${JSON.stringify(body.replace(/\.ts$/, ''))};\n` +
          `try { readBody({ body: 'x'.repeat(100), isBase64Encoded: false } as never, 10); } catch (e) { console.log((e as Error).stack); }\n`,
      );
      const bundle = await bundleEntry('throws', path.relative(REPO_ROOT, entry), outDir);
      const stack = execFileSync(process.execPath, [bundle.file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: FUNCTION_NODE_OPTIONS } });
      const throwLine = readFileSync(body, 'utf8').split('\n').findIndex((line) => line.includes('throw new PayloadTooLargeError')) + 1;
      expect(stack).toMatch(new RegExp(`at readBody \\(.*functions/lib/http/body\\.ts:${throwLine}:\\d+\\)`));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('function code', () => {
  // `import { z } from 'zod'` makes esbuild keep zod's whole namespace object (every locale and
  // the JSON-schema converters, ~350 KB per bundle); a namespace import lets it drop them. The
  // callbacks' cold-start path uses zod/mini the same way; from zod's core and locales only
  // named members are taken (`z.core.$ZodError` or `z.locales.en` keep all of core or every locale).
  it("imports zod as a namespace (`import * as z from 'zod'` or 'zod/mini'), never `import { z }`", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const allowed = [/^import (type )?\* as z from 'zod(\/mini)?';$/, /^import (type )?\{ [$\w]+(, [$\w]+)* \} from 'zod\/(v4\/core|locales)';$/];
    const offending = files(path.resolve(__dirname, '../../functions')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import\b[^;]*?from\s*'zod[^']*';/gms)]
        .map(([statement]) => statement.replace(/\s+/g, ' '))
        .filter((statement) => !allowed.some((form) => form.test(statement)))
        .map((statement) => `${path.relative(REPO_ROOT, file)}: ${statement}`),
    );
    expect(offending).toEqual([]);
  });
});
