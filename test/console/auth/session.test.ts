import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCognitoIdp, fakeJwt } from '../../helpers/cognito-idp-fake';

const REGION = 'ap-east-1';
const CLIENT_ID = '3n4q7h2kd9vb1c6xg8rmt5pa0e';
const USER_ID = '7c1e4f2a-0b9d-4e6f-a3c5-1d2e3f4a5b6c';
const TOKENS = { accessToken: fakeJwt({ token_use: 'access' }), idToken: fakeJwt({ token_use: 'id' }), refreshToken: `opaque-refresh.${fakeJwt({ cty: 'JWT' })}` };
const CACHE = `CognitoIdentityServiceProvider.${CLIENT_ID}`;

/** The browser's sessionStorage, as much of it as the console uses. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
}

/** console/src/auth/session.ts as this test uses it. */
interface SessionModule {
  session: { current: unknown };
  signIn(value: { token: string; label: string; expiresAt?: number; cognito?: { region: string; clientId: string } }): void;
  signOut(): Promise<{ revoked: 'yes' | 'nothing_to_revoke' } | { revoked: 'failed'; reason: string }>;
  bearerToken(): string | undefined;
}

/**
 * Sign-out (console/src/auth/session.ts) against a fake Cognito user pool over HTTP: the
 * console's own fetch goes to it instead of cognito-idp.<region>.amazonaws.com.
 */
describe('console sign-out', () => {
  const storage = new MemoryStorage();
  const idp = new FakeCognitoIdp(`${REGION}_Fl33tAdm1n`, CLIENT_ID, { email: 'operator@example.com', password: 'x', userId: USER_ID }, TOKENS);
  /** What reached the fake: method, path, target header, body. */
  const received: { method: string; path: string; target: string | undefined; contentType: string | undefined; body: unknown }[] = [];
  let server: Server;
  let realFetch: typeof fetch;
  let auth: SessionModule;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body || 'null') as unknown;
        received.push({ method: req.method ?? '', path: req.url ?? '', target: req.headers['x-amz-target'] as string | undefined, contentType: req.headers['content-type'], body: parsed });
        const answer = idp.answer(req.headers['x-amz-target'] as string | undefined, parsed);
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => realFetch(String(input).replace(`https://cognito-idp.${REGION}.amazonaws.com`, fake), init);
    (globalThis as { sessionStorage?: unknown }).sessionStorage = storage;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the storage exists, and typed below: its DOM types are the console's (vue-tsc), not this project's
    auth = require('../../../console/src/auth/session') as SessionModule;
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
    await new Promise((resolve) => server.close(resolve));
  });

  /** Signed in as amazon-cognito-identity-js leaves it: our session plus its token cache. */
  function signInWithCognito(): void {
    auth.signIn({ token: TOKENS.accessToken, label: 'operator@example.com', expiresAt: Date.now() + 3_600_000, cognito: { region: REGION, clientId: CLIENT_ID } });
    storage.setItem(`${CACHE}.LastAuthUser`, USER_ID);
    for (const [name, value] of Object.entries({ accessToken: TOKENS.accessToken, idToken: TOKENS.idToken, refreshToken: TOKENS.refreshToken, clockDrift: '0' })) storage.setItem(`${CACHE}.${USER_ID}.${name}`, value);
  }

  it('revokes the refresh token with Cognito’s RevokeToken, then forgets the session and every cached token', async () => {
    signInWithCognito();
    const outcome = auth.signOut();
    // Cleared at once, without waiting for the user pool.
    expect(auth.session.current).toBeUndefined();
    expect(storage.keys()).toEqual([]);
    expect(auth.bearerToken()).toBeUndefined();
    await expect(outcome).resolves.toEqual({ revoked: 'yes' });
    expect(received).toEqual([
      { method: 'POST', path: '/', target: 'AWSCognitoIdentityProviderService.RevokeToken', contentType: 'application/x-amz-json-1.1', body: { Token: TOKENS.refreshToken, ClientId: CLIENT_ID } },
    ]);
    expect(idp.revokedTokens).toEqual([TOKENS.refreshToken]);
  });

  it('signs out all the same when Cognito refuses, and says why', async () => {
    idp.revocationEnabled = false;
    signInWithCognito();
    await expect(auth.signOut()).resolves.toEqual({ revoked: 'failed', reason: 'RevokeToken: UnsupportedOperationException: Token revocation is not enabled for this app client.' });
    expect(auth.session.current).toBeUndefined();
    expect(storage.keys()).toEqual([]);
    idp.revocationEnabled = true;
  });

  it('signs out all the same when the user pool cannot be reached', async () => {
    signInWithCognito();
    await new Promise((resolve) => server.close(resolve)); // nothing listens there any more
    await expect(auth.signOut()).resolves.toEqual({ revoked: 'failed', reason: expect.stringMatching(/fetch failed/) });
    expect(auth.session.current).toBeUndefined();
    expect(storage.keys()).toEqual([]);
    server.listen(0, '127.0.0.1');
  });

  it('has nothing to revoke for a local token session, and calls no one', async () => {
    const before = received.length;
    auth.signIn({ token: 'a-local-admin-token-of-24-chars', label: 'admin (token)' });
    await expect(auth.signOut()).resolves.toEqual({ revoked: 'nothing_to_revoke' });
    expect(auth.session.current).toBeUndefined();
    expect(storage.keys()).toEqual([]);
    expect(received.length).toBe(before);
  });
});
