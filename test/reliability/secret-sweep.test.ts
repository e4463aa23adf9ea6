import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logger } from '../../functions/lib/logger';
import { findLeaks } from '../helpers/secret-leaks';
import { secretSweep } from '../helpers/secret-sweep-state';
import { useWorld } from '../helpers/world';

describe('secret sweep', () => {
  describe('findLeaks', () => {
    const token = 'refreshtoken@@@Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA';
    const aesKey = 'abc+def/ghi0123456789ABCDEFGHIJKLMNOPQRSTUVW';

    it('finds a secret inside a log line, verbatim or %-encoded, and reports it masked', () => {
      const leaks = findLeaks(
        [
          { where: 'log', text: `{"level":"INFO","message":"refreshed","token":"${token}"}` },
          { where: 'admin GET /admin/x', text: `https://example.com/?key=${encodeURIComponent(aesKey)}&x=1` },
        ],
        [
          { kind: 'authorizer_refresh_token', value: token },
          { kind: 'EncodingAESKey', value: aesKey },
        ],
      );
      expect(leaks).toEqual([
        { kind: 'authorizer_refresh_token', where: 'log', masked: 'refr…(45 chars)' },
        { kind: 'EncodingAESKey', where: 'admin GET /admin/x', masked: 'abc+…(44 chars)' },
      ]);
      expect(JSON.stringify(leaks)).not.toContain(token);
    });

    it('does not flag a part of a secret, another value, or values too short to be secrets', () => {
      const leaks = findLeaks(
        [{ where: 'log', text: `${token.slice(0, 30)} ${token.slice(1)} 1900009191 wx0123456789abcdef` }],
        [
          { kind: 'authorizer_refresh_token', value: token },
          { kind: 'payment p12Password', value: '1900009191' },
        ],
      );
      expect(leaks).toEqual([]);
    });
  });

  describe('over a running platform', () => {
    const world = useWorld({ ticket: true });
    // Whatever this file leaked on purpose is forgotten, so the sweep of the file itself passes.
    afterEach(() => secretSweep.forget());

    it('knows the component credentials and every token and code the simulator issued', async () => {
      const appId = await world.authorize();
      const kinds = new Set(secretSweep.secrets().map((s) => s.kind));
      for (const kind of ['component appsecret', 'EncodingAESKey', 'component_access_token', 'authorizer_access_token', 'authorizer_refresh_token', 'pre_auth_code', 'authorization_code']) {
        expect(kinds).toContain(kind);
      }
      expect(secretSweep.secrets()).toContainEqual({ kind: 'authorizer_refresh_token', value: world.sim.state.authorizers.get(appId)!.refreshToken });
    });

    it('catches a token written to a log line by the code under test', async () => {
      const appId = await world.authorize();
      expect(secretSweep.leaks()).toEqual([]);
      const refreshToken = world.sim.state.authorizers.get(appId)!.refreshToken;
      logger.error('careless log line', { refreshToken });
      secretSweep.muted = true;
      try {
        console.warn('and a careless console call with the secret', world.platform.settings.component.appSecret);
      } finally {
        secretSweep.muted = false;
      }
      expect(secretSweep.leaks().map((l) => `${l.kind} in ${l.where}`).sort()).toEqual(['authorizer_refresh_token in log', 'component appsecret in log']);
    });

    it('reads every admin answer the gateway sends', async () => {
      const appId = await world.authorize();
      expect((await world.platform.admin(`/admin/authorizers/${appId}`)).status).toBe(200);
      expect(secretSweep.texts.some((t) => t.where === `admin GET /admin/authorizers/${appId}` && t.text.includes(appId))).toBe(true);
      // Were the app id a secret, that answer would be a leak.
      secretSweep.extraSecrets.push({ kind: 'pretend secret', value: appId });
      try {
        expect(secretSweep.leaks()).toContainEqual(expect.objectContaining({ kind: 'pretend secret', where: `admin GET /admin/authorizers/${appId}` }));
      } finally {
        secretSweep.extraSecrets.pop();
      }
    });
  });

  it('fails a test file that logs a secret (jest run in a child process)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sweep-'));
    const file = path.join(process.cwd(), 'test', 'reliability', `.leaky-${path.basename(dir)}.test.ts`);
    writeFileSync(
      file,
      `import { WeChatSimulator } from '../../local/wechat-sim/server';
import { generateCredentials } from '../../local/settings';
it('logs a token', async () => {
  const g = generateCredentials();
  const sim = new WeChatSimulator({ component: { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey } });
  await sim.start();
  try {
    const { token } = sim.state.issueComponentToken();
    process.stdout.write('component_access_token=' + token + '\\n');
  } finally {
    await sim.stop();
  }
});
`,
    );
    try {
      const run = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--runTestsByPath', file, '--globalSetup', '', '--globalTeardown', ''], { encoding: 'utf8', timeout: 60_000 });
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status).not.toBe(0);
      expect(output).toMatch(/secret sweep: 1 secret value\(s\) appeared/);
      expect(output).toMatch(/component_access_token in log/);
    } finally {
      rmSync(file, { force: true });
    }
  }, 60_000);
});
