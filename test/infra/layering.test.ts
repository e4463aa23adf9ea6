import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

describe('module graph', () => {
  /** Value imports only: `import type` leaves nothing behind at run time. */
  const valueImportsOf = (file: string): string[] =>
    [...readFileSync(file, 'utf8').matchAll(/^(?!import type)(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)]
      .map((m) => path.resolve(path.dirname(file), m[1]!))
      .map((target) => [`${target}.ts`, path.join(target, 'index.ts'), target].find((candidate) => existsSync(candidate) && statSync(candidate).isFile()))
      .filter((target): target is string => target !== undefined);

  it('has no import cycle in the functions, the CDK app, the local runtime or the CLI', () => {
    const files = ['functions', 'infra', 'local', 'cli', 'statemachines'].flatMap((dir) => sourceFiles(path.join(ROOT, dir))).filter((file) => file.endsWith('.ts'));
    const edges = new Map(files.map((file) => [file, valueImportsOf(file)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(ROOT, f)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of edges.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
