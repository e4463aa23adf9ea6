import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { chromiumPath } from '../../local/required-tools';
import { scaled } from './time-scale';
import { waitUntil as waitUntilHolds } from './wait';

const ROOT = path.resolve(__dirname, '../..');
/** The same binary `npm test`'s pretest checked for (local/required-tools.ts). */
export const CHROMIUM = chromiumPath();
export const SCREENSHOTS = path.join(ROOT, '.local', 'console-screenshots');
/** Without the background-networking flags Chromium waits on services this closed network does not have. */
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The browser's language and time zone: the console follows both (English unless a suite asks otherwise). */
export interface ConsoleBrowserLocale {
  locale?: string;
  timezoneId?: string;
}

/**
 * Headless Chromium with a fresh profile, for the console's browser tests. The gateway serves
 * console/dist, so it is built first when missing or older than its sources.
 */
export interface ConsoleBrowser {
  context: BrowserContext;
  /**
   * Every Content-Security-Policy violation any page reported (the console's files carry the
   * policy, infra/console-headers.ts): `<directive> blocked <what> at <where>`. The console
   * suites end by expecting none.
   */
  cspViolations: string[];
  close: () => Promise<void>;
}

export async function launchConsoleBrowser(viewport: { width: number; height: number }, { locale = 'en-US', timezoneId }: ConsoleBrowserLocale = {}): Promise<ConsoleBrowser> {
  execFileSync(process.execPath, ['--import', 'tsx', 'console/scripts/ensure-console-built.ts'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport, locale, ...(timezoneId ? { timezoneId } : {}) });
    const cspViolations: string[] = [];
    await context.exposeBinding('__reportCspViolation', (_source, violation: string) => void cspViolations.push(violation));
    // Installed before any page script runs, so a violation during start-up is caught too.
    await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) =>
      window.__reportCspViolation(event.effectiveDirective + ' blocked ' + (event.blockedURI || '(inline)') + ' at ' + (event.sourceFile || event.documentURI) + ':' + event.lineNumber));`);
    // Chromium also logs each refusal; a violation the event misses (a worker, a navigation) shows here.
    context.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(`console: ${message.text()}`);
    });
    return {
      context,
      cspViolations,
      close: async () => {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The browser with its first page, as the console suites use it: 15 s for any one step. */
export async function openConsolePage(viewport = { width: 1440, height: 900 }, language: ConsoleBrowserLocale = {}): Promise<{ browser: ConsoleBrowser; page: Page }> {
  const browser = await launchConsoleBrowser(viewport, language);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(15_000);
  return { browser, page };
}

/** Waits until `check` holds, or fails naming `what`. */
export function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  return waitUntilHolds(check, what, { timeoutMs, intervalMs: 100 });
}

/** Waits until the element's text contains `text` (the console renders after API calls). */
export async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.first().waitFor();
  const deadline = Date.now() + scaled(15_000);
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await locator.first().textContent()) ?? '';
    if (seen.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(seen).toContain(text);
}
