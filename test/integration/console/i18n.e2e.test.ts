import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { SCREENSHOTS, expectText, launchConsoleBrowser, openConsolePage, waitUntil } from '../../helpers/console-browser';
import type { TestPlatform } from '../../helpers/platform';
import { waitUntil as waitFor } from '../../helpers/wait';
import { startWorld, type World } from '../../helpers/world';

/** Where the Chinese screenshots go (with the English ones of console.e2e.test.ts beside them). */
const OUT = path.join(SCREENSHOTS, 'zh-CN');
const TIME_ZONE = 'Asia/Shanghai';

/**
 * Latin words a Chinese page may show: proper names and identifiers that WeChat's own Chinese
 * admin writes the same way. Data (app ids, names, versions, WeChat's and the API's own words)
 * sits in elements marked `translate="no"` or `.mono` and is not UI text; the language switch
 * names each language in itself ("English").
 */
const PROPER_NAMES = new Set(['WeChat', 'AppID', 'API', 'URL', 'weapp-fleet', 'ext_json', 'extAppid', 'QQ', 'HTTP', 'npm', 'start', 'admin', 'operator', 'viewer', 'PC', 'PNG', 'JPEG', 'English']);

/*
 * The two checks below run in the page. They are JavaScript text because this project's
 * TypeScript has no DOM library outside console/.
 */

/** Latin words in the visible text of the page (text nodes and input placeholders), data left out. */
const VISIBLE_LATIN_WORDS = `(() => {
  const found = [];
  const words = (text) => text.match(/[A-Za-z][A-Za-z0-9_'-]*/g) || [];
  const isData = (element) => !!element.closest('[translate="no"], .mono, [data-locale="en"]');
  const visible = (element) => element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !isData(parent) && visible(parent)) found.push(...words(node.textContent || ''));
  }
  for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!isData(input) && visible(input)) found.push(...words(input.placeholder));
  }
  return found;
})()`;

async function englishUiWords(page: Page): Promise<string[]> {
  const words = (await page.evaluate(VISIBLE_LATIN_WORDS)) as string[];
  return [...new Set(words)].filter((word) => !PROPER_NAMES.has(word));
}

/**
 * The CJK characters on the page that do not render with a real glyph: each is drawn on a canvas
 * in the page's own font and compared with the drawing of an unassigned code point (U+0378, which
 * a font draws as .notdef, the "tofu" box); a blank drawing fails too.
 */
const CJK_WITHOUT_GLYPH = `(() => {
  const chars = [...new Set(document.body.innerText.match(/\\p{Script=Han}/gu) || [])];
  const canvas = document.createElement('canvas');
  canvas.width = 48;
  canvas.height = 48;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const family = getComputedStyle(document.body).fontFamily;
  const draw = (text) => {
    context.clearRect(0, 0, 48, 48);
    context.font = '36px ' + family;
    context.textBaseline = 'top';
    context.fillText(text, 4, 4);
    return Array.from(context.getImageData(0, 0, 48, 48).data).filter((_, i) => i % 4 === 3);
  };
  const ink = (alpha) => alpha.filter((a) => a > 0).length;
  const notdef = draw('\\u0378');
  const missing = chars.filter((char) => {
    const drawn = draw(char);
    return ink(drawn) === 0 || drawn.join(',') === notdef.join(',');
  });
  return { checked: chars.length, missing, notdefInk: ink(notdef) };
})()`;

async function cjkWithoutGlyph(page: Page): Promise<{ checked: number; missing: string[]; notdefInk: number }> {
  return (await page.evaluate(CJK_WITHOUT_GLYPH)) as { checked: number; missing: string[]; notdefInk: number };
}

/**
 * The console in Chinese (a zh-CN browser in Shanghai) and in English: sign-in, dashboard,
 * authorizers and a release's progress, each screenshot in Chinese checked for English UI text
 * and for CJK characters drawn without a real font; the switch in the header changes the
 * language in place, keeping the page, its data and what the operator typed, and is remembered.
 */
