import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.(ts|js)$/.test(name) ? [full] : [];
  });
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => path.relative(ROOT, path.resolve(path.dirname(file), m[1]!)));

/** What deploys does not depend on what runs the platform on one machine. */
describe('layering', () => {
  it('infra/ (the CDK app) imports nothing from local/ (the local runtime)', () => {
    const offending = sourceFiles(path.join(ROOT, 'infra')).flatMap((file) => importsOf(file).filter((target) => target === 'local' || target.startsWith('local/')).map((target) => `${path.relative(ROOT, file)} → ${target}`));
    expect(offending).toEqual([]);
  });

  it('the functions import neither infra/ nor local/', () => {
    const offending = sourceFiles(path.join(ROOT, 'functions')).flatMap((file) => importsOf(file).filter((target) => /^(infra|local)(\/|$)/.test(target)).map((target) => `${path.relative(ROOT, file)} → ${target}`));
    expect(offending).toEqual([]);
  });
});
