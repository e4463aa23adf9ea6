import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FUNCTIONS, type FunctionName } from '../../infra/manifest';
import { BUNDLE_LIMIT, bundleEntry, CALLBACK_FUNCTIONS, inputsIn, KB, moduleFiles, originOf, REPO_ROOT, type FunctionBundle } from '../helpers/function-bundles';
import { scaled } from '../helpers/time-scale';

/**
 * What a cold start loads (issue 17), on the bundles exactly as the stack builds them (ES modules,
 * code splitting): index.mjs and the chunks it imports statically load at init; a chunk reached
 * only through `await import()` loads the first time the code gets there. Each function is
 * bundled once here, and every check reads its metafile:
 * - the callbacks' init holds zod/mini and zod's core, never classic zod (≈70 KB more);
 * - the rare paths (modules and packages only they use) are in a chunk of the bundle, not at init;
 * - what must be there from the start is (adminReleases' table reads), within issue 17's 600 KB.
 * One static import of a rare-path module on the way would pull it back into every cold start:
 * that fails here, not only in the benchmark's figures.
 */

const CLASSIC_ZOD = /node_modules\/zod\/(v4\/classic\/|index\.js$|v4\/index\.js$)/;
const MINI_OR_CORE_ZOD = /node_modules\/zod\/(mini|v4\/mini|v4\/core|v4\/locales|locales)\//;

/**
 * Modules and packages only a rare path uses, per function, and when that path runs. Matched
 * as parts of input paths ('node_modules/axios/' is every file of axios).
 */
const RARE_PATHS: [FunctionName, string, string][] = [
  // The ticket push (every ~10 min) needs the push crypto and one store: the authorization
  // events' WeChat client, services, KMS and Powertools idempotency come on the first such event.
  ['componentEvents', 'functions/callback/component/authorization.ts', 'an authorization event arrives'],
  ['componentEvents', 'functions/callback/component/run-once.ts', 'an authorization event arrives'],
  ['componentEvents', 'functions/lib/wechat/client.ts', 'an authorization event arrives'],
  ['componentEvents', 'functions/lib/wechat/component.ts', 'an authorization event arrives'],
  ['componentEvents', 'node_modules/axios/', 'an authorization event arrives'],
  ['componentEvents', 'node_modules/@aws-sdk/client-kms/', 'a token is sealed or opened'],
  ['componentEvents', 'node_modules/@aws-lambda-powertools/idempotency/', 'an authorization event arrives'],
  ['componentEvents', 'node_modules/@aws-lambda-powertools/jmespath/', 'an authorization event arrives'],
  // Message events other than audit outcomes are logged and dropped: the audit and release
  // stores and the Step Functions client come with the first audit outcome.
  ['authorizerEvents', 'functions/callback/authorizer/audit-push.ts', 'an audit outcome arrives'],
  ['authorizerEvents', 'functions/lib/release/steps.ts', 'an audit outcome arrives'],
  ['authorizerEvents', 'node_modules/@aws-sdk/client-sfn/', 'an audit push resumes a waiting release'],
  // Listing and opening read the table; the routes that call WeChat bring its client.
  ['adminAuthorizers', 'functions/lib/composition/authorization.ts', 'a route calls WeChat'],
  ['adminAuthorizers', 'node_modules/axios/', 'a route calls WeChat'],
  ['adminAuthorizers', 'node_modules/@aws-lambda-powertools/idempotency/', 'a route calls WeChat'],
  ['adminRegistrations', 'functions/lib/composition/authorization.ts', 'a route calls WeChat'],
  ['adminRegistrations', 'node_modules/axios/', 'a route calls WeChat'],
  ['adminRegistrations', 'node_modules/@aws-lambda-powertools/idempotency/', 'a route calls WeChat'],
  ['adminReleases', 'node_modules/@aws-sdk/client-s3/', 'a large release writes its target list'],
  // The console polls a release's progress and the list, which read the table; starting and
  // acting on a release (approve, widen, complete, cancel, retry, roll back) call WeChat and Step Functions.
  ...[
    'functions/lib/composition/release-service.ts',
    'functions/lib/release/release-service.ts',
    'functions/lib/release/steps.ts',
    'functions/lib/composition/weapp-services.ts',
    'functions/lib/wechat/',
    'node_modules/axios/',
    'node_modules/@aws-sdk/client-sfn/',
    'node_modules/@aws-sdk/client-secrets-manager/',
  ].map((part): [FunctionName, string, string] => ['adminReleases', part, 'a release is started or acted on']),
  ['adminPayment', 'node_modules/node-forge/', 'a P12 is stored'],
  ['adminPayment', 'node_modules/@aws-sdk/client-s3/', 'a P12 is stored or removed'],
  ['pipelineStep', 'node_modules/@aws-sdk/client-sfn/', 'the audit result came before the task token'],
];

