import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consoleResponseHeaders } from '../../infra/console-headers';
import { LOCAL_CONSOLE_CONFIG } from '../../local/console-files';
import { LocalGateway } from '../../local/gateway';

/** A raw GET: fetch would normalize `..` and `%2e%2e` away before they reach the server. */
function rawGet(base: string, rawPath: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console files on the local gateway', () => {
  let gateway: LocalGateway;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'console-files-'));
    const dist = path.join(root, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the console');
    symlinkSync(path.join(root, 'secret.txt'), path.join(dist, 'assets', 'link.txt'));
    gateway = new LocalGateway({ port: 0, adminToken: 'x'.repeat(24), consoleDir: dist });
    await gateway.start();
  });
  afterAll(() => gateway.stop());

  it('redirects /console to /console/, keeping the query', async () => {
    const response = await rawGet(gateway.url, '/console?x=1');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/console/?x=1');
  });

  it('serves index.html at the root and for client-side routes', async () => {
    for (const route of ['/console/', '/console/authorizers/wx0123456789abcdef', '/console/releases/new']) {
      const response = await rawGet(gateway.url, route);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="app">');
    }
  });

  it('sends the security headers CloudFront adds in AWS on every console answer (infra/console-headers.ts)', async () => {
    const expected = consoleResponseHeaders(LOCAL_CONSOLE_CONFIG);
    expect(expected['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self'; .*connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'$/);
    for (const route of ['/console/', '/console/dashboard', '/console/assets/index-abc123.js', '/console/config.json', '/console/missing.png', '/console']) {
      const { headers } = await rawGet(gateway.url, route);
      expect([route, Object.fromEntries(Object.keys(expected).map((name) => [name, headers[name]]))]).toEqual([route, expected]);
    }
  });

  it('allows the user pool in connect-src when the console signs in with Cognito', async () => {
    const cognito = new LocalGateway({ port: 0, adminToken: 'x'.repeat(24), consoleConfig: { apiBaseUrl: '', auth: { mode: 'cognito', region: 'ap-east-1', userPoolId: 'ap-east-1_AbC123xyz', clientId: 'c' } } });
    await cognito.start();
    try {
      const config = await rawGet(cognito.url, '/console/config.json');
      expect(JSON.parse(config.body)).toMatchObject({ auth: { mode: 'cognito', region: 'ap-east-1' } });
      expect(config.headers['content-security-policy']).toContain("connect-src 'self' https://cognito-idp.ap-east-1.amazonaws.com;");
    } finally {
      await cognito.stop();
    }
  });

  it('serves built assets with their content type, cached for good', async () => {
    const script = await rawGet(gateway.url, '/console/assets/index-abc123.js');
    expect(script).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await rawGet(gateway.url, '/console/assets/index-abc123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404, not the page, for a missing file', async () => {
    expect((await rawGet(gateway.url, '/console/assets/missing-123.js')).status).toBe(404);
  });

  it('serves the runtime config in token mode', async () => {
    const response = await rawGet(gateway.url, '/console/config.json');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ apiBaseUrl: '', auth: { mode: 'token' } });
  });

  it.each([
    '/console/../secret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/..%2fsecret.txt',
    '/console/assets/..%2f..%2fsecret.txt',
    '/console/%2e%2e%2f%2e%2e%2f..%2fetc%2fpasswd',
    '/console/assets/link.txt',
  ])('never serves a file outside the console: %s', async (rawPath) => {
    const response = await rawGet(gateway.url, rawPath);
    expect(response.body).not.toContain('outside the console');
    expect(response.body).not.toContain('root:');
    expect([400, 404]).toContain(response.status);
  });

  it('refuses writes', async () => {
    expect((await rawGet(gateway.url, '/console/', 'POST')).status).toBe(405);
  });

  it('says how to build the console when it is not built', async () => {
    const bare = new LocalGateway({ port: 0, adminToken: 'x'.repeat(24), consoleDir: path.join(root, 'no-such-dist') });
    await bare.start();
    try {
      const response = await rawGet(bare.url, '/console/');
      expect(response.status).toBe(503);
      expect(response.body).toContain('npm run console:build');
    } finally {
      await bare.stop();
    }
  });

  it('leaves other paths to the API routes', async () => {
    expect((await rawGet(gateway.url, '/consoles')).status).toBe(404);
    expect((await rawGet(gateway.url, '/admin/health')).status).toBe(401);
  });
});
