import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { CHROMIUM, SCREENSHOTS, expectText, launchConsoleBrowser, openConsolePage, waitUntil } from '../../helpers/console-browser';
import { consoleContentSecurityPolicy } from '../../../infra/console-headers';
import { LOCAL_CONSOLE_CONFIG } from '../../../local/console-files';
import type { TestPlatform } from '../../helpers/platform';
import { startWorld } from '../../helpers/world';

const FLEET_SIZE = 20;

/**
 * The console as an operator uses it, in headless Chromium against the real local platform:
 * sign in, add a template, authorize a merchant through the simulated WeChat page, rename a
 * mini program, ship a release to 20 apps with one failing, register a company (its legal
 * person confirming on the simulated WeChat page).
 */
describe('admin console in a browser', () => {
  let platform: TestPlatform;
  let browser: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  let page: Page;
  let authorizedAppId: string;
  let failingAppId: string;
  const consoleUrl = (route = '') => `${platform.gatewayUrl}/console/${route}`;
  const screenshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    ({ platform } = await startWorld({ simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 }, stepFunctionsTimeScale: 0.0001, ticket: true }));
    ({ browser, page } = await openConsolePage());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('has Chromium where the test expects it', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('signs in with the admin token, refusing a wrong one', async () => {
    await page.goto(consoleUrl('authorizers'));
    await page.waitForURL(/\/console\/sign-in\?redirect=/);
    await screenshot('sign-in');
    await page.fill('input[data-test=admin-token]', 'not-the-token');
    await page.click('[data-test=sign-in]');
    await expectText(page.locator('[data-test=sign-in-error]'), 'The admin token was refused.');
    await page.fill('input[data-test=admin-token]', platform.settings.adminToken);
    await page.click('[data-test=sign-in]');
    // Back where the operator was going before signing in.
    await page.waitForURL(/\/console\/authorizers$/);
    await page.goto(consoleUrl('dashboard'));
    await expectText(page.locator('[data-test=component-card]'), platform.settings.component.appId);
  });

  it('adds a draft to the template library', async () => {
    await page.goto(consoleUrl('templates'));
    await page.click('[data-test=add-draft-1]');
    await page.locator('[data-test=templates] .el-table__body tr').first().waitFor();
    expect(await page.locator('[data-test=templates] .el-table__body tr').count()).toBe(1);
    await screenshot('templates');
  });

  it('shows API refusals as readable messages', async () => {
    await page.goto(consoleUrl('authorize'));
    await page.fill('input[placeholder^="optional: wx"]', 'not-an-appid');
    await page.click('[data-test=generate-links]');
    await expectText(page.locator('.el-card .el-alert--error'), '(invalid_request)');
  });

  it('authorizes a merchant: links and QR code in the console, confirmation on the simulated WeChat page', async () => {
    await page.goto(consoleUrl('authorize'));
    await page.click('[data-test=generate-links]');
    const pcUrl = await page.locator('[data-test=pc-url]').getAttribute('href');
    expect(pcUrl).toContain('/cgi-bin/componentloginpage?');
    expect(await page.locator('[data-test=mobile-url]').getAttribute('href')).toContain('/wxaopen/safe/bindcomponent?');
    expect(await page.locator('[data-test=mobile-qr]').getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    // The merchant's browser: WeChat's page, confirm, and back on the platform's callback page.
    const merchant = await browser!.context.newPage();
    await merchant.goto(pcUrl!);
    await merchant.fill('input[name=nickname]', 'Console Tea House');
    await Promise.all([merchant.waitForURL(/\/wechat\/authorize\/callback/), merchant.click('button[type=submit]')]);
    const landed = await merchant.textContent('body');
    expect(landed).toContain('Authorization complete');
    authorizedAppId = /\((wx[0-9a-f]{16})\)/.exec(landed ?? '')![1]!;
    await merchant.close();
  });

  it('lists, syncs, filters and opens authorizers', async () => {
    const seeded = platform.simulator!.seedAuthorizers(FLEET_SIZE - 1, { nicknamePrefix: 'Fleet shop ' });
    failingAppId = seeded[0]!.appId;
    await page.goto(consoleUrl('authorizers'));
    await page.click('[data-test=sync]');
    await expectText(page.locator('.el-message--success'), `${FLEET_SIZE - 1} added`);
    await waitForCount(page.locator('[data-test=authorizers] .el-table__body tr'), FLEET_SIZE);
    await screenshot('authorizers');
    // Pages of 10 through the API's cursor, forward and back.
    const rows = page.locator('[data-test=authorizers] .el-table__body tr');
    const shownAppIds = async () => (await rows.locator('a.mono').allTextContents()).join(',');
    await page.click('[data-test=page-size]');
    await page.click('.el-select-dropdown__item:has-text("10 a page")');
    await waitForCount(rows, 10);
    const firstPage = await shownAppIds();
    await page.click('[data-test=next]');
    await waitUntil(async () => (await shownAppIds()) !== firstPage && (await rows.count()) === 10, 'the second page');
    const secondPage = (await shownAppIds()).split(',');
    expect(secondPage.filter((appId) => firstPage.includes(appId))).toEqual([]);
    await page.click('[data-test=previous]');
    await waitUntil(async () => (await shownAppIds()) === firstPage, 'the first page again');
    await page.click('[data-test=page-size]');
    await page.click('.el-select-dropdown__item:has-text("20 a page")');
    await waitForCount(rows, FLEET_SIZE);
    await page.fill('input[data-test=search]', 'tea house');
    await waitForCount(page.locator('[data-test=authorizers] .el-table__body tr'), 1);
    await page.click(`[data-test=authorizers] a:has-text("${authorizedAppId}")`);
    await page.waitForURL(new RegExp(`/console/authorizers/${authorizedAppId}$`));
    await expectText(page.locator('[data-test=authorizer-name]'), 'Console Tea House');
  });

  it('renames a mini program (name checked first, then set on WeChat)', async () => {
    await page.fill('input[data-test=nickname-input]', '茶小铺');
    await page.click('[data-test=nickname-save]');
    await expectText(page.locator('[data-test=nickname-result]'), 'Name set');
    await expectText(page.locator('[data-test=live-nickname]'), '茶小铺');
    expect(platform.simulator!.state.authorizers.get(authorizedAppId)!.nickname).toBe('茶小铺');
    const wechatPaths = platform.simulator!.requests.map((r) => r.path);
    expect(wechatPaths).toEqual(expect.arrayContaining(['/cgi-bin/wxverify/checkwxverifynickname', '/wxa/setnickname']));
    await screenshot('authorizer-detail');
  });

  it('ships a 20-app release from the wizard and shows the failed app’s reason in the progress view', async () => {
    // One app WeChat refuses to audit (86002: profile incomplete); the other 19 go live.
    platform.simulator!.state.authorizers.get(failingAppId)!.profileIncomplete = true;
    await page.goto(consoleUrl('releases/new'));
    // Choosing the first template fills in its version.
    await waitUntil(async () => (await page.inputValue('input[data-test=user-version]')) !== '', 'the template’s version');
    await page.fill('input[data-test=user-version]', '3.0.0');
    await page.fill('textarea[data-test=user-desc]', 'spring release from the console');
    await page.click('[data-test=wizard-next]');
    await waitForCount(page.locator('[data-test=target-table] .el-table__body tr'), FLEET_SIZE);
    await page.click('[data-test=target-table] .el-table__header .el-checkbox');
    await expectText(page.locator('[data-test=selected-count]'), `${FLEET_SIZE} selected`);
    await page.click('[data-test=wizard-next]');
    await page.fill('textarea[data-test=ext-json-base]', '{ "ext": { "theme": "spring" } }');
    await page.click('[data-test=wizard-next]');
    await page.fill('[data-test=max-concurrency] input, input[data-test=max-concurrency]', '20');
    await page.click('[data-test=trial-qrcode]');
    await page.click('[data-test=wizard-next]');
    await expectText(page.locator('[data-test=review-targets]'), `${FLEET_SIZE} mini programs`);
    await screenshot('release-wizard');
    // When the progress page reads the release: once on arrival, then once per poll interval.
    const releaseReads: number[] = [];
    const recordReleaseRead = (request: Request) => {
      if (request.method() === 'GET' && /^\/admin\/releases\/[^/]+$/.test(new URL(request.url()).pathname)) releaseReads.push(Date.now());
    };
    page.on('request', recordReleaseRead);
    await page.click('[data-test=start-release]');
    await page.waitForURL((url) => /\/console\/releases\/(?!new$)[^/]+$/.test(url.pathname));
    const releaseId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await page.locator('[data-test=release-status][data-status=completed_with_failures]').waitFor({ timeout: 45_000 });
    await waitUntil(async () => releaseReads.length >= 2, 'the first poll of the release');
    page.off('request', recordReleaseRead);
    // The first poll waits an interval (1.5 s) after the first load instead of reading the same release again at once.
    expect(releaseReads[1]! - releaseReads[0]!).toBeGreaterThanOrEqual(1000);
    await expectText(page.locator('[data-test=release-summary]'), `${FLEET_SIZE} of ${FLEET_SIZE} apps finished`);
    await expectText(page.locator('[data-test=release-counts] [data-state=released]'), `${FLEET_SIZE - 1}`);
    await expectText(page.locator('[data-test=release-counts] [data-state=failed]'), '1');
    const failedRow = page.locator('[data-test=release-targets] tr.target-failed');
    expect(await failedRow.count()).toBe(1);
    await expectText(failedRow, failingAppId);
    await expectText(failedRow.locator('.target-reason'), 'errcode 86002');
    expect(await page.locator('[data-test=release-targets] tr.target-released').count()).toBe(FLEET_SIZE - 1);
    await screenshot('release-progress');

    // The operator fixes the app's profile and runs the failed app again from the same view.
    platform.simulator!.state.authorizers.get(failingAppId)!.profileIncomplete = false;
    await page.click('[data-test=retry-failed]');
    await page.click('.el-message-box .el-button--primary');
    await page.locator('[data-test=release-status][data-status=succeeded]').waitFor({ timeout: 30_000 });
    await expectText(page.locator('[data-test=release-counts] [data-state=released]'), `${FLEET_SIZE}`);
    expect(await page.locator('[data-test=release-targets] tr.target-failed').count()).toBe(0);

    // The kept trial QR code is an admin route: the console fetches it with the bearer token and shows the image.
    await page.locator('[data-test=release-targets] tr.target-released [data-test=show-trial-qr]').first().click();
    const trialQr = page.locator('img[data-test=release-trial-qr]');
    await trialQr.waitFor();
    const decoded = (img: unknown) => {
      const { complete, naturalWidth } = img as { complete: boolean; naturalWidth: number };
      return complete && naturalWidth > 0;
    };
    await waitUntil(() => trialQr.evaluate(decoded), 'the trial QR image to decode');
    expect(await trialQr.getAttribute('src')).toMatch(/^blob:/);
    await page.keyboard.press('Escape');
    await trialQr.waitFor({ state: 'detached' });

    // What the console asked for is what the API recorded.
    const recorded = (await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as { total: number; options: { maxConcurrency: number }; userDesc: string };
    expect(recorded).toMatchObject({ total: FLEET_SIZE, options: { maxConcurrency: 20 }, userDesc: 'spring release from the console' });
  }, 70_000);

  it('runs a gray release from the wizard, widens it and completes the rollout from the progress view', async () => {
    // The fleet has a version online from the release above: WeChat gray-releases only over one.
    await page.goto(consoleUrl('releases/new'));
    await waitUntil(async () => (await page.inputValue('input[data-test=user-version]')) !== '', 'the template’s version');
    await page.fill('input[data-test=user-version]', '3.1.0');
    await page.click('[data-test=wizard-next]');
    await waitForCount(page.locator('[data-test=target-table] .el-table__body tr'), FLEET_SIZE);
    await page.click('[data-test=target-table] .el-table__header .el-checkbox');
    await page.click('[data-test=wizard-next]');
    await page.click('[data-test=wizard-next]');
    await page.fill('[data-test=max-concurrency] input, input[data-test=max-concurrency]', '20');
    await page.fill('[data-test=gray-percentage] input, input[data-test=gray-percentage]', '10');
    await page.click('[data-test=wizard-next]');
    await expectText(page.locator('[data-test=review-gray]'), '10%');
    await page.click('[data-test=start-release]');
    await page.waitForURL((url) => /\/console\/releases\/(?!new$)[^/]+$/.test(url.pathname));
    const releaseId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await page.locator('[data-test=release-counts] [data-state=gray_released]').waitFor({ timeout: 45_000 });
    await expectText(page.locator('[data-test=release-counts] [data-state=gray_released]'), `${FLEET_SIZE}`);
    await expectText(page.locator('[data-test=gray-share]'), '10%');
    await screenshot('release-gray');
    // Only grayrelease went out: the version online is still the one before.
    expect(platform.simulator!.app(authorizedAppId).online?.version.userVersion).toBe('3.0.0');

    await page.fill('[data-test=gray-to] input', '50');
    await page.click('[data-test=gray-widen]');
    await page.click('.el-message-box .el-button--primary');
    await expectText(page.locator('[data-test=gray-share]'), '50%');
    expect(platform.simulator!.app(authorizedAppId).gray).toMatchObject({ status: 1, grayPercentage: 50 });

    await page.click('[data-test=gray-complete]');
    await page.click('.el-message-box .el-button--primary');
    await page.locator('[data-test=release-status][data-status=succeeded]').waitFor({ timeout: 30_000 });
    await expectText(page.locator('[data-test=gray-share]'), 'live for everyone');
    await expectText(page.locator('[data-test=release-counts] [data-state=released]'), `${FLEET_SIZE}`);
    expect(platform.simulator!.app(authorizedAppId).online?.version.userVersion).toBe('3.1.0');
    expect((await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as object).toMatchObject({ gray: { percentage: 100, completedAt: expect.any(String) } });
  }, 90_000);

  it('registers a company: shows the legal person\'s link and QR code, queries WeChat, and lists the new mini program once confirmed', async () => {
    await page.goto(consoleUrl('registrations'));
    const fields: [string, string][] = [['name', '深圳市示例科技有限公司'], ['code', '91440300MA5FXXXX0Q'], ['phone', '13800138000']];
    for (const [field, value] of fields) await page.fill(`input[data-test=registration-${field}]`, value);
    await page.click('[data-test=register]');
    await page.locator('[data-test=registrations] .el-table__body tr').first().waitFor();

    // WeChat's authorize_url, as a link and as a QR code that decodes to an image.
    const task = platform.simulator!.fastRegistrations.at(-1)!;
    await expectText(page.locator('[data-test=registration-authorize-url]'), task.authorizeUrl);
    expect(await page.locator('[data-test=registration-authorize-url]').getAttribute('href')).toBe(task.authorizeUrl);
    const qr = page.locator('img[data-test=registration-qr]');
    await waitUntil(() => qr.evaluate((img) => (img as { complete: boolean; naturalWidth: number }).complete && (img as { naturalWidth: number }).naturalWidth > 0), 'the registration QR image to decode');
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.click('[data-test=registrations] button:has-text("Query status")');
    await expectText(page.locator('[data-test=registration-status]'), '0: task created');
    await screenshot('registrations');

    // The legal person opens the link (simulated WeChat page) and confirms.
    const legalPerson = await browser!.context.newPage();
    await legalPerson.goto(task.authorizeUrl);
    await legalPerson.click('button[data-test=approve]');
    await legalPerson.locator('[data-state=succeeded]').waitFor();
    await legalPerson.close();

    await page.click('button:has-text("Reload")');
    await expectText(page.locator('[data-test=registrations] .el-table__body tr').first(), task.appId!);
    await page.click('[data-test=registrations] button:has-text("Query status")');
    await expectText(page.locator('[data-test=registration-status]'), '12: mini program created');
  });

  it('shows the audit log: who did what, a page at a time, filtered by app', async () => {
    const { items } = (await (await platform.admin('/admin/audit-log?limit=100')).json()) as { items: { requestId: string; appId?: string }[] };
    expect(items.length).toBeGreaterThan(10); // the actions of the tests above
    await page.click('.menu >> text=Audit log');
    await page.waitForURL(/\/console\/audit-log$/);
    const rows = page.locator('[data-test=audit-log] .el-table__body tr');
    const shownIds = async () => (await rows.locator('.mono.muted').allTextContents()).join(',');
    await waitForCount(rows, Math.min(20, items.length));
    // Newest first, as the API lists them; the actor is the admin token's role.
    expect((await shownIds()).split(',')).toEqual(items.slice(0, Math.min(20, items.length)).map((r) => r.requestId.slice(0, 8)));
    await expectText(rows.first(), 'admin');
    await screenshot('audit-log');
    await page.click('[data-test=page-size]');
    await page.click('.el-select-dropdown__item:has-text("10 a page")');
    await waitForCount(rows, 10);
    const firstPage = await shownIds();
    await page.click('[data-test=next]');
    await waitUntil(async () => (await shownIds()) !== firstPage, 'the second page');
    expect((await shownIds()).split(',')).toEqual(items.slice(10, 20).map((r) => r.requestId.slice(0, 8)));
    await page.click('[data-test=previous]');
    await waitUntil(async () => (await shownIds()) === firstPage, 'the first page again');
    await page.fill('input[data-test=audit-app-id]', authorizedAppId);
    await page.click('[data-test=audit-search]');
    const forApp = items.filter((r) => r.appId === authorizedAppId);
    expect(forApp.length).toBeGreaterThan(0);
    await waitUntil(async () => (await shownIds()) === forApp.slice(0, 10).map((r) => r.requestId.slice(0, 8)).join(','), 'the app’s records');
  });

  it('shows the fleet on the dashboard, then signs out', async () => {
    await page.goto(consoleUrl('dashboard'));
    // The fleet, and the mini program registered above.
    await expectText(page.locator('[data-test=authorizer-counts] .stat'), String(FLEET_SIZE + 1));
    await expectText(page.locator('[data-test=recent-releases]'), `${FLEET_SIZE} released · 0 failed`);
    await expectText(page.locator('[data-test=recent-audits]'), 'passed');
    await screenshot('dashboard');
    const pushesAsked = () => platform.simulator!.requests.filter((r) => r.path === '/cgi-bin/component/api_start_push_ticket').length;
    const before = pushesAsked();
    await page.click('[data-test=push-ticket]');
    await waitUntil(async () => pushesAsked() === before + 1, 'api_start_push_ticket from the dashboard');
    await page.click('[data-test=sign-out]');
    await page.waitForURL(/\/console\/sign-in/);
    await page.goto(consoleUrl('releases'));
    await page.waitForURL(/\/console\/sign-in/);
    // The bearer token went with the session.
    const kept = (await page.evaluate('Object.keys(sessionStorage)')) as string[];
    expect(kept.filter((key) => key.startsWith('weapp-fleet'))).toEqual([]);
  });

  it('signs in as a viewer and finds no button that would change anything', async () => {
    await page.fill('input[data-test=admin-token]', platform.settings.viewerToken);
    await page.click('[data-test=sign-in]');
    await page.waitForURL(/\/console\/releases$/); // where it was going when signed out
    await expectText(page.locator('.header [data-test=who]'), 'token');
    await expectText(page.locator('.header [data-test=role]'), 'viewer');
    // The audit log is the operator's (GET /admin/audit-log): not in a viewer's menu.
    expect(await page.locator('.menu >> text=Audit log').count()).toBe(0);
    const { releases } = (await (await platform.admin('/admin/releases')).json()) as { releases: { releaseId: string }[] };
    const pages = ['dashboard', 'authorize', 'authorizers', `authorizers/${authorizedAppId}`, 'templates', 'releases', `releases/${releases[0]!.releaseId}`, 'releases/new', 'registrations'];
    for (const route of pages) {
      await page.goto(consoleUrl(route));
      // The role is known (nothing mutating is shown before it is), and the page has loaded.
      await expectText(page.locator('[data-test=role]'), 'viewer');
      await page.waitForLoadState('networkidle');
      const buttons = (await page.locator('button, a.el-button').allTextContents()).map((text) => text.trim()).filter(Boolean);
      expect([route, buttons.filter((text) => MUTATING.test(text))]).toEqual([route, []]);
      for (const test of ['sync', 'push-ticket', 'generate-links', 'register', 'new-release', 'approve', 'cancel', 'retry-failed', 'rollback', 'start-release', 'nickname-save', 'privacy-save']) {
        expect([route, test, await page.locator(`[data-test=${test}]`).count()]).toEqual([route, test, 0]);
      }
    }
    await page.click('[data-test=sign-out]');
  });

  it('served every page above under a strict Content-Security-Policy that nothing violated', async () => {
    const response = await page.goto(consoleUrl('sign-in'));
    expect(response?.headers()['content-security-policy']).toBe(consoleContentSecurityPolicy(LOCAL_CONSOLE_CONFIG));
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(browser!.cspViolations).toEqual([]);
    // The detector works: an inline script, which the policy refuses, is reported.
    // An allowed inline script would run as it is appended, before this evaluate returns.
    const injected = await page.evaluate("const inline = document.createElement('script'); inline.textContent = 'window.injected = 1'; document.body.append(inline); window.injected");
    expect(injected).toBeUndefined();
    // Both channels: the page's securitypolicyviolation event and Chromium's console error.
    const reported = () => [/^script-src-elem blocked inline/, /^console: Executing inline script violates/].map((form) => browser!.cspViolations.some((v) => form.test(v)));
    await waitUntil(async () => reported().every(Boolean), 'the inline script reported as a CSP violation, as an event and on the console');
    expect(browser!.cspViolations).toHaveLength(2);
  });
});

/** Labels of the console's buttons that change something (a viewer must see none). */
const MUTATING = /^(Sync with WeChat|Authorize a merchant|Push again|Create links|Register|Query status|Add|Add tester|Add rows for them|Delete|Remove|Release|New release|Approve.*|Cancel|Retry failed|Roll back.*|Widen.*|Complete rollout|Refresh token|Withdraw running audit|Check and set|Upload|Save description|Generate|Replace .*domains|Store|Update the live guide|Set the development guide|Start release)$/;

async function waitForCount(locator: ReturnType<Page['locator']>, count: number): Promise<void> {
  await waitUntil(async () => (await locator.count()) === count, `${count} × ${locator.toString()}`);
}
