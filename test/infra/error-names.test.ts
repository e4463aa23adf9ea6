import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleEntry, REPO_ROOT, runModule } from '../helpers/function-bundles';
import { scaled } from '../helpers/time-scale';

/** Every `export class X extends …Error` under functions/, with the module that declares it. */
function declaredErrorClasses(): { name: string; file: string }[] {
  const found: { name: string; file: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
        for (const match of readFileSync(file, 'utf8').matchAll(/^export class (\w+) extends \w*Error\b/gm)) found.push({ name: match[1]!, file });
      }
    }
  };
  walk(path.join(REPO_ROOT, 'functions'));
  return found;
}

/**
 * The bundles are minified, so a class's own name is not its source name there. An error's
 * `name` is what a log line shows, what Lambda reports as `errorType`, and so what a release's
 * failed step records (`describeFailure`) and the state machine's Retry matches: each error
 * class states its name as a literal. This bundles them as the stack does and reads the names.
 */
describe('error names in the deployed bundles', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-error-names-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('every error class keeps its source name once minified', async () => {
    const classes = declaredErrorClasses();
    // The scan sees the platform's errors (not vacuous).
    expect(classes.map((c) => c.name)).toEqual(expect.arrayContaining(['BadRequestError', 'WeChatApiError', 'WeChatRetryableError', 'AuthorizerUnavailableError']));
    const entry = path.join(outDir, 'errors-entry.ts');
    writeFileSync(entry, classes.map((c) => `export { ${c.name} } from ${JSON.stringify(c.file.replace(/\.ts$/, ''))};`).join('\n') + '\n');
    const bundle = await bundleEntry('errors', path.relative(REPO_ROOT, entry), outDir);
    const printed = runModule(
      `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, C]) => [k, new C('m', 'm', 'm').name]))));`,
      { ...process.env, AWS_REGION: 'ap-east-1' },
    );
    const names = JSON.parse(printed) as Record<string, string>;
    expect(names).toEqual(Object.fromEntries(classes.map((c) => [c.name, expectedName(c.name)])));
  }, scaled(60_000));
});

/** Names chosen on purpose: the release's privacy-step failure, and the one in-progress name both sides share. */
const DELIBERATE_NAMES: Record<string, string> = {
  PrivacyGuideRefusedError: 'PrivacyGuideRefused',
  AlreadyInProgressError: 'IdempotencyAlreadyInProgressError',
};
function expectedName(className: string): string {
  return DELIBERATE_NAMES[className] ?? className;
}
