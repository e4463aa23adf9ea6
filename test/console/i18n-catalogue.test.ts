import { baseCompile } from '@intlify/message-compiler';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AUTHORIZER_STATUSES, FINAL_TARGET_STATES, TARGET_STATES } from '../../console/src/api/types';
import { stepOf } from '../../functions/lib/release/target-lifecycle';
import { en } from '../../console/src/i18n/en';
import { zhCN } from '../../console/src/i18n/zh-CN';

const SRC = path.resolve(__dirname, '../../console/src');

type Tree = { [key: string]: string | Tree };
/** Every message as `path.to.key` → text. */
const flatten = (tree: Tree, prefix = ''): Map<string, string> =>
  new Map(Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [[`${prefix}${key}`, value] as const] : [...flatten(value, `${prefix}${key}.`)])));
const english = flatten(en);
const chinese = flatten(zhCN);
const NAMESPACES = Object.keys(en);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'i18n' ? [] : sourceFiles(full);
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * The keys the console's code names: any quoted string `namespace.key…` (t('…'), keypath="…",
 * route titles, confirmation keys), and template-literal prefixes like t(`status.${s}`), which
 * must name a group of messages.
 */
function keysUsed(): { exact: { key: string; file: string }[]; prefixes: { prefix: string; file: string }[] } {
  const exact: { key: string; file: string }[] = [];
  const prefixes: { prefix: string; file: string }[] = [];
  const ns = NAMESPACES.join('|');
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(SRC, file);
    for (const m of text.matchAll(new RegExp(`['"\`]((?:${ns})\\.[A-Za-z0-9_.]+)['"\`]`, 'g'))) exact.push({ key: m[1]!, file: rel });
    for (const m of text.matchAll(new RegExp(`\`((?:${ns})\\.[A-Za-z0-9_.]*)\\$\\{`, 'g'))) prefixes.push({ prefix: m[1]!, file: rel });
  }
  return { exact, prefixes };
}

describe('console message catalogues', () => {
  it('have the same keys in Chinese and English', () => {
    expect([...english.keys()].filter((key) => !chinese.has(key))).toEqual([]);
    expect([...chinese.keys()].filter((key) => !english.has(key))).toEqual([]);
  });

  it('have every key the console’s code uses', () => {
    const { exact, prefixes } = keysUsed();
    expect(exact.length).toBeGreaterThan(300);
    expect(exact.filter(({ key }) => !english.has(key)).map(({ key, file }) => `${file}: ${key}`)).toEqual([]);
    // A computed key (t(`status.${value}`)) reads a group: the group must exist in both languages.
    const groups = new Set([...english.keys()].flatMap((key) => key.split('.').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('.')}.`)));
    expect(prefixes.filter(({ prefix }) => !groups.has(prefix)).map(({ prefix, file }) => `${file}: ${prefix}`)).toEqual([]);
  });

  it('compile: no message uses vue-i18n syntax by accident (@, |, unbalanced braces)', () => {
    const broken: string[] = [];
    for (const [language, messages] of [['en', english], ['zh-CN', chinese]] as const) {
      for (const [key, message] of messages) {
        baseCompile(message, { onError: (error) => broken.push(`${language} ${key}: ${error.message}`) });
        if (/[@|]/.test(message)) broken.push(`${language} ${key}: contains @ or |`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('take the same placeholders in both languages', () => {
    const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect([...english].filter(([key, message]) => JSON.stringify(placeholders(message)) !== JSON.stringify(placeholders(chinese.get(key) ?? ''))).map(([key]) => key)).toEqual([]);
  });

  it('are Chinese in Chinese: every message has Han characters, except proper names and placeholders', () => {
    /** Names WeChat's own Chinese admin writes in Latin letters too. */
    const PROPER = new Set(['AppID', 'ext_json', 'QQ']);
    const latinOnly = [...chinese].filter(([, message]) => {
      const text = message.replace(/\{\w+\}/g, '');
      return !/\p{Script=Han}/u.test(text) && /[A-Za-z]/.test(text) && !PROPER.has(text);
    });
    expect(latinOnly.map(([key, message]) => `${key}: ${message}`)).toEqual([]);
  });

  it('name every step a release target can fail at (functions/lib/release)', () => {
    const steps = [...TARGET_STATES.filter((state) => !FINAL_TARGET_STATES.has(state)).map(stepOf), 'privacy'];
    expect(steps.filter((step) => !english.has(`progress.steps.${step}`))).toEqual([]);
  });

  it('name every release target state and authorizer status', () => {
    for (const state of [...TARGET_STATES, ...AUTHORIZER_STATUSES]) {
      expect([state, english.has(`status.${state}`), chinese.has(`status.${state}`)]).toEqual([state, true, true]);
    }
  });
});
