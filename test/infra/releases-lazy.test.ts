import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FUNCTIONS } from '../../infra/manifest';
import { BUNDLE_LIMIT, bundleEntry, KB, REPO_ROOT, type FunctionBundle } from '../helpers/function-bundles';
import { scaled } from '../helpers/time-scale';

/**
 * adminReleases' cold start serves the console's polling (a release's progress, the list), which
 * reads the table only. Starting and acting on a release (approve, widen, complete, cancel, retry,
 * roll back) call WeChat and Step Functions: the release service, the WeChat client, the component
 * credentials and the Step Functions client load with the first of them, from a chunk of their own.
 * A static import of any of them from releases.ts (or from what it imports) fails here.
 */
describe('adminReleases: the reads load the table only, the actions load their services on first use', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-releases-lazy-'));
  let bundle: FunctionBundle;
  beforeAll(async () => {
    bundle = await bundleEntry('adminReleases', FUNCTIONS.adminReleases.entry, outDir);
  }, scaled(120_000));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** The inputs (source files and package files) with bytes in the given output files. */
  const inputsOf = (files: string[]): string[] =>
    files.flatMap((file) => Object.entries(bundle.metafile.outputs[path.relative(REPO_ROOT, file)]?.inputs ?? {}).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => input));
  const atInit = () => inputsOf(bundle.initFiles);
  const anywhere = () => inputsOf(Object.keys(bundle.metafile.outputs).filter((o) => o.endsWith('.mjs')).map((o) => path.resolve(REPO_ROOT, o)));
  const holding = (inputs: string[], part: string) => inputs.filter((input) => input.includes(part));

  it.each([
    'functions/lib/composition/release-service.ts',
    'functions/lib/release/release-service.ts',
    'functions/lib/release/steps.ts',
    'functions/lib/composition/weapp-services.ts',
    'functions/lib/wechat/',
    'node_modules/axios/',
    'node_modules/@aws-sdk/client-sfn/',
    'node_modules/@aws-sdk/client-secrets-manager/',
  ])('%s: not at init, but in a chunk of the bundle', (part) => {
    expect({ part, atInit: holding(atInit(), part) }).toEqual({ part, atInit: [] });
    expect({ part, bundled: holding(anywhere(), part).length > 0 }).toEqual({ part, bundled: true });
  });

  it('reads releases from the table at init (what the console polls is there from the start)', () => {
    for (const part of ['functions/lib/store/release-store.ts', 'functions/lib/composition/stores/release.ts', 'node_modules/@aws-sdk/lib-dynamodb/']) {
      expect({ part, atInit: holding(atInit(), part).length > 0 }).toEqual({ part, atInit: true });
    }
  });

  it("takes AppId and JsonObject from the shared schemas, not the weapp contract's route table", () => {
    expect(holding(anywhere(), 'functions/admin/weapp/contract.ts')).toEqual([]);
  });

  it('loads at most 600 KB at init (issue 17)', () => {
    expect(bundle.initBytes / KB).toBeLessThanOrEqual(BUNDLE_LIMIT / KB);
  });
});
