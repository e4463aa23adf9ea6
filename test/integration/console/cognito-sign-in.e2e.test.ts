import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { create as createQr } from 'qrcode';
import { CHROMIUM, SCREENSHOTS, expectText, launchConsoleBrowser, waitUntil } from '../../helpers/console-browser';
import { FakeCognitoIdp, fakeJwt, totpCode, totpCodeAccepted, type CognitoTokens, type FakeUser } from '../../helpers/cognito-idp-fake';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

const REGION = 'ap-east-1';
const USER_POOL_ID = `${REGION}_Fl33tAdm1n`;
const CLIENT_ID = '3n4q7h2kd9vb1c6xg8rmt5pa0e';
/** Where amazon-cognito-identity-js sends its calls: the region comes from the user pool id. */
const IDP_ENDPOINT = `https://cognito-idp.${REGION}.amazonaws.com/`;
const USER: FakeUser = { email: 'operator@example.com', password: 'Correct-horse-9', userId: '7c1e4f2a-0b9d-4e6f-a3c5-1d2e3f4a5b6c', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
/** Created by an administrator with a temporary password; has never signed in. */
const INVITED: FakeUser = { email: 'new.operator@example.com', password: 'Temporary-pass-7', userId: '0d8b3c6e-5f1a-4b2c-9e7d-6a5b4c3d2e1f', invited: true };
const NEW_PASSWORD = 'Fleet-operator-2026!';
/** What `/console/config.json` answers in AWS; the gateway serves it, and the CSP that lets the console reach the pool. */
const COGNITO_CONSOLE_CONFIG = { apiBaseUrl: '', auth: { mode: 'cognito', region: REGION, userPoolId: USER_POOL_ID, clientId: CLIENT_ID } } as const;

function issueTokens(user: FakeUser): CognitoTokens {
  const iat = Math.floor(Date.now() / 1000);
  const common = { sub: user.userId, iss: `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`, iat, exp: iat + 3600, auth_time: iat };
  return {
    accessToken: fakeJwt({ ...common, client_id: CLIENT_ID, username: user.userId, token_use: 'access', scope: 'aws.cognito.signin.user.admin' }),
    idToken: fakeJwt({ ...common, aud: CLIENT_ID, email: user.email, 'cognito:username': user.userId, token_use: 'id' }),
    refreshToken: `${Buffer.from('opaque-refresh').toString('base64url')}.${fakeJwt({ cty: 'JWT' })}`,
  };
}

/** A code the pool refuses now and for the next step too, so a step boundary cannot make it right. */
function wrongCode(secret: string): string {
  for (let n = 0; ; n += 1) {
    const code = String((n * 111_111) % 1_000_000).padStart(6, '0');
    if (!totpCodeAccepted(secret, code) && !totpCodeAccepted(secret, code, Date.now() + 30_000)) return code;
  }
}

interface ConsoleBrowser {
  platform: TestPlatform;
  page: Page;
  /** The Authorization header of every /admin request the console made. */
  adminBearers: string[];
  /** Requests refused because they were for neither the platform nor the faked user pool. */
  strayRequests: string[];
  /** Content-Security-Policy violations any page reported. */
  cspViolations: string[];
  consoleUrl: (route?: string) => string;
  field: (label: string) => Locator;
  close: () => Promise<void>;
}

/**
 * A platform whose gateway accepts exactly the access token the fake user pool issues, as API
 * Gateway's authorizer would in AWS, and headless Chromium with the pool answered inside it.
 */
async function openConsole(idp: FakeCognitoIdp, tokens: CognitoTokens): Promise<ConsoleBrowser> {
  const adminBearers: string[] = [];
  const strayRequests: string[] = [];
  const platform = await startTestPlatform({ settings: { adminToken: tokens.accessToken }, consoleConfig: COGNITO_CONSOLE_CONFIG });
  let browser: Awaited<ReturnType<typeof launchConsoleBrowser>> | undefined;
  const close = async () => {
    await browser?.close();
    await platform.stop();
  };
  try {
    browser = await launchConsoleBrowser({ width: 1280, height: 800 });
    const context: BrowserContext = browser.context;
    // Routes are tried last-registered first: anything the two below do not answer is refused and noted.
    await context.route(
      (url) => url.origin !== new URL(platform.gatewayUrl).origin,
      (route) => {
        strayRequests.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    await context.route(IDP_ENDPOINT, (route) => {
      const request = route.request();
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST' };
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      const answer = idp.answer(request.headers()['x-amz-target'], request.postDataJSON());
      return route.fulfill({ status: answer.status, headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(answer.body) });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin/')) adminBearers.push(request.headers()['authorization'] ?? '(none)');
    });
    return {
      platform,
      page,
      adminBearers,
      strayRequests,
      cspViolations: browser.cspViolations,
      consoleUrl: (route = '') => `${platform.gatewayUrl}/console/${route}`,
      field: (label) => page.locator(`.el-form-item:has(label:text-is("${label}")) input`),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

it('computes TOTP codes as RFC 6238 specifies (its SHA-1 test vectors, 6 digits) and accepts one step of drift', () => {
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of the ASCII "12345678901234567890"
  expect([59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000].map((seconds) => totpCode(rfcSecret, seconds * 1000))).toEqual([
    '287082', '081804', '050471', '005924', '279037', '353130',
  ]);
  const at = 1234567890_000;
  expect([-60, -30, 0, 30, 60].map((seconds) => totpCodeAccepted(rfcSecret, totpCode(rfcSecret, at + seconds * 1000), at))).toEqual([false, true, true, true, false]);
});

/** The console's AWS sign-in of a returning operator: SRP, then TOTP. */
describe('console sign-in through a Cognito user pool', () => {
  const tokens = issueTokens(USER);
  const idp = new FakeCognitoIdp(USER_POOL_ID, CLIENT_ID, USER, tokens);
  let browser: ConsoleBrowser;
  let page: Page;
  let platform: TestPlatform;
  let adminBearers: string[];
  let strayRequests: string[];
  let consoleUrl: ConsoleBrowser['consoleUrl'];
  let field: ConsoleBrowser['field'];

  beforeAll(async () => {
    browser = await openConsole(idp, tokens);
    ({ page, platform, adminBearers, strayRequests, consoleUrl, field } = browser);
  }, 60_000);
  afterAll(() => browser?.close());

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
    await field('Code from your authenticator app').fill(wrongCode(USER.totpSecret!));
    await page.click('button:has-text("Verify")');
    await expectText(page.locator('[data-test=sign-in-error]'), 'Invalid code received for user');
    await expect(field('Code from your authenticator app').isVisible()).resolves.toBe(true);
  });

  it('signs in with the right code and loads the dashboard with the access token as the bearer', async () => {
    await field('Code from your authenticator app').fill(totpCode(USER.totpSecret!));
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
    // The refresh token was revoked at the user pool: a copy taken from this tab signs no one in.
    await waitUntil(async () => idp.revokedTokens.length > 0, 'RevokeToken at the user pool');
    expect(idp.revokedTokens).toEqual([tokens.refreshToken]);
    expect(idp.calls.filter((call) => call.startsWith('RevokeToken'))).toEqual(['RevokeToken']);
    await page.goto(consoleUrl('releases'));
    await page.waitForURL(/\/console\/sign-in/);
    await field('Email').waitFor();
  });

  it('sent nothing beyond the platform and the faked user pool', () => {
    expect(strayRequests).toEqual([]);
  });

  it('met no Content-Security-Policy violation, the user pool being in its connect-src', () => {
    expect(browser.cspViolations).toEqual([]);
  });
});

/**
 * An invited operator's first sign-in, which the pool's required MFA makes the long way round:
 * temporary password, a new password, enrolling an authenticator, then the dashboard.
 */
describe("console sign-in: an invited operator's first time", () => {
  const tokens = issueTokens(INVITED);
  const idp = new FakeCognitoIdp(USER_POOL_ID, CLIENT_ID, INVITED, tokens);
  let browser: ConsoleBrowser;
  let page: Page;
  let field: ConsoleBrowser['field'];
  /** The authenticator secret as the console shows it, which the operator would scan. */
  let secret = '';
  const error = () => page.locator('[data-test=sign-in-error]');

  beforeAll(async () => {
    browser = await openConsole(idp, tokens);
    ({ page, field } = browser);
  }, 60_000);
  afterAll(() => browser?.close());

  it('asks for a new password once the temporary one is proved', async () => {
    await page.goto(browser.consoleUrl('dashboard'));
    await page.waitForURL(/\/console\/sign-in$/);
    await field('Email').fill(INVITED.email);
    await field('Password').fill(INVITED.password);
    await page.click('button:has-text("Sign in")');
    await field('Choose a new password').waitFor();
    expect(await error().count()).toBe(0);
    expect(idp.calls).toEqual(['InitiateAuth', 'RespondToAuthChallenge PASSWORD_VERIFIER']);
  });

  it("refuses passwords the pool's policy refuses, naming the rule, and keeps the new-password step", async () => {
    await field('Choose a new password').fill('Short-pass-1');
    await page.click('button:has-text("Set password")');
    await expectText(error(), 'Password does not conform to policy: Password not long enough');
    // Long enough but without a symbol: the same session takes a second try, as Cognito's does.
    await field('Choose a new password').fill('Longenoughpassword1');
    await page.click('button:has-text("Set password")');
    await expectText(error(), 'Password does not conform to policy: Password must have symbol characters');
    await expect(field('Choose a new password').isVisible()).resolves.toBe(true);
  });

  it('takes a strong password and shows the authenticator secret with its QR code', async () => {
    await field('Choose a new password').fill(NEW_PASSWORD);
    await page.click('button:has-text("Set password")');
    const shown = page.locator('[data-test=totp-secret]');
    await shown.waitFor();
    secret = ((await shown.textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    const qr = page.locator('img[alt="TOTP setup QR code"]');
    await qr.waitFor();
    // What an authenticator app reads: the Key URI of the secret shown under it, for this pool and user.
    const keyUri = `otpauth://totp/weapp-fleet:${encodeURIComponent(INVITED.email)}?secret=${secret}&issuer=weapp-fleet`;
    const expected = createQr(keyUri).modules;
    expect(await qrModulesShown(qr, expected.size)).toEqual(moduleRows(expected.data, expected.size));
    expect(await error().count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'cognito-mfa-setup.png'), fullPage: true });
    expect(idp.calls.slice(2)).toEqual([
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED', 'RespondToAuthChallenge NEW_PASSWORD_REQUIRED', // the two refused
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED', 'AssociateSoftwareToken',
    ]);
  });

  it('refuses a wrong authenticator code with a readable message and keeps the enrolment step', async () => {
    await field('Code').fill(wrongCode(secret));
    await page.click('button:has-text("Verify and sign in")');
    await expectText(error(), 'Code mismatch');
    await expect(page.locator('[data-test=totp-secret]').textContent()).resolves.toContain(secret);
    await expect(field('Code').isVisible()).resolves.toBe(true);
  });

  it('enrols with the code computed from the shown secret and loads the dashboard with the access token as the bearer', async () => {
    await field('Code').fill(totpCode(secret));
    await page.click('button:has-text("Verify and sign in")');
    await page.waitForURL(/\/console\/dashboard$/);
    await expectText(page.locator('[data-test=component-card]'), browser.platform.settings.component.appId);
    expect(browser.adminBearers.length).toBeGreaterThan(0);
    expect(new Set(browser.adminBearers)).toEqual(new Set([`Bearer ${tokens.accessToken}`]));
    expect(idp.calls.slice(6)).toEqual(['VerifySoftwareToken', 'VerifySoftwareToken', 'RespondToAuthChallenge MFA_SETUP']);
  });

  it('signs out even when the user pool refuses to revoke, then signs in again as a returning operator', async () => {
    idp.revocationEnabled = false;
    await page.click('[data-test=sign-out]');
    await page.waitForURL(/\/console\/sign-in/);
    await waitUntil(async () => idp.calls.includes('RevokeToken'), 'the refused RevokeToken');
    expect(idp.revokedTokens).toEqual([]);
    const kept = (await page.evaluate('Object.keys(sessionStorage)')) as string[];
    expect(kept.filter((key) => key.startsWith('weapp-fleet') || key.startsWith('CognitoIdentityServiceProvider.'))).toEqual([]);
    idp.revocationEnabled = true;
    await field('Email').fill(INVITED.email);
    await field('Password').fill(NEW_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await field('Code from your authenticator app').fill(totpCode(secret));
    await page.click('button:has-text("Verify")');
    await page.waitForURL(/\/console\/dashboard$/);
    expect(idp.calls.slice(9)).toEqual(['RevokeToken', 'InitiateAuth', 'RespondToAuthChallenge PASSWORD_VERIFIER', 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA']);
  });

  it('sent nothing beyond the platform and the faked user pool', () => {
    expect(browser.strayRequests).toEqual([]);
  });

  it('met no Content-Security-Policy violation, enrolment QR code included', () => {
    expect(browser.cspViolations).toEqual([]);
  });
});

/** A QR matrix as rows of 1 (dark) and 0 (light), to compare one symbol with another. */
function moduleRows(data: ArrayLike<number>, size: number): string[] {
  return Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, column) => (data[row * size + column] ? '1' : '0')).join(''));
}

/**
 * Reads the modules of the QR code image the console drew (one module of margin, as it draws it)
 * by sampling the centre of each module's square of pixels.
 */
async function qrModulesShown(image: Locator, size: number): Promise<string[]> {
  const dark = await image.evaluate((element, symbolSize) => {
    const img = element as unknown as { naturalWidth: number; naturalHeight: number; ownerDocument: { createElement(tag: 'canvas'): unknown } };
    const canvas = img.ownerDocument.createElement('canvas') as {
      width: number;
      height: number;
      getContext(kind: '2d'): { drawImage(source: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
    };
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const scale = img.naturalWidth / (symbolSize + 2);
    const modules: number[] = [];
    for (let row = 0; row < symbolSize; row += 1) {
      for (let column = 0; column < symbolSize; column += 1) {
        const x = Math.floor((column + 1.5) * scale);
        const y = Math.floor((row + 1.5) * scale);
        modules.push(pixels[(y * canvas.width + x) * 4]! < 128 ? 1 : 0);
      }
    }
    return modules;
  }, size);
  return moduleRows(dark, size);
}
