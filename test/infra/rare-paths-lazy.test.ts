import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor } from '../../infra/bundling';
import { FUNCTIONS, type FunctionName } from '../../infra/manifest';
import { REPO_ROOT } from '../helpers/function-bundles';

/**
 * Packages that only a rare path of a function uses, reached through `await import()`: in an ES
 * module build with code splitting they must sit in a chunk loaded on first use, not in what
 * the function loads at its cold start (the entry and the chunks it imports statically). One
 * static import of them anywhere on the way would pull them back into every cold start.
 */
const LAZY: [FunctionName, string, string][] = [
  ['adminReleases', '@aws-sdk/client-s3', 'a large release writes its target list'],
  ['adminPayment', 'node-forge', 'a P12 is stored'],
  ['adminPayment', '@aws-sdk/client-s3', 'a P12 is stored or removed'],
  ['authorizerEvents', '@aws-sdk/client-sfn', 'an audit push resumes a waiting release'],
  ['pipelineStep', '@aws-sdk/client-sfn', 'the audit result came before the task token'],
];

/** The stack's esbuild settings, as ES modules with code splitting (`await import()` → a chunk). */
async function splitBuild(name: FunctionName, outDir: string): Promise<Metafile> {
  const { outfile: _single, ...options } = esbuildOptionsFor(REPO_ROOT, FUNCTIONS[name].entry, path.join(outDir, name, 'index.mjs'));
  const result = await build({ ...options, format: 'esm', splitting: true, outdir: path.join(outDir, name), outExtension: { '.js': '.mjs' }, sourcemap: false, metafile: true, write: false });
  return result.metafile;
}

/** Packages in the cold start's files (entry + static imports) and in all output files. */
function packagesByLoad(metafile: Metafile): { atInit: Set<string>; anywhere: Set<string> } {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]!.entryPoint)!;
  const initFiles = new Set<string>();
  const visit = (file: string) => {
    if (initFiles.has(file)) return;
    initFiles.add(file);
    for (const imported of outputs[file]!.imports) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
  };
  visit(entry);
  const packageOf = (input: string) => {
    const inPackage = input.split('node_modules/').at(-1)!;
    return inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/');
  };
  const atInit = new Set<string>();
  const anywhere = new Set<string>();
  for (const [file, output] of Object.entries(outputs)) {
    for (const input of Object.keys(output.inputs).filter((i) => i.includes('node_modules/'))) {
      anywhere.add(packageOf(input));
      if (initFiles.has(file)) atInit.add(packageOf(input));
    }
  }
  return { atInit, anywhere };
}

describe('rare paths load on first use', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-lazy-'));
  const builds = new Map<FunctionName, Promise<Metafile>>();
  const metafileOf = (name: FunctionName) => {
    if (!builds.has(name)) builds.set(name, splitBuild(name, outDir));
    return builds.get(name)!;
  };
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(LAZY)('%s: %s is bundled, but outside the cold start (used only when %s)', async (name, pkg) => {
    const { atInit, anywhere } = packagesByLoad(await metafileOf(name));
    expect(anywhere.has(pkg)).toBe(true);
    expect(atInit.has(pkg)).toBe(false);
  }, 120_000);
});
