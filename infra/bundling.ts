import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function is bundled, declared once: `WeappFunction` hands it to NodejsFunction
 * (which runs the esbuild CLI) and the cold-start benchmark and the bundle-size test hand the
 * same settings to esbuild's API through `esbuildOptionsFor`, so what they measure is what
 * deploys. test/infra/bundle-size.test.ts checks that both produce the same index.js.
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
  } as Record<string, string>,
  /**
   * ES module builds first: the AWS SDK's dist-es files let esbuild drop what a function never
   * calls (its CommonJS dist-cjs is one file per package, kept whole).
   */
  mainFields: ['module', 'main'] as string[] | undefined,
} as const;

/** What the stack sets as NODE_OPTIONS on every function. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The `bundling` props of NodejsFunction for FUNCTION_BUNDLING. */
export function nodejsFunctionBundling(): BundlingOptions {
  const b = FUNCTION_BUNDLING;
  return {
    minify: b.minify,
    sourceMap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    format: OutputFormat.CJS,
    target: b.target,
    bundleAwsSDK: b.bundleAwsSDK,
    ...(b.mainFields ? { mainFields: [...b.mainFields] } : {}),
    // NodejsFunction runs esbuild in the project root, where relative alias paths resolve.
    ...(Object.keys(b.alias).length ? { esbuildArgs: Object.fromEntries(Object.entries(b.alias).map(([from, to]) => [`--alias:${from}`, `./${to}`])) } : {}),
  };
}

/**
 * The esbuild API options equal to what NodejsFunction runs for FUNCTION_BUNDLING:
 * `esbuild --bundle <entry> --target=… --platform=node --format=cjs --outfile=… --minify --sourcemap …`.
 */
export function esbuildOptionsFor(projectRoot: string, entry: string, outfile: string): BuildOptions {
  const b = FUNCTION_BUNDLING;
  return {
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    bundle: true,
    target: b.target,
    platform: 'node',
    format: 'cjs',
    outfile: path.resolve(outfile),
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    ...(b.mainFields ? { mainFields: [...b.mainFields] } : {}),
    alias: Object.fromEntries(Object.entries(b.alias).map(([from, to]) => [from, `./${to}`])),
    logLevel: 'warning',
  };
}
