import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { FakeCognitoIdp, fakeJwt, type CognitoTokens, type FakeUser } from '../helpers/cognito-idp-fake';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(ROOT, '.local', 'console-screenshots');
/** Without the background-networking flags Chromium waits on services this closed network does not have. */
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const REGION = 'ap-east-1';
const USER_POOL_ID = `${REGION}_Fl33tAdm1n`;
const CLIENT_ID = '3n4q7h2kd9vb1c6xg8rmt5pa0e';
/** Where amazon-cognito-identity-js sends its calls: the region comes from the user pool id. */
const IDP_ENDPOINT = `https://cognito-idp.${REGION}.amazonaws.com/`;
const USER: FakeUser = { email: 'operator@example.com', password: 'Correct-horse-9', userId: '7c1e4f2a-0b9d-4e6f-a3c5-1d2e3f4a5b6c', totpCode: '246810' };

function issueTokens(): CognitoTokens {
  const iat = Math.floor(Date.now() / 1000);
  const common = { sub: USER.userId, iss: `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`, iat, exp: iat + 3600, auth_time: iat };
  return {
    accessToken: fakeJwt({ ...common, client_id: CLIENT_ID, username: USER.userId, token_use: 'access', scope: 'aws.cognito.signin.user.admin' }),
    idToken: fakeJwt({ ...common, aud: CLIENT_ID, email: USER.email, 'cognito:username': USER.userId, token_use: 'id' }),
    refreshToken: `${Buffer.from('opaque-refresh').toString('base64url')}.${fakeJwt({ cty: 'JWT' })}`,
  };
}

/**
 * The console's AWS sign-in (SRP, then TOTP) in headless Chromium, against a fake user pool
 * answered inside the browser: no request leaves for the internet, and the gateway accepts
 * exactly the access token the fake issues, as API Gateway's authorizer would in AWS.
 */
describe('console sign-in through a Cognito user pool', () => {
  const tokens = issueTokens();
  const idp = new FakeCognitoIdp(USER_POOL_ID, CLIENT_ID, USER, tokens);
  const adminBearers: string[] = [];
  const strayRequests: string[] = [];
  let platform: TestPlatform;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const consoleUrl = (route = '') => `${platform.gatewayUrl}/console/${route}`;
  const field = (label: string) => page.locator(`.el-form-item:has(label:text-is("${label}")) input`);

  beforeAll(async () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'console/scripts/ensure-console-built.ts'], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startTestPlatform({ settings: { adminToken: tokens.accessToken } });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 800 } });
    // Routes are tried last-registered first: anything the two below do not answer is refused and noted.
    await context.route(
      (url) => url.origin !== new URL(platform.gatewayUrl).origin,
      (route) => {
        strayRequests.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    await context.route(`${platform.gatewayUrl}/console/config.json`, (route) =>
      route.fulfill({ json: { apiBaseUrl: '', auth: { mode: 'cognito', region: REGION, userPoolId: USER_POOL_ID, clientId: CLIENT_ID } } }),
    );
    await context.route(IDP_ENDPOINT, (route) => {
      const request = route.request();
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST' };
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      const answer = idp.answer(request.headers()['x-amz-target'], request.postDataJSON());
      return route.fulfill({ status: answer.status, headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(answer.body) });
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin/')) adminBearers.push(request.headers()['authorization'] ?? '(none)');
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await platform?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('has Chromium where the test expects it', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('refuses a wrong password with a readable message and stays on sign-in', async () => {
    await page.goto(consoleUrl('dashboard'));
    await page.waitForURL(/\/console\/sign-in$/);
    await field('Email').fill(USER.email);
    await field('Password').fill('Wrong-horse-9');
    await page.click('button:has-text("Sign in")');
    await expectText(page.locator('[data-test=sign-in-error]'), 'Incorrect username or password.');
    expect(page.url()).toMatch(/\/console\/sign-in/);
    await expect(field('Password').isVisible()).resolves.toBe(true);
    // The fake checked the SRP proof itself: the password reached it only as a wrong signature.
    expect(idp.calls).toEqual(['InitiateAuth', 'RespondToAuthChallenge PASSWORD_VERIFIER']);
  });

  it('asks for the TOTP code once the password proof is right', async () => {
    await field('Password').fill(USER.password);
    await page.click('button:has-text("Sign in")');
    await field('Code from your authenticator app').waitFor();
    expect(await page.locator('[data-test=sign-in-error]').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'cognito-totp.png'), fullPage: true });
  });

  it('refuses a wrong code with a readable message and keeps the code step', async () => {
    await field('Code from your authenticator app').fill('000000');
    await page.click('button:has-text("Verify")');
    await expectText(page.locator('[data-test=sign-in-error]'), 'Invalid code received for user');
    await expect(field('Code from your authenticator app').isVisible()).resolves.toBe(true);
  });

  it('signs in with the right code and loads the dashboard with the access token as the bearer', async () => {
    await field('Code from your authenticator app').fill(USER.totpCode);
    await page.click('button:has-text("Verify")');
    await page.waitForURL(/\/console\/dashboard$/);
    await expectText(page.locator('[data-test=component-card]'), platform.settings.component.appId);
    expect(adminBearers.length).toBeGreaterThan(0);
    expect(new Set(adminBearers)).toEqual(new Set([`Bearer ${tokens.accessToken}`]));
    expect(idp.calls).toEqual([
      'InitiateAuth', 'RespondToAuthChallenge PASSWORD_VERIFIER', // the wrong password
      'InitiateAuth', 'RespondToAuthChallenge PASSWORD_VERIFIER',
      'RespondToAuthChallenge SOFTWARE_TOKEN_MFA', 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA', // wrong code, then the right one
    ]);
  });

  it('signs out back to sign-in and leaves no token in sessionStorage', async () => {
    const storedTokens = async () =>
      ((await page.evaluate('Object.entries(sessionStorage)')) as [string, string][]).filter(
        ([key, value]) => key.startsWith('weapp-fleet') || key.startsWith('CognitoIdentityServiceProvider.') || [tokens.accessToken, tokens.idToken, tokens.refreshToken].some((token) => value.includes(token)),
      );
    expect((await storedTokens()).length).toBeGreaterThan(0);
    await page.click('[data-test=sign-out]');
    await page.waitForURL(/\/console\/sign-in/);
    expect(await storedTokens()).toEqual([]);
    await page.goto(consoleUrl('releases'));
    await page.waitForURL(/\/console\/sign-in/);
    await field('Email').waitFor();
  });

  it('sent nothing beyond the platform and the faked user pool', () => {
    expect(strayRequests).toEqual([]);
  });
});

/** Waits until the element's text contains `text` (the console renders after API calls). */
async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.first().waitFor();
  const deadline = Date.now() + 15_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await locator.first().textContent()) ?? '';
    if (seen.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(seen).toContain(text);
}
