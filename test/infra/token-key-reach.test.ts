import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FUNCTIONS } from '../../infra/manifest';

const ROOT = path.resolve(__dirname, '../..');
const CONFIGURED_KEY = path.join(ROOT, 'functions/lib/crypto-at-rest/configured-key.ts');

/**
 * Value imports only (`import type` leaves nothing at run time): relative files and packages,
 * static or `import()` — a module loaded on first use is still in the bundle (its own chunk).
 */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const source = readFileSync(file, 'utf8');
  const specifiers = [
    ...[...source.matchAll(/^(?!import type)(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  const files = specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s))
    .map((target) => [`${target}.ts`, path.join(target, 'index.ts'), target].find((candidate) => existsSync(candidate) && statSync(candidate).isFile()))
    .filter((target): target is string => target !== undefined);
  return { files, packages: specifiers.filter((s) => !s.startsWith('.')) };
}

/** Every source file and package a function's entry reaches through value imports. */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const imports = importsOf(file);
    imports.packages.forEach((p) => packages.add(p));
    imports.files.forEach(visit);
  };
  visit(path.join(ROOT, entry));
  return { files, packages };
}

/**
 * The manifest's `tokenKey` (which decides the KMS grant and TOKEN_KEY_ARN) and the code agree:
 * a function takes the token key — and so the KMS client — exactly when its manifest entry
 * says it uses tokens. A handler that forgot it would fail in AWS only; this fails here.
 */
describe('the token key in the code', () => {
  it.each(Object.entries(FUNCTIONS))('%s: takes the token key exactly when its manifest entry has tokenKey', (_name, def) => {
    const { files, packages } = reach(def.entry);
    const tokenKey = Boolean((def as { tokenKey?: boolean }).tokenKey);
    expect(files.has(CONFIGURED_KEY)).toBe(tokenKey);
    expect(packages.has('@aws-sdk/client-kms')).toBe(tokenKey);
    if (tokenKey) expect(readFileSync(path.join(ROOT, def.entry), 'utf8')).toMatch(/^enableTokenKey\(configuredTokenKey\);$/m);
  });
});
