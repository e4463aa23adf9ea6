import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor, FUNCTION_ENTRY_FILE } from '../../infra/bundling';
import { FUNCTIONS, type FunctionName } from '../../infra/manifest';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** What a function bundle weighs and holds: the entry, its chunks and their maps, as in the asset. */
export interface FunctionBundle {
  name: string;
  /** The asset directory. */
  dir: string;
  /** index.mjs: what Lambda imports. */
  file: string;
  /** The .mjs files a cold start loads: index.mjs and the chunks it imports statically, transitively. */
  initFiles: string[];
  /** Bytes of initFiles: what the size targets are judged on. */
  initBytes: number;
  /** Bytes of every .mjs file, the chunks reached only through `await import()` included. */
  totalBytes: number;
  /** Bytes of the source maps beside them. */
  mapBytes: number;
  metafile: Metafile;
}

/** Bundles `entry` exactly as the stack does (infra/bundling.ts), into `outDir/<name>/`. */
export async function bundleEntry(name: string, entry: string, outDir: string): Promise<FunctionBundle> {
  const dir = path.join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const result = await build({ ...esbuildOptionsFor(REPO_ROOT, entry, dir), metafile: true });
  return describeBundle(name, dir, result.metafile);
}

/** Sizes and the init closure of a build, from its metafile (output paths relative to REPO_ROOT). */
export function describeBundle(name: string, dir: string, metafile: Metafile): FunctionBundle {
  const outputs = metafile.outputs;
  const file = path.join(dir, FUNCTION_ENTRY_FILE);
  const entryKey = Object.keys(outputs).find((key) => path.resolve(REPO_ROOT, key) === file);
  if (!entryKey) throw new Error(`${name}: esbuild wrote no ${FUNCTION_ENTRY_FILE}`);
  const closure = staticImportClosure(metafile, entryKey);
  const sum = (keys: string[]) => keys.reduce((total, key) => total + outputs[key]!.bytes, 0);
  const modules = Object.keys(outputs).filter((key) => key.endsWith('.mjs'));
  return {
    name,
    dir,
    file,
    initFiles: closure.map((key) => path.resolve(REPO_ROOT, key)),
    initBytes: sum(closure),
    totalBytes: sum(modules),
    mapBytes: sum(Object.keys(outputs).filter((key) => key.endsWith('.map'))),
    metafile,
  };
}

/**
 * The output files loaded when `entryKey` is imported: it and, transitively, the chunks it
 * imports with a static `import` statement. `dynamic-import` edges are left out: those chunks
 * load when the code first reaches the `await import()`.
 */
export function staticImportClosure(metafile: Metafile, entryKey: string): string[] {
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of metafile.outputs[key]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external && imported.path in metafile.outputs) visit(imported.path);
    }
  };
  visit(entryKey);
  return [...seen];
}

/** Every function of the manifest, bundled as the stack bundles it. */
export async function bundleAllFunctions(outDir: string): Promise<FunctionBundle[]> {
  const bundles: FunctionBundle[] = [];
  for (const [name, def] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
    bundles.push(await bundleEntry(name, def.entry, outDir));
  }
  return bundles;
}

/** The smallest possible function, built the same way: what every cold start pays regardless. */
export async function bundleBaseline(outDir: string): Promise<FunctionBundle> {
  const entry = path.join(outDir, 'baseline-handler.ts');
  writeFileSync(entry, "export const handler = async () => ({ statusCode: 200, body: 'ok' });\n");
  return bundleEntry('baseline', path.relative(REPO_ROOT, entry), outDir);
}

/** Where an input comes from: its package name (`@scope/name`) or our own folder. */
export function originOf(input: string): string {
  if (!input.includes('node_modules/')) return input.split('/').slice(0, 3).join('/');
  const inPackage = input.split('node_modules/').at(-1)!;
  return inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/');
}

/** Bytes loaded at init by origin: a package name (`@scope/name`) or our own folder. */
export function contributors(bundle: FunctionBundle): [string, number][] {
  const totals = new Map<string, number>();
  for (const [input, bytes] of inputsIn(bundle, bundle.initFiles)) {
    const key = originOf(input);
    totals.set(key, (totals.get(key) ?? 0) + bytes);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * The inputs (our source files and package files) bundled into `files` (absolute output
 * paths), with the bytes each has there. An input tree-shaken to nothing is listed with 0.
 */
export function inputsIn(bundle: FunctionBundle, files: readonly string[]): Map<string, number> {
  const inputs = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(bundle.metafile.outputs[path.relative(REPO_ROOT, file)]?.inputs ?? {})) {
      inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput);
    }
  }
  return inputs;
}

/** Every .mjs file of the bundle (absolute paths): the entry, the init chunks and those loaded on first use. */
export function moduleFiles(bundle: FunctionBundle): string[] {
  return Object.keys(bundle.metafile.outputs)
    .filter((key) => key.endsWith('.mjs'))
    .map((key) => path.resolve(REPO_ROOT, key));
}

/** Runs an ES module snippet in a fresh `node` (as Lambda imports a bundle) and returns what it prints. */
export function runModule(source: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', env });
}

export const KB = 1024;
/** The callbacks WeChat waits on (5 s, three tries): the tightest budget. */
export const CALLBACK_FUNCTIONS: readonly FunctionName[] = ['componentEvents', 'authorizerEvents'];
/** Issue 17's targets, reported MET / NOT MET by `npm run bench -- cold-start`. */
export const CALLBACK_BUNDLE_LIMIT = 350 * KB;
export const BUNDLE_LIMIT = 600 * KB;
/**
 * What the bundles may not grow back past: the sizes reached so far, rounded up, on the KB
 * loaded at init (index.mjs and its static chunks) and on the KB of every chunk. Lower these
 * as bundles shrink; the targets above stay the goal.
 */
// Reached with issue 17's work (ES modules, code splitting, rare paths on first use, zod/mini on the
// callbacks' path): componentEvents loads 340.0 KB at init, 621.3 KB in all chunks; the largest at
// init is adminAuthorizations, 583.3 KB; the largest in all chunks adminReleases, 835.9 KB. The init
// ceilings sit under the targets, so the test now holds the targets too.
export const CALLBACK_INIT_CEILING = 344 * KB;
export const INIT_CEILING = 588 * KB;
export const CALLBACK_TOTAL_CEILING = 624 * KB;
export const TOTAL_CEILING = 840 * KB;