/**
 * The HTTP functions that recognise the in-progress error without loading Powertools
 * idempotency (and its jmespath) for it. Those that authorize at once (authorizeRedirect,
 * adminAuthorizations) load it at init for makeIdempotent.
 */
const NO_IDEMPOTENCY_AT_INIT: FunctionName[] = ['componentEvents', 'authorizerEvents', 'adminComponent', 'adminWeapp', 'openApi'];

/** Builds the first time a function is asked for; the checks of one function share its build. */
const BUILD_CEILING = scaled(120_000);

describe('what a cold start loads', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-closure-'));
  const builds = new Map<string, Promise<FunctionBundle>>();
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  const bundleOf = (name: FunctionName): Promise<FunctionBundle> => {
    if (!builds.has(name)) builds.set(name, bundleEntry(name, FUNCTIONS[name].entry, outDir));
    return builds.get(name)!;
  };
  /** Bundles a handler written here (importing our modules by absolute path), as the stack would. */
  const bundleSource = (name: string, source: string): Promise<FunctionBundle> => {
    const entry = path.join(outDir, `${name}.ts`);
    writeFileSync(entry, source);
    return bundleEntry(name, path.relative(REPO_ROOT, entry), outDir);
  };
  const lib = (file: string) => JSON.stringify(path.join(REPO_ROOT, 'functions/lib', file));

  /** Every input of the init files, those tree-shaken to nothing included (the stricter reading). */
  const atInit = (bundle: FunctionBundle): string[] => [...inputsIn(bundle, bundle.initFiles).keys()];
  /** The inputs with code in some file of the bundle, init or first use. */
  const anywhere = (bundle: FunctionBundle): string[] => [...inputsIn(bundle, moduleFiles(bundle))].filter(([, bytes]) => bytes > 0).map(([input]) => input);
  /** Our modules at init that import zod's classic API: what to convert to zod/mini or load on first use. */
  const classicImporters = (bundle: FunctionBundle): string[] =>
    atInit(bundle)
      .filter((input) => !input.includes('node_modules/') && bundle.metafile.inputs[input]?.imports.some((i) => CLASSIC_ZOD.test(i.path)))
      .sort();

  const run = (bundle: FunctionBundle): string =>
    execFileSync(process.execPath, [bundle.file], { encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' } });
  const lastLine = (printed: string) => JSON.parse(printed.trim().split('\n').at(-1)!) as unknown;
  /** Classic zod's modules anywhere in the bundle, at init or on first use. */
  const classicAnywhere = (bundle: FunctionBundle): string[] => [...inputsIn(bundle, moduleFiles(bundle)).keys()].filter((input) => CLASSIC_ZOD.test(input));

  describe("the callbacks' cold start loads zod/mini, not classic zod", () => {
    it.each(CALLBACK_FUNCTIONS)(
      '%s: no module of classic zod at init',
      async (name) => {
        const bundle = await bundleOf(name);
        const zod = atInit(bundle).filter((input) => input.includes('node_modules/zod/'));
        // The check sees zod at all (its schemas are bundled), and only the mini API and core.
        expect(zod.some((input) => MINI_OR_CORE_ZOD.test(input))).toBe(true);
        expect({ classicImporters: classicImporters(bundle), classicModules: zod.filter((input) => CLASSIC_ZOD.test(input)) }).toEqual({ classicImporters: [], classicModules: [] });
        // Nor in a chunk loaded on first use: esbuild splits by file, so zod core files classic
        // needs (JSON-schema converters, the rest of schemas.js) would land in a chunk shared with
        // the init path (+48 KB at componentEvents' init when the WeChat client was classic).
        expect(classicAnywhere(bundle)).toEqual([]);
      },
      BUILD_CEILING,
    );

    it(
      'sees a classic import on the cold-start path (the check is not vacuous)',
      async () => {
        // A handler that imports a classic-zod module (the mini-program API's schemas) beside the push path.
        const bundle = await bundleSource('classic-on-hot-path', `import * as weapp from ${lib('wechat/weapp')};\nimport { openPush } from ${lib('wechat/push')};\nexport const handler = { weapp, openPush };\n`);
        expect(classicImporters(bundle)).toContain('functions/lib/wechat/weapp.ts');
        expect(atInit(bundle).some((input) => CLASSIC_ZOD.test(input))).toBe(true);
      },
      BUILD_CEILING,
    );

    // zod/mini registers no locale; the error handler and the WeChat client register English. In a
    // process where no classic zod is loaded (which registers English by itself) the messages read as before.

    it(
      'answers a malformed push in English where no classic zod is loaded',
      async () => {
        const bundle = await bundleSource(
          'malformed-ticket',
          `import { httpErrorHandler } from ${lib('http/error-handler')};\nimport { VerifyTicketPush } from ${lib('wechat/component-push')};\n` +
            `const request: { error?: unknown; response?: unknown } = {};\n` +
            `try { VerifyTicketPush.parse({ AppId: 'wx1', CreateTime: '1', InfoType: 'component_verify_ticket' }); } catch (error) { request.error = error; }\n` +
            `await httpErrorHandler().onError!(request as never);\nconsole.log(JSON.stringify(request.response));\n`,
        );
        expect(classicAnywhere(bundle)).toEqual([]);
        const response = lastLine(run(bundle)) as { statusCode: number; body: string };
        expect(response.statusCode).toBe(400);
        expect(JSON.parse(response.body)).toEqual({ code: 'invalid_request', message: '✖ Invalid input: expected string, received undefined\n  → at ComponentVerifyTicket' });
      },
      BUILD_CEILING,
    );

    it(
      "writes the WeChat client's shape errors in English where no classic zod is loaded",
      async () => {
        // The client alone (as the refresher or a first authorization event loads it), against a WeChat that answers `{}`.
        const bundle = await bundleSource(
          'client-shape-error',
          `import { createServer } from 'node:http';\nimport { WeChatClient } from ${lib('wechat/client')};\nimport { ComponentAuthApi } from ${lib('wechat/component')};\n` +
            `const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));\n` +
            `await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));\n` +
            `const { port } = server.address() as { port: number };\n` +
            `const api = new ComponentAuthApi(new WeChatClient({ baseURL: 'http://127.0.0.1:' + port, timeoutMs: 5000, maxRetries: 0 }), { appId: 'wx1', appSecret: 's', token: 't', aesKey: 'k' });\n` +
            `const reason = await api.requestComponentAccessToken('ticket').then(() => 'accepted', (error: { reason?: string }) => error.reason);\n` +
            `server.close();\nconsole.log(JSON.stringify(reason));\n`,
        );
        expect(classicAnywhere(bundle)).toEqual([]);
        expect(lastLine(run(bundle))).toBe(
          'answer does not match the expected shape: ✖ Invalid input: expected string, received undefined\n  → at component_access_token\n✖ Invalid input: expected number, received undefined\n  → at expires_in',
        );
      },
      BUILD_CEILING,
    );
  });

  describe("the callbacks' XML parsing bundles a stand-in for is-unsafe (functions/shims/is-unsafe.ts)", () => {
    it.each(CALLBACK_FUNCTIONS)(
      '%s: the stand-in, not the package',
      async (name) => {
        const inputs = [...inputsIn(await bundleOf(name), moduleFiles(await bundleOf(name))).keys()];
        expect(inputs.filter((input) => input.includes('node_modules/is-unsafe/'))).toEqual([]);
        // Not vacuous: fast-xml-parser is bundled, and with it the stand-in.
        expect(inputs).toEqual(expect.arrayContaining(['node_modules/fast-xml-parser/src/xmlparser/OrderedObjParser.js', 'functions/shims/is-unsafe.ts']));
      },
      BUILD_CEILING,
    );

    it(
      'parses and refuses pushes as test/functions/lib/wechat/xml.test.ts does with the package, and fails closed if a DTD entity were ever screened',
      async () => {
        const bundle = await bundleSource(
          'xml-parsing',
          `import { XMLParser } from ${JSON.stringify(path.join(REPO_ROOT, 'node_modules/fast-xml-parser/src/fxp.js'))};\nimport { parseWeChatXml } from ${lib('wechat/xml')};\n` +
            `const outcome = (text: string) => { try { return { ok: parseWeChatXml(text) }; } catch (error) { return { refused: (error as { code?: string }).code }; } };\n` +
            `const screened = (() => { try { return new XMLParser({ processEntities: true }).parse('<!DOCTYPE xml [<!ENTITY e "boom">]><xml><A>&e;</A></xml>'); } catch (error) { return (error as Error).message; } })();\n` +
            `console.log(JSON.stringify({ screened, outcomes: [\n` +
            `  outcome('<xml><AppId><![CDATA[wx1]]></AppId><CreateTime>0012</CreateTime><Ticket>  1e3  </Ticket></xml>'),\n` +
            `  outcome('<xml><info><taskid>77</taskid><name>shop</name></info></xml>'),\n` +
            `  outcome('<xml><A>a &amp; b</A><B>1</B><B>2</B></xml>'),\n` +
            `  outcome('<!DOCTYPE xml [<!ENTITY e "boom">]><xml><A>&e;</A></xml>'),\n` +
            `  outcome('<xml><A>1</xml>'),\n` +
            `  outcome('<xml>' + '<a>'.repeat(12) + 'x' + '</a>'.repeat(12) + '</xml>'),\n` +
            `] }));\n`,
        );
        const printed = lastLine(run(bundle)) as { screened: unknown; outcomes: unknown[] };
        expect(printed.outcomes).toEqual([
          { ok: { AppId: 'wx1', CreateTime: '0012', Ticket: '1e3' } },
          { ok: { info: { taskid: '77', name: 'shop' } } },
          { ok: { A: 'a &amp; b', B: ['1', '2'] } },
          { refused: 'malformed_xml' },
          { refused: 'malformed_xml' },
          { refused: 'malformed_xml' },
        ]);
        expect(printed.screened).toMatch(/^is-unsafe is not bundled/);
      },
      BUILD_CEILING,
    );
  });

  describe('rare paths load on first use, not at init', () => {
    it.each(RARE_PATHS)(
      '%s: %s is in a chunk of the bundle, not at init (used only when %s)',
      async (name, part) => {
        const bundle = await bundleOf(name);
        const holding = (inputs: string[]) => inputs.filter((input) => input.includes(part));
        expect({ part, atInit: holding(atInit(bundle)) }).toEqual({ part, atInit: [] });
        // Not vacuous: the rare path is bundled (a renamed module or package would pass the line above).
        expect({ part, bundled: holding(anywhere(bundle)).length > 0 }).toEqual({ part, bundled: true });
      },
      BUILD_CEILING,
    );

    it(
      'adminReleases reads releases from the table at init, without the weapp contract, in at most 600 KB',
      async () => {
        const bundle = await bundleOf('adminReleases');
        const withCode = (files: string[]) => [...inputsIn(bundle, files)].filter(([, bytes]) => bytes > 0).map(([input]) => input);
        // What the console polls is there from the start.
        for (const part of ['functions/lib/store/release-store.ts', 'functions/lib/composition/stores/release.ts', 'node_modules/@aws-sdk/lib-dynamodb/']) {
          expect({ part, atInit: withCode(bundle.initFiles).some((input) => input.includes(part)) }).toEqual({ part, atInit: true });
        }
        // AppId and JsonObject come from the shared schemas, not the weapp contract (its route table is built at load).
        expect(anywhere(bundle).filter((input) => input.includes('functions/admin/weapp/contract.ts'))).toEqual([]);
        expect(bundle.initBytes / KB).toBeLessThanOrEqual(BUNDLE_LIMIT / KB);
      },
      BUILD_CEILING,
    );

    it.each(NO_IDEMPOTENCY_AT_INIT)(
      '%s recognises the in-progress error without loading Powertools idempotency for it',
      async (name) => {
        const packages = new Set(atInit(await bundleOf(name)).map(originOf));
        // Not vacuous: Powertools is read at package granularity, and its logger is at every init.
        expect(packages.has('@aws-lambda-powertools/logger')).toBe(true);
        expect({ name, atInit: ['@aws-lambda-powertools/jmespath', '@aws-lambda-powertools/idempotency'].filter((pkg) => packages.has(pkg)) }).toEqual({ name, atInit: [] });
      },
      BUILD_CEILING,
    );
  });
});
