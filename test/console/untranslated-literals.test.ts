import { parse as parseSfc } from '@vue/compiler-sfc';
import { NodeTypes, type AttributeNode, type ElementNode, type TemplateChildNode } from '@vue/compiler-core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../console/src');
/** Another engineer's part (sign-in with Cognito, sign-out); translated when it is merged. */
const NOT_OURS = /^auth\//;

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, ext) : ext.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}
const rel = (file: string) => path.relative(SRC, file);

/** Attributes whose text an operator reads (or a screen reader says). */
const VISIBLE_ATTRIBUTES = new Set(['label', 'placeholder', 'title', 'alt', 'empty-text', 'active-text', 'inactive-text', 'description', 'confirm-button-text', 'cancel-button-text', 'aria-label', 'content', 'text']);
/**
 * Static text that is the same in every language: proper names and technical identifiers an
 * operator types or reads in WeChat's own admin as they are.
 */
const PROPER = new Set(['AppID', 'mch_id', 'apiclient_cert.p12', 'weapp-fleet']);
const hasWords = (text: string) => /[A-Za-z\p{Script=Han}]/u.test(text);

/** Text nodes and visible static attributes in a template that are not from the catalogue. */
function literalsIn(template: TemplateChildNode[], file: string, found: string[]): void {
  for (const node of template) {
    if (node.type === NodeTypes.TEXT && hasWords(node.content) && !PROPER.has(node.content.trim())) found.push(`${file}:${node.loc.start.line} text "${node.content.trim()}"`);
    if (node.type === NodeTypes.ELEMENT) {
      const element = node as ElementNode;
      for (const prop of element.props) {
        if (prop.type !== NodeTypes.ATTRIBUTE) continue;
        const attribute = prop as AttributeNode;
        const value = attribute.value?.content ?? '';
        if (VISIBLE_ATTRIBUTES.has(attribute.name) && hasWords(value) && !PROPER.has(value)) found.push(`${file}:${attribute.loc.start.line} ${attribute.name}="${value}"`);
      }
      literalsIn(element.children, file, found);
    }
    if (node.type === NodeTypes.IF) for (const branch of node.branches) literalsIn(branch.children, file, found);
    if (node.type === NodeTypes.FOR) literalsIn(node.children, file, found);
  }
}

export function untranslatedInTemplates(): string[] {
  const found: string[] = [];
  for (const file of files(SRC, /\.vue$/)) {
    if (NOT_OURS.test(rel(file))) continue;
    const { descriptor } = parseSfc(readFileSync(file, 'utf8'), { filename: file });
    if (descriptor.template?.ast) literalsIn(descriptor.template.ast.children, rel(file), found);
  }
  return found;
}

/** Strings that reach an operator from code: errors thrown for display, toasts, confirmations. */
const SHOWN_FROM_CODE = /new Error\(\s*['"`]|success:\s*['"`]|ElMessageBox\.(?:confirm|alert|prompt)\(\s*['"`]|ElMessage(?:\.\w+)?\(\s*['"`]|h\([^)]*,\s*['"`][^'"`]*[A-Za-z]/;
/** A programming error no operator sees in a working build. */
const DEVELOPER_ONLY = new Set(['api/client.ts: the admin API client is not configured yet']);

export function untranslatedInCode(): string[] {
  const found: string[] = [];
  for (const file of files(SRC, /\.(ts|vue)$/)) {
    if (NOT_OURS.test(rel(file)) || rel(file).startsWith('i18n/')) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (!SHOWN_FROM_CODE.test(line)) return;
      const message = /['"`]([^'"`]*)['"`]/.exec(line.slice(line.search(SHOWN_FROM_CODE)))?.[1] ?? '';
      if (!DEVELOPER_ONLY.has(`${rel(file)}: ${message}`)) found.push(`${rel(file)}:${i + 1} ${line.trim()}`);
    });
  }
  return found;
}

/** Every string a console page shows comes from the message catalogues (console/src/i18n). */
describe('untranslated literals in the console', () => {
  it('templates show no literal text or visible attribute outside the catalogue', () => {
    expect(untranslatedInTemplates()).toEqual([]);
  });

  it('code shows no literal in an error, a toast or a confirmation', () => {
    expect(untranslatedInCode()).toEqual([]);
  });

  it('the checks find a literal where there is one', () => {
    const found: string[] = [];
    const { descriptor } = parseSfc('<template><div><el-input placeholder="Name" /><p v-if="x">Hello</p><span>{{ t(\'a.b\') }}</span></div></template>', { filename: 'x.vue' });
    literalsIn(descriptor.template!.ast!.children, 'x.vue', found);
    expect(found).toEqual(['x.vue:1 placeholder="Name"', 'x.vue:1 text "Hello"']);
    expect(SHOWN_FROM_CODE.test("throw new Error('Choose a template.');")).toBe(true);
    expect(SHOWN_FROM_CODE.test("{ success: 'Draft added' }")).toBe(true);
    expect(SHOWN_FROM_CODE.test("throw new Error(t('wizard.errors.template'));")).toBe(false);
  });
});