describe('admin console in Chinese and English', () => {
  let world: World;
  let platform: TestPlatform;
  let browser: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  let page: Page;
  let releaseId: string;
  let failingAppId: string;
  const consoleUrl = (route = '') => `${platform.gatewayUrl}/console/${route}`;
  const adminReads: string[] = [];

  /** Screenshot of the page in Chinese, then the checks on what it shows. */
  async function checkChinesePage(name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect([name, await englishUiWords(page)]).toEqual([name, []]);
    const glyphs = await cjkWithoutGlyph(page);
    expect(glyphs.checked).toBeGreaterThan(5);
    expect(glyphs.notdefInk).toBeGreaterThan(0);
    expect([name, glyphs.missing]).toEqual([name, []]);
  }
  const switchTo = async (locale: 'zh-CN' | 'en') => {
    await page.click(`[data-test=language-switch] [data-locale="${locale}"]`);
    await page.locator(`html[lang="${locale}"]`).waitFor({ state: 'attached' });
  };

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    world = await startWorld({
      simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 },
      stepFunctionsTimeScale: 0.0001,
      ticket: true,
      refresh: true,
      apps: [{ nickname: '茶小铺' }, { nickname: '面包工坊' }, { nickname: '花间集' }],
      template: true,
    });
    platform = world.platform;
    // One app WeChat refuses to audit (86002: profile incomplete), so a refusal shows in the progress view.
    failingAppId = world.appIds[2]!;
    platform.simulator!.state.authorizers.get(failingAppId)!.profileIncomplete = true;
    const started = await platform.admin('/admin/releases', {
      method: 'POST',
      body: JSON.stringify({ templateId: world.templateId, userVersion: '2.0.0', userDesc: '春季版本', targets: { appIds: world.appIds }, maxConcurrency: 3 }),
    });
    expect(started.status).toBe(202);
    releaseId = ((await started.json()) as { releaseId: string }).releaseId;
    await waitFor(async () => ((await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as { status: string }).status === 'completed_with_failures', 'the release to finish with one failure', { timeoutMs: 45_000 });
    ({ browser, page } = await openConsolePage({ width: 1440, height: 900 }, { locale: 'zh-CN', timezoneId: TIME_ZONE }));
    page.on('request', (request: Request) => {
      const { pathname } = new URL(request.url());
      if (request.method() === 'GET' && pathname.startsWith('/admin/')) adminReads.push(pathname);
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signs in in Chinese: the browser’s zh-CN picks the language', async () => {
    await page.goto(consoleUrl('dashboard'));
    await page.waitForURL(/\/console\/sign-in/);
    await expectText(page.locator('.sign-in h1'), '管理后台');
    await expectText(page.locator('[data-test=sign-in]'), '登录');
    await checkChinesePage('sign-in');
    await page.fill('input[data-test=admin-token]', 'not-the-token');
    await page.click('[data-test=sign-in]');
    await expectText(page.locator('[data-test=sign-in-error]'), '管理令牌被拒绝。');
    await page.fill('input[data-test=admin-token]', platform.settings.adminToken);
    await page.click('[data-test=sign-in]');
    await page.waitForURL(/\/console\/dashboard$/);
  });

  it('shows the dashboard in Chinese, times in the browser’s time zone as Chinese writes them', async () => {
    await expectText(page.locator('[data-test=component-card]'), platform.settings.component.appId);
    await expectText(page.locator('.header [data-test=role]'), '管理员');
    await expectText(page.locator('[data-test=recent-releases]'), '2 个已发布');
    const { createdAt } = (await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as { createdAt: string };
    const shanghai = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(createdAt));
    const started = (await page.locator('[data-test=recent-releases] .el-table__body tr').first().locator('td').nth(4).textContent()) ?? '';
    expect(started).toContain('年');
    expect(started).toContain(shanghai);
    await expectText(page.locator('[data-test=failures]'), `发布 ${releaseId}：3 个小程序中有 1 个失败`);
    await checkChinesePage('dashboard');
  });

  it('lists authorizers in Chinese; switching to English keeps the page, its rows and the filter typed, without reading the API again', async () => {
    await page.goto(consoleUrl('authorizers'));
    const rows = page.locator('[data-test=authorizers] .el-table__body tr');
    await waitUntil(async () => (await rows.count()) === 3, 'the three authorizers');
    await checkChinesePage('authorizers');
    await page.fill('input[data-test=search]', '茶');
    await waitUntil(async () => (await rows.count()) === 1, 'the filtered row');
    const readsBefore = adminReads.length;

    await switchTo('en');
    await expectText(page.locator('.header .title'), 'Authorizers');
    await expectText(page.locator('[data-test=authorizers] .el-table__header'), 'Company');
    expect(page.url()).toBe(consoleUrl('authorizers'));
    expect(await page.inputValue('input[data-test=search]')).toBe('茶');
    expect(await rows.count()).toBe(1);
    await expectText(rows.first(), '茶小铺');
    expect(adminReads.slice(readsBefore)).toEqual([]);
    expect(await page.evaluate("localStorage.getItem('weapp-fleet.console.locale')")).toBe('en');

    // Remembered: a reload in this zh-CN browser stays English until the operator switches back.
    await page.reload();
    await expectText(page.locator('.header .title'), 'Authorizers');
    await switchTo('zh-CN');
    await expectText(page.locator('.header .title'), '授权方');
  });

  it('shows a release’s progress in Chinese: WeChat’s refusal with its errcode, meaning and next step, in either language without a reload', async () => {
    await page.goto(consoleUrl(`releases/${encodeURIComponent(releaseId)}`));
    await page.locator('[data-test=release-status][data-status=completed_with_failures]').waitFor();
    const failedRow = page.locator('[data-test=release-targets] tr.target-failed');
    await expectText(failedRow.locator('[data-test=wechat-refusal]'), '微信拒绝（错误码 86002）：小程序资料未完善');
    await expectText(failedRow.locator('[data-test=next-step]'), '下一步：请商家在微信公众平台补全小程序资料');
    await expectText(page.locator('[data-test=release-summary]'), '3 个小程序中已完成 3 个');
    await expectText(page.locator('[data-test=release-counts] [data-state=released]'), '已发布');
    await checkChinesePage('release-progress');

    // Element Plus' own texts follow too: the confirmation's close button is labelled by its zh-cn locale.
    await page.click('[data-test=retry-failed]');
    const dialog = page.locator('.el-message-box');
    await dialog.waitFor();
    expect(await dialog.locator('.el-message-box__headerbtn').getAttribute('aria-label')).toBe('关闭此对话框');
    await expectText(dialog, '让失败的小程序重新执行发布流程？');
    await page.screenshot({ path: path.join(OUT, 'release-retry-confirm.png') });
    await dialog.locator('.el-button:not(.el-button--primary)').click();
    await dialog.waitFor({ state: 'detached' });

    const readsBefore = adminReads.length;
    await switchTo('en');
    await expectText(failedRow.locator('[data-test=wechat-refusal]'), 'WeChat refused (errcode 86002): The mini program’s profile is incomplete');
    await expectText(failedRow.locator('[data-test=next-step]'), 'Next: Ask the merchant to complete the profile');
    await expectText(page.locator('[data-test=release-summary]'), '3 of 3 apps finished');
    expect(await page.locator('[data-test=release-targets] .el-table__body tr').count()).toBe(3);
    expect(adminReads.slice(readsBefore)).toEqual([]);
    await page.click('[data-test=retry-failed]');
    expect(await page.locator('.el-message-box .el-message-box__headerbtn').getAttribute('aria-label')).toBe('Close this dialog');
    await page.locator('.el-message-box .el-button:not(.el-button--primary)').click();
    await switchTo('zh-CN');
  });

  it('walks the same pages in English', async () => {
    const browserEn = await launchConsoleBrowser({ width: 1440, height: 900 }, { locale: 'en-US', timezoneId: TIME_ZONE });
    try {
      const en = browserEn.context.pages()[0] ?? (await browserEn.context.newPage());
      en.setDefaultTimeout(15_000);
      await en.goto(consoleUrl('dashboard'));
      await en.waitForURL(/\/console\/sign-in/);
      await expectText(en.locator('[data-test=sign-in]'), 'Sign in');
      expect(await en.getAttribute('html', 'lang')).toBe('en');
      await en.fill('input[data-test=admin-token]', platform.settings.adminToken);
      await en.click('[data-test=sign-in]');
      await expectText(en.locator('[data-test=component-card]'), 'Verify ticket');
      await expectText(en.locator('[data-test=recent-releases]'), '2 released · 1 failed');
      await en.goto(consoleUrl('authorizers'));
      await expectText(en.locator('[data-test=authorizers] .el-table__header'), 'Company');
      await en.goto(consoleUrl(`releases/${encodeURIComponent(releaseId)}`));
      await expectText(en.locator('[data-test=release-targets] tr.target-failed [data-test=wechat-refusal]'), 'errcode 86002');
      await en.screenshot({ path: path.join(SCREENSHOTS, 'release-progress-en.png'), fullPage: true });
    } finally {
      await browserEn.close();
    }
  });
});
