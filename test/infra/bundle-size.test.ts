import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTION_ENTRY_FILE, FUNCTION_NODE_OPTIONS } from '../../infra/bundling';
import { FUNCTIONS, type FunctionName } from '../../infra/manifest';
import {
  bundleAllFunctions,
  bundleEntry,
  CALLBACK_FUNCTIONS,
  CALLBACK_INIT_CEILING,
  CALLBACK_TOTAL_CEILING,
  contributors,
  INIT_CEILING,
  KB,
  REPO_ROOT,
  staticImportClosure,
  TOTAL_CEILING,
  runModule,
  type FunctionBundle,
} from '../helpers/function-bundles';
import { scaled } from '../helpers/time-scale';
import { functionOf, synthStack } from './stack-template';

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/**
 * The size of what Lambda loads at a cold start is deterministic, so it is held here; how long
 * loading takes is measured by `npm run bench -- cold-start`, never asserted in a test.
 */
describe('function bundles as the stack deploys them', () => {
  const assetDirs = new Map<FunctionName, string>();
  const bundles = new Map<FunctionName, FunctionBundle>();
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-bundle-'));

  beforeAll(async () => {
    const { app, template } = synthStack({}, { bundle: true });
    for (const name of NAMES) {
      const [, fn] = functionOf(template, FUNCTIONS[name]);
      const key = (fn.Properties?.Code as { S3Key: string }).S3Key;
      assetDirs.set(name, path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`));
    }
    for (const bundle of await bundleAllFunctions(outDir)) bundles.set(bundle.name as FunctionName, bundle);
    // Two builds of 14 functions: ~20 s alone, ~3 min while the rest of the suite shares the two cores.
  }, scaled(480_000));

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  // The ceilings hold what was reached; the targets (350 KB callbacks, 600 KB any, at init) are
  // the benchmark's to report until the bundles reach them.
  it.each(NAMES)('%s: what loads at init, and all its chunks, do not grow back past their ceilings', (name) => {
    const bundle = bundles.get(name)!;
    const callback = CALLBACK_FUNCTIONS.includes(name);
    const initLimit = callback ? CALLBACK_INIT_CEILING : INIT_CEILING;
    const totalLimit = callback ? CALLBACK_TOTAL_CEILING : TOTAL_CEILING;
    const over = (bytes: number, limit: number, what: string) =>
      bytes > limit ? [`${name}: ${what} is ${(bytes / KB).toFixed(1)} KB, over ${limit / KB} KB; see npm run bench -- cold-start for what it holds`] : [];
    expect([...over(bundle.initBytes, initLimit, 'the code loaded at init'), ...over(bundle.totalBytes, totalLimit, 'the code in all chunks')]).toEqual([]);
  });

  it('is what infra/bundling.ts gives esbuild, file for file, so the benchmark measures what deploys', () => {
    const modules = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.mjs')).sort();
    for (const name of NAMES) {
      const bundle = bundles.get(name)!;
      const deployed = assetDirs.get(name)!;
      // Every module with its map beside it, and nothing else in the asset.
      expect(readdirSync(deployed).sort()).toEqual(modules(deployed).flatMap((file) => [file, `${file}.map`]).sort());
      expect(modules(deployed)).toEqual(modules(bundle.dir));
      expect(modules(deployed)).toContain(FUNCTION_ENTRY_FILE);
      for (const file of modules(deployed)) {
        expect({ name, file, same: readFileSync(path.join(deployed, file), 'utf8') === readFileSync(path.join(bundle.dir, file), 'utf8') }).toEqual({ name, file, same: true });
      }
      // Sanity of the analysis the benchmark prints: every byte loaded at init belongs to some origin.
      expect(contributors(bundle).reduce((sum, [, bytes]) => sum + bytes, 0)).toBeGreaterThan(bundle.initBytes * 0.9);
    }
  });

  // An ES module has no __dirname/__filename: a bundled package that used them would throw at load.
  it('holds no CommonJS-only globals an ES module lacks', () => {
    const users = NAMES.flatMap((name) =>
      readdirSync(bundles.get(name)!.dir)
        .filter((file) => file.endsWith('.mjs') && /\b__(dirname|filename)\b/.test(readFileSync(path.join(bundles.get(name)!.dir, file), 'utf8')))
        .map((file) => `${name}/${file}`),
    );
    expect(users).toEqual([]);
  });

  // Bundled CommonJS packages `require` Node builtins; without the banner's createRequire most
  // functions throw "Dynamic require of … is not supported" here, at import.
  it('loads as Lambda loads it: every index.mjs imported by a fresh node exports a handler', () => {
    const files = NAMES.map((name) => pathToFileURL(bundles.get(name)!.file).href);
    const printed = runModule(
      `for (const file of ${JSON.stringify(files)}) console.log(typeof (await import(file)).handler);`,
      // Lambda always sets the region; the SDK clients built at init read it.
      { ...process.env, AWS_REGION: 'ap-east-1' },
    );
    expect(printed.trim().split('\n')).toEqual(NAMES.map(() => 'function'));
  });
});

describe('code splitting', () => {
  // Code behind `await import()` is the cold-start saving the functions rely on: it must be a
  // chunk of its own that does not evaluate when index.mjs loads, only when first reached.
  it('leaves a module reached only through await import() out of init, loading it on first use', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-split-'));
    const fixtureDir = path.join(outDir, 'src');
    try {
      mkdirSync(fixtureDir);
      writeFileSync(path.join(fixtureDir, 'lazy.ts'), "(globalThis as Record<string, unknown>).lazyEvaluated = true;\nexport const answer = 'from the lazy chunk';\n");
      writeFileSync(
        path.join(fixtureDir, 'entry.ts'),
        "export const handler = async () => (await import('./lazy')).answer;\n",
      );
      const bundle = await bundleEntry('split', path.relative(REPO_ROOT, path.join(fixtureDir, 'entry.ts')), outDir);

      const lazyInput = path.relative(REPO_ROOT, path.join(fixtureDir, 'lazy.ts'));
      const initInputs = bundle.initFiles.flatMap((file) => Object.keys(bundle.metafile.outputs[path.relative(REPO_ROOT, file)]!.inputs));
      expect(initInputs).not.toContain(lazyInput);
      const lazyChunk = Object.entries(bundle.metafile.outputs).find(([, output]) => lazyInput in output.inputs)?.[0];
      expect(lazyChunk).toBeDefined();
      expect(staticImportClosure(bundle.metafile, path.relative(REPO_ROOT, bundle.file))).not.toContain(lazyChunk);
      // The benchmark's "total" counts it, its "init" does not.
      expect(bundle.totalBytes - bundle.initBytes).toBe(bundle.metafile.outputs[lazyChunk!]!.bytes);

      const printed = runModule(
        `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});\n` +
          `console.log(String(globalThis.lazyEvaluated));\n` +
          `console.log(await handler());\n` +
          `console.log(String(globalThis.lazyEvaluated));\n`,
      );
      expect(printed.trim().split('\n')).toEqual(['undefined', 'from the lazy chunk', 'true']);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, scaled(60_000));
});

describe('stack traces from a bundle', () => {
  // Minified code is only debuggable through its map: a thrown error in the logs must still
  // name the TypeScript file and line, with the NODE_OPTIONS the stack sets on every function.
  it("name the TypeScript file and line under the stack's NODE_OPTIONS", async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-trace-'));
    try {
      const entry = path.join(outDir, 'throws.ts');
      const body = path.join(REPO_ROOT, 'functions/lib/http/body.ts');
      writeFileSync(
        entry,
        `import { readBody } from ${JSON.stringify(body.replace(/\.ts$/, ''))};\n` +
          `export const handler = () => { try { readBody({ body: 'x'.repeat(100), isBase64Encoded: false } as never, 10); } catch (e) { return (e as Error).stack; } };\n`,
      );
      const bundle = await bundleEntry('throws', path.relative(REPO_ROOT, entry), outDir);
      expect(path.basename(bundle.file)).toBe(FUNCTION_ENTRY_FILE);
      const stack = runModule(`const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); console.log(handler());`, {
        ...process.env,
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
      });
      const throwLine = readFileSync(body, 'utf8').split('\n').findIndex((line) => line.includes('throw new PayloadTooLargeError')) + 1;
      expect(stack).toMatch(new RegExp(`at readBody \\(.*functions/lib/http/body\\.ts:${throwLine}:\\d+\\)`));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, scaled(60_000));
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
