import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeCognitoIdp, fakeJwt, totpCode, type FakeUser } from '../../helpers/cognito-idp-fake';
import { freePort } from '../../helpers/free-port';
import type { TestPlatform } from '../../helpers/platform';
import { authorizeApp, startWorld } from '../../helpers/world';
import { secretSweep } from '../../helpers/secret-sweep-state';
import { scaled } from '../../helpers/time-scale';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'cli/bin/weapp-fleet.js');
const STUB = path.join(__dirname, 'fixtures/miniprogram-ci-stub.ts');

// The admin user pool in AWS, played by the fake the console's sign-in test uses; its access
// token is the local platform's admin token, so a CLI signed in through it can call the API.
const REGION = 'ap-east-1';
const USER_POOL_ID = 'ap-east-1_CliPool1';
const CLIENT_ID = 'cli-test-client';
const OPERATOR: FakeUser = { email: 'operator@example.com', password: 'Correct-horse-9', userId: '7c1e4f2a-0b9d-4e6f-a3c5-1d2e3f4a5b6c', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
const iat = Math.floor(Date.now() / 1000);
const claims = { sub: OPERATOR.userId, iss: `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`, iat, exp: iat + 3600, auth_time: iat };
const COGNITO_TOKENS = {
  accessToken: fakeJwt({ ...claims, client_id: CLIENT_ID, username: OPERATOR.userId, token_use: 'access' }),
  idToken: fakeJwt({ ...claims, aud: CLIENT_ID, email: OPERATOR.email, token_use: 'id' }),
  refreshToken: `${Buffer.from('opaque-refresh').toString('base64url')}.${fakeJwt({ cty: 'JWT' })}`,
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `weapp-fleet` as CI runs it: a real child process (the package's bin, TypeScript through
 * tsx) against the real local platform and WeChat simulator, with miniprogram-ci replaced by a
 * stand-in at its module boundary.
 */
describe('weapp-fleet CLI', () => {
  let platform: TestPlatform;
  let templateId: number;
  let workDir: string;
  let configHome: string;
  let uploadRecord: string;

  beforeAll(async () => {
    // Hours of waiting in the ASL become milliseconds; audits pass (or fail) 150 ms after submission.
    ({ platform, templateId } = await startWorld({
      simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 },
      stepFunctionsTimeScale: 0.0001,
      settings: { adminToken: COGNITO_TOKENS.accessToken },
      ticket: true,
      template: true,
    }));
    secretSweep.extraSecrets.push(
      { kind: 'admin token', value: platform.settings.adminToken },
      { kind: 'Cognito id token', value: COGNITO_TOKENS.idToken },
      { kind: 'Cognito refresh token', value: COGNITO_TOKENS.refreshToken },
    );
    workDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-cli-'));
    configHome = path.join(workDir, 'config');
    uploadRecord = path.join(workDir, 'uploads.jsonl');
  });
  afterAll(() => platform.stop());

  /** Runs the CLI; env WEAPP_FLEET_* point at the platform unless `env` says otherwise. */
  const cli = (args: string[], { STDIN: stdin, ...env }: Record<string, string | undefined> = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: workDir,
          XDG_CONFIG_HOME: configHome,
          WEAPP_FLEET_URL: platform.gatewayUrl,
          WEAPP_FLEET_TOKEN: platform.settings.adminToken,
          WEAPP_FLEET_MINIPROGRAM_CI: STUB,
          MINIPROGRAM_CI_STUB_RECORD: uploadRecord,
          MINIPROGRAM_CI_STUB_SIM: platform.wechatBase,
          ...env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end(stdin ?? '');
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // A ceiling, not a pause: a hung CLI fails the test instead of the suite.
      const ceiling = setTimeout(() => child.kill('SIGKILL'), scaled(60_000));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(ceiling);
        // Whatever the CLI printed is swept for secrets with the rest of the file's output.
        secretSweep.record(`weapp-fleet ${args[0]}`, stdout + stderr);
        resolve({ code, stdout, stderr });
      });
    });
  const withoutEnvCredentials = { WEAPP_FLEET_URL: undefined, WEAPP_FLEET_TOKEN: undefined };

  const authorize = () => authorizeApp(platform);
  const release = async (id: string) => (await (await platform.admin(`/admin/releases/${id}?limit=500`)).json()) as Json;
  const releaseIdIn = (text: string) => /rel-[0-9a-z-]+/.exec(text)![0];
  const expectNoToken = (run: Run) => expect(run.stdout + run.stderr).not.toContain(platform.settings.adminToken);

  it('--help lists the commands; release --help its actions and exit codes', async () => {
    const help = await cli(['--help'], withoutEnvCredentials);
    expect(help.code).toBe(0);
    for (const command of ['login', 'status', 'apps', 'upload', 'release']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const releaseHelp = await cli(['release', '--help']);
    expect(releaseHelp.code).toBe(0);
    for (const action of ['approve', 'cancel', 'rollback', 'retry', 'show']) expect(releaseHelp.stdout).toMatch(new RegExp(`^  ${action} `, 'm'));
    expect(releaseHelp.stdout).toContain('Exit codes: 0 every app released');
    expect((await cli(['upload', '--help'])).stdout).toMatch(/whitelist/);
  });

  it('login checks the token, keeps it in the config dir with mode 0600 and never prints it', async () => {
    const refused = await cli(['login', '--url', platform.gatewayUrl, '--token', 'not-the-token'], withoutEnvCredentials);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/refused the credentials/);
    expect(existsSync(path.join(configHome, 'weapp-fleet/config.json'))).toBe(false);

    const login = await cli(['login', '--url', platform.gatewayUrl, '--token', platform.settings.adminToken], withoutEnvCredentials);
    expect(login.code).toBe(0);
    const file = path.join(configHome, 'weapp-fleet/config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: platform.gatewayUrl, auth: { kind: 'token', token: platform.settings.adminToken } });
    expectNoToken(login);

    // Later commands use the stored login when the environment names none.
    const status = await cli(['status'], withoutEnvCredentials);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^health {5}(ok|degraded)/m);
    expect(status.stdout).toMatch(new RegExp(`^component  ${platform.settings.component.appId} · ticket fresh`, 'm'));
    expectNoToken(status);
  });

  it('login --username signs in to the user pool by SRP and TOTP, keeps the tokens 0600, and the API takes them', async () => {
    // The console's origin in AWS: its config names the user pool, /admin/* goes to the API.
    const idp = new FakeCognitoIdp(USER_POOL_ID, CLIENT_ID, OPERATOR, COGNITO_TOKENS);
    const origin: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          if (request.url === '/console/config.json') {
            response.setHeader('content-type', 'application/json');
            return response.end(JSON.stringify({ apiBaseUrl: '', auth: { mode: 'cognito', region: REGION, userPoolId: USER_POOL_ID, clientId: CLIENT_ID } }));
          }
          if (request.url === '/cognito-idp/') {
            const answer = idp.answer(request.headers['x-amz-target'] as string | undefined, JSON.parse(body));
            response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
            return response.end(JSON.stringify(answer.body));
          }
          const proxied = await fetch(`${platform.gatewayUrl}${request.url}`, { method: request.method, headers: { authorization: request.headers.authorization ?? '' } });
          response.writeHead(proxied.status, { 'content-type': proxied.headers.get('content-type') ?? 'application/json' });
          response.end(Buffer.from(await proxied.arrayBuffer()));
        })();
      });
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
    const home = path.join(workDir, 'cognito-config');
    try {
      const login = await cli(['login', '--url', url, '--username', OPERATOR.email], {
        ...withoutEnvCredentials,
        XDG_CONFIG_HOME: home,
        WEAPP_FLEET_COGNITO_ENDPOINT: `${url}/cognito-idp/`,
        STDIN: `${OPERATOR.password}\n${totpCode(OPERATOR.totpSecret!)}\n`,
      });
      expect(login.stderr).toContain('authenticator code:');
      expect(login.code).toBe(0);
      expect(idp.calls).toEqual(['InitiateAuth', 'RespondToAuthChallenge PASSWORD_VERIFIER', 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA']);
      const file = path.join(home, 'weapp-fleet/config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ url, auth: { kind: 'cognito', username: OPERATOR.email, userPoolId: USER_POOL_ID, ...COGNITO_TOKENS } });
      expect(login.stdout + login.stderr).not.toContain(OPERATOR.password);

      const status = await cli(['status'], { ...withoutEnvCredentials, XDG_CONFIG_HOME: home });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^health /m);
      for (const token of Object.values(COGNITO_TOKENS)) expect(status.stdout + status.stderr).not.toContain(token);

      const wrongCode = await cli(['login', '--url', url, '--username', OPERATOR.email], {
        ...withoutEnvCredentials,
        XDG_CONFIG_HOME: path.join(workDir, 'refused-config'),
        WEAPP_FLEET_COGNITO_ENDPOINT: `${url}/cognito-idp/`,
        STDIN: `${OPERATOR.password}\n000000\n`,
      });
      expect(wrongCode.code).toBe(4);
      expect(wrongCode.stderr).toMatch(/^weapp-fleet: sign-in refused: /m);
      expect(existsSync(path.join(workDir, 'refused-config/weapp-fleet/config.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => origin.close(resolve));
    }
  });

  it('exits 4 with one line when the token is wrong or the API cannot be reached', async () => {
    const wrong = await cli(['apps'], { WEAPP_FLEET_TOKEN: 'wrong-token' });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/refused the credentials/);
    // A port nothing listens on any more.
    const port = await freePort();
    const closed = await cli(['status'], { WEAPP_FLEET_URL: `http://127.0.0.1:${port}` });
    expect(closed.code).toBe(4);
    expect(closed.stderr).toBe(`weapp-fleet: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
    expectNoToken(closed);
  });

  it('upload hands miniprogram-ci the build and adds the draft it produced to the library', async () => {
    const project = path.join(workDir, 'dist');
    writeFileSync(path.join(workDir, 'upload.key'), '-----BEGIN RSA PRIVATE KEY-----\nnot a real key\n-----END RSA PRIVATE KEY-----\n');
    mkdirSync(project, { recursive: true });
    const run = await cli(['upload', '--project', project, '--version', '4.2.0', '--desc', 'from CI', '--appid', 'wxd0000000000000de', '--private-key', path.join(workDir, 'upload.key'), '--robot', '7', '--json', '--poll-interval', '100ms']);
    expect(run.code).toBe(0);
    // stdout is the JSON alone, even though miniprogram-ci printed on stdout.
    const printed = JSON.parse(run.stdout) as { draftId: number; templateId: number };
    expect(run.stderr).toContain('[miniprogram-ci stub] uploading');

    const [received] = readFileSync(uploadRecord, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
    expect(received).toEqual({
      project: { appid: 'wxd0000000000000de', type: 'miniProgram', projectPath: project, privateKeyPath: path.join(workDir, 'upload.key'), ignores: ['node_modules/**/*'] },
      version: '4.2.0',
      desc: 'from CI',
      robot: 7,
      setting: expect.any(Object),
    });
    const drafts = ((await (await platform.admin('/admin/templates/drafts')).json()) as Json).drafts as Json[];
    const draft = drafts.find((d) => d.user_version === '4.2.0')!;
    expect(printed.draftId).toBe(draft.draft_id);
    const templates = ((await (await platform.admin('/admin/templates')).json()) as Json).templates as Json[];
    expect(templates.find((t) => t.template_id === printed.templateId)).toMatchObject({ draft_id: draft.draft_id, user_version: '4.2.0', user_desc: 'from CI' });
  });

  it('release --all --canary 1 --wait exits 0 once every app is released', async () => {
    const apps = [await authorize(), await authorize(), await authorize()];
    const run = await cli(['release', '--template', 'latest', '--version', '4.2.0', '--desc', 'spring', '--all', '--canary', '1', '--concurrency', '2', '--wait', '--poll-interval', '100ms']);
    expect(run.stderr).toMatch(/started: template \d+, version 4\.2\.0, 3 app\(s\)/);
    expect(run.code).toBe(0);
    const id = releaseIdIn(run.stdout);
    expect(run.stdout).toContain(`${id} succeeded: released 3`);
    // Plain progress lines (stdout is not a terminal), each different from the one before.
    const progress = run.stderr.split('\n').filter((line) => line.startsWith(`${id} running:`));
    expect(progress.length).toBeGreaterThan(0);
    expect(new Set(progress).size).toBe(progress.length);
    expect(await release(id)).toMatchObject({ status: 'succeeded', total: 3, counts: { released: 3 } });
    for (const appId of apps) expect(platform.simulator!.app(appId).online).toBeDefined();
    expectNoToken(run);
  });

  it('exits 1 and prints each rejected app with WeChat’s reason', async () => {
    const apps = [await authorize(), await authorize()];
    const run = await cli(['release', '--template', String(templateId), '--version', '5.0.0', '--desc', 'this one fails [fail]', '--apps', apps.join(','), '--wait', '--poll-interval', '100ms']);
    expect(run.code).toBe(1);
    const id = releaseIdIn(run.stdout);
    expect(run.stdout).toContain(`${id} completed_with_failures: failed 2`);
    const targets = (await release(id)).targets as Json[];
    for (const appId of apps) {
      const reason = targets.find((t) => t.appId === appId)!.failure.reason as string;
      expect(reason).toMatch(/^audit rejected: /);
      expect(run.stdout).toContain(`${appId}  failed at audit: ${reason}`);
    }
    expect(run.stderr).toContain(`weapp-fleet release retry ${id} --wait`);
  });

  it('exits 2 with the API’s message for input the API refuses, and for bad options', async () => {
    const body = { templateId: String(templateId), userVersion: '1.0.0', userDesc: '', targets: { appIds: ['wx00000000000000ff'] } };
    const answer = (await (await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify(body) })).json()) as Json;
    expect(answer.message).toEqual(expect.any(String));
    const refused = await cli(['release', '--template', String(templateId), '--version', '1.0.0', '--apps', 'wx00000000000000ff']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`weapp-fleet: ${answer.message} (${answer.code})\n`);

    const both = await cli(['release', '--template', 'latest', '--version', '1.0.0', '--all', '--apps', 'wx00000000000000ff']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give exactly one of --all and --apps');
    const notANumber = await cli(['release', '--template', '1', '--version', '1', '--all', '--canary', 'many']);
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain("option '--canary <n>' argument 'many' is invalid");
    const unknown = await cli(['release', 'show', 'not-a-release']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not a release id/);
  });

  it('release --hold --wait stops at the approval; approve --wait releases them', async () => {
    const appId = await authorize();
    const held = await cli(['release', '--template', String(templateId), '--version', '6.0.0', '--apps', appId, '--hold', '--wait', '--poll-interval', '100ms']);
    expect(held.code).toBe(0);
    const id = releaseIdIn(held.stdout);
    expect(held.stderr).toContain(`weapp-fleet release approve ${id}`);
    expect(platform.simulator!.app(appId).online).toBeUndefined();

    const approved = await cli(['release', 'approve', id, '--wait', '--poll-interval', '100ms']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`${id} succeeded: released 1`);
    expect(platform.simulator!.app(appId).online).toBeDefined();

    const shown = await cli(['release', 'show', id, '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ releaseId: id, status: 'succeeded', counts: { released: 1 }, failed: [] });
  });

  it('exits 3 when the wait runs out, and when the release is cancelled', async () => {
    const appId = await authorize();
    const sim = platform.simulator!;
    sim.state.options.auditDelayMs = 600_000;
    try {
      const waited = await cli(['release', '--template', String(templateId), '--version', '7.0.0', '--apps', appId, '--wait', '--timeout', '1s', '--poll-interval', '100ms']);
      expect(waited.code).toBe(3);
      expect(waited.stderr).toMatch(/is still running after 1 s .*it goes on/);
      const id = releaseIdIn(waited.stderr);
      const cancelled = await cli(['release', 'cancel', id, '--wait', '--poll-interval', '100ms']);
      expect(cancelled.code).toBe(3);
      expect(cancelled.stdout).toContain(`${id} cancelled`);
    } finally {
      sim.state.options.auditDelayMs = 150;
    }
  });

  it('apps lists the registry', async () => {
    const run = await cli(['apps', '--status', 'authorized', '--json']);
    expect(run.code).toBe(0);
    const listed = (JSON.parse(run.stdout) as Json[]).map((app) => app.appId);
    const registry = ((await (await platform.admin('/admin/authorizers?status=authorized&limit=100')).json()) as Json).items.map((app: Json) => app.appId);
    expect(listed.sort()).toEqual(registry.sort());
    expect(listed.length).toBeGreaterThanOrEqual(7);
  });
});
