import path from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';

/**
 * How every function is bundled, declared once: `WeappFunction` builds its asset with
 * `esbuildOptionsFor` (through `bundleFunctionSync`), and the cold-start benchmark and the
 * bundle-size test hand the same options to esbuild's API, so what they measure is what deploys.
 * test/infra/bundle-size.test.ts checks that both produce the same files.
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  sourceMap: true,
  /**
   * Maps without the sources inside: a stack trace needs only file, line and column, and
   * `--enable-source-maps` reads and parses the whole map when the bundle loads.
   */
  sourcesContent: false,
  target: 'node24',
  /** The AWS SDK is bundled, so a handler runs against the exact SDK version it was tested with. */
  bundleAwsSDK: true,
  /** Bare import → file, relative to the repository root. */
  alias: {
    'form-data': 'functions/shims/form-data.ts',
    '@aws-sdk/credential-provider-node': 'functions/shims/lambda-credentials.ts',
    // fast-xml-parser's screening of DTD-declared entities, which lib/wechat/xml.ts never reaches (17 KB at the callbacks' init).
    'is-unsafe': 'functions/shims/is-unsafe.ts',
  } as Record<string, string>,
  /**
   * ES module builds first: the AWS SDK's dist-es files let esbuild drop what a function never
   * calls (its CommonJS dist-cjs is one file per package, kept whole).
   */
  mainFields: ['module', 'main'] as string[] | undefined,
} as const;

/** What the stack sets as NODE_OPTIONS on every function. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The file Lambda loads: `index.handler` resolves to index.mjs, an ES module. */
export const FUNCTION_ENTRY_FILE = 'index.mjs';
export const FUNCTION_HANDLER = 'index.handler';

/**
 * ES modules have no `require`, but bundled CommonJS packages call it for Node builtins (11 of
 * the 14 functions throw "Dynamic require of … is not supported" at import without this);
 * esbuild's `__require` shim uses a `require` in scope when there is one. The import's name is
 * one esbuild's minifier never produces.
 */
const REQUIRE_BANNER = "import{createRequire as __weappCreateRequire}from'node:module';const require=__weappCreateRequire(import.meta.url);";

/**
 * The esbuild options of one function: an ES module build with code splitting into `outdir`:
 * `index.mjs` (the entry), chunks it imports statically (shared code, loaded at init) and chunks
 * reached only through `await import()` (loaded on first use, not at init), each with its map.
 */
export function esbuildOptionsFor(projectRoot: string, entry: string, outdir: string): BuildOptions {
  const b = FUNCTION_BUNDLING;
  return {
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    bundle: true,
    target: b.target,
    platform: 'node',
    format: 'esm',
    // Splitting is what puts `await import()` targets in their own files (ESM output only).
    splitting: true,
    outdir: path.resolve(outdir),
    entryNames: FUNCTION_ENTRY_FILE.replace(/\.mjs$/, ''),
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    banner: { js: REQUIRE_BANNER },
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    ...(b.mainFields ? { mainFields: [...b.mainFields] } : {}),
    // Bundling the SDK means nothing is external; otherwise the runtime's own @aws-sdk/* would be used.
    external: b.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    alias: Object.fromEntries(Object.entries(b.alias).map(([from, to]) => [from, `./${to}`])),
    logLevel: 'warning',
  };
}

/** Builds one function into `outdir` (the stack's asset bundling; synchronous, as CDK calls it). */
export function bundleFunctionSync(projectRoot: string, entry: string, outdir: string): void {
  buildSync(esbuildOptionsFor(projectRoot, entry, outdir));
}
