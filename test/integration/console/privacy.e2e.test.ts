import type { Page } from 'playwright-core';
import { expectText, launchConsoleBrowser, openConsolePage, waitUntil } from '../../helpers/console-browser';
import type { TestPlatform } from '../../helpers/platform';
import { startWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The privacy guide in headless Chromium: on an app's tab the type WeChat detected in the
 * committed code and not yet explained is flagged, the operator explains it and saves, and the
 * simulated WeChat holds the guide; the release wizard sends a guide that the release sets.
 */
describe('console: privacy guide', () => {
  let platform: TestPlatform;
  let browser: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  let page: Page;
  let appId: string;

  beforeAll(async () => {
    const world = await startWorld({
      simulator: { auditDelayMs: 60_000 },
      ticket: true,
      apps: [{ nickname: 'Privacy Tea House' }],
      template: { userVersion: '1.0.0', userDesc: 'store finder', privacyKeys: ['Location'] },
    });
    platform = world.platform;
    appId = world.appIds[0]!;
    const templateId = String(world.templateId);
    expect((await platform.admin(`/admin/authorizers/${appId}/code:commit`, { method: 'POST', body: JSON.stringify({ templateId, userVersion: '1.0.0' }) })).status).toBe(200);
    ({ browser, page } = await openConsolePage());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('flags the unexplained type, and sets the development guide that explains it', async () => {
    await page.goto(`${platform.gatewayUrl}/console/authorizers/${appId}`);
    await page.waitForURL(/\/console\/sign-in\?redirect=/);
    await page.fill('input[data-test=admin-token]', platform.settings.adminToken);
    await page.click('[data-test=sign-in]');
    await expectText(page.locator('[data-test=authorizer-name]'), 'Privacy Tea House');

    await page.click('.el-tabs__item:has-text("Privacy")');
    await expectText(page.locator('[data-test=privacy-unexplained]'), 'Location');
    await page.click('button:has-text("Add rows for them")');
    await page.fill('.privacy-item input[placeholder=Purpose]', '推荐附近门店');
    await page.fill('input[data-test=privacy-contactEmail]', 'privacy@tea.example.com');
    await page.fill('input[data-test=privacy-notice-method]', '小程序内弹窗');
    await page.click('[data-test=privacy-save]');
    await expectText(page.locator('.el-message--success'), 'Privacy guide set');

    await waitUntil(async () => platform.simulator!.app(appId).privacy.dev !== undefined, 'the guide on WeChat');
    expect(platform.simulator!.app(appId).privacy.dev).toMatchObject({
      ownerSetting: { contact_email: 'privacy@tea.example.com', notice_method: '小程序内弹窗' },
      settingList: [{ privacy_key: 'Location', privacy_text: '推荐附近门店' }],
    });
    await waitUntil(async () => (await page.locator('[data-test=privacy-unexplained]').count()) === 0, 'the warning to go');
  });

  it('sends a privacy guide with a release from the wizard', async () => {
    await page.goto(`${platform.gatewayUrl}/console/releases/new`);
    await waitUntil(async () => (await page.inputValue('input[data-test=user-version]')) !== '', 'the template’s version');
    await page.fill('input[data-test=user-version]', '1.1.0');
    await page.click('[data-test=wizard-next]');
    await page.locator('[data-test=target-table] .el-table__body tr').first().waitFor();
    await page.click('[data-test=target-table] .el-table__header .el-checkbox');
    await page.click('[data-test=wizard-next]');
    await page.click('[data-test=wizard-next]');
    await page.click('[data-test=privacy-enabled]');
    await page.fill('input[data-test=privacy-contactPhone]', '13800000000');
    await page.fill('input[data-test=privacy-notice-method]', '公告');
    await page.click('[data-test=privacy-add-item]');
    await page.click('.privacy-item .el-select');
    await page.click('.el-select-dropdown__item:has-text("Location")');
    await page.fill('.privacy-item input[placeholder=Purpose]', '推荐附近门店');
    await page.click('[data-test=wizard-next]');
    const review = JSON.parse((await page.locator('pre.review').textContent()) ?? '{}') as Json;
    expect(review.privacy).toEqual({ ownerSetting: { contactPhone: '13800000000', noticeMethod: '公告' }, settingList: [{ privacyKey: 'Location', privacyText: '推荐附近门店' }] });
    await page.click('[data-test=start-release]');
    await page.waitForURL((url) => /\/console\/releases\/(?!new$)[^/]+$/.test(url.pathname));
    const releaseId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const release = ((await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as Json);
    expect(release.total).toBe(1);
    await waitUntil(async () => platform.simulator!.requests.some((r) => r.path === '/cgi-bin/component/setprivacysetting' && (r.body as Json).owner_setting?.contact_phone === '13800000000'), 'the guide set by the release');
    await platform.admin(`/admin/releases/${releaseId}/cancel`, { method: 'POST' });
  });

  it('met no Content-Security-Policy violation on the privacy pages', () => {
    expect(browser!.cspViolations).toEqual([]);
  });
});
