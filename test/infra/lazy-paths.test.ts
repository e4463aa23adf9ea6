import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FUNCTIONS, type FunctionName } from '../../infra/manifest';
import { bundleEntry, REPO_ROOT, type FunctionBundle } from '../helpers/function-bundles';

/**
 * The rare paths stay out of what a cold start loads (issue 17), and are still in the bundle:
 * each is its own chunk, loaded by `await import()` the first time it is reached. Breaking one
 * (a static import of a rare-path module from the hot path) fails here, not only in the
 * benchmark's figures.
 */
describe('rare paths load on first use, not at init', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-lazy-'));
  const bundles = new Map<FunctionName, FunctionBundle>();
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  const bundle = async (name: FunctionName): Promise<FunctionBundle> => {
    if (!bundles.has(name)) bundles.set(name, await bundleEntry(name, FUNCTIONS[name].entry, outDir));
    return bundles.get(name)!;
  };

  /** The inputs (source files and package files) with bytes in the given output files. */
  const inputsOf = (b: FunctionBundle, files: string[]): string[] =>
    files.flatMap((file) => Object.entries(b.metafile.outputs[path.relative(REPO_ROOT, file)]?.inputs ?? {}).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => input));
  const atInit = (b: FunctionBundle) => inputsOf(b, b.initFiles);
  const anywhere = (b: FunctionBundle) => inputsOf(b, Object.keys(b.metafile.outputs).filter((o) => o.endsWith('.mjs')).map((o) => path.resolve(REPO_ROOT, o)));
  const holding = (inputs: string[], part: string) => inputs.filter((input) => input.includes(part));

  it.each([
    // The ticket push (every ~10 min) needs the push crypto and one store: the authorization
    // events' WeChat client, services, KMS and Powertools idempotency come on the first such event.
    ['componentEvents', ['functions/callback/component/authorization.ts', 'functions/callback/component/run-once.ts', 'node_modules/axios/', 'node_modules/@aws-sdk/client-kms/', 'node_modules/@aws-lambda-powertools/idempotency/', 'node_modules/@aws-lambda-powertools/jmespath/']],
    // Message events other than audit outcomes are logged and dropped: the audit and release
    // stores and the Step Functions client come with the first audit outcome.
    ['authorizerEvents', ['functions/callback/authorizer/audit-push.ts', 'functions/lib/release/steps.ts', 'node_modules/@aws-sdk/client-sfn/']],
    // Listing and opening read the table; the routes that call WeChat bring its client.
    ['adminAuthorizers', ['functions/lib/composition/authorization.ts', 'node_modules/axios/', 'node_modules/@aws-lambda-powertools/idempotency/']],
    ['adminRegistrations', ['functions/lib/composition/authorization.ts', 'node_modules/axios/', 'node_modules/@aws-lambda-powertools/idempotency/']],
  ] as [FunctionName, string[]][])('%s: not at init, but in a chunk of the bundle', async (name, lazy) => {
    const b = await bundle(name);
    for (const part of lazy) {
      expect({ part, atInit: holding(atInit(b), part) }).toEqual({ part, atInit: [] });
      expect({ part, bundled: holding(anywhere(b), part).length > 0 }).toEqual({ part, bundled: true });
    }
  });

  it('every HTTP function recognises the in-progress error without loading Powertools idempotency for it', async () => {
    // Those that authorize at once (authorizeRedirect, adminAuthorizations) load it for makeIdempotent.
    for (const name of ['componentEvents', 'authorizerEvents', 'adminComponent', 'adminWeapp', 'openApi'] as FunctionName[]) {
      expect({ name, atInit: holding(atInit(await bundle(name)), '@aws-lambda-powertools/jmespath') }).toEqual({ name, atInit: [] });
    }
  });
});
