import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localSettings } from '../../local/settings';

describe('Function: localSettings', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'local-settings-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('hides metric records and injects no faults unless asked', () => {
    const settings = localSettings({}, dataDir);
    expect(settings.logMetrics).toBe('hide');
    expect(settings.simulatorFaults).toBeUndefined();
  });

  it('reads LOCAL_METRICS and WECHAT_SIM_FAULTS with the other variables', () => {
    const settings = localSettings({ LOCAL_METRICS: 'show', WECHAT_SIM_FAULTS: '{"seed":7,"api":{"*":{"errorRate":0.5}}}' }, dataDir);
    expect(settings.logMetrics).toBe('summary');
    expect(settings.simulatorFaults).toMatchObject({ seed: 7, api: { '*': { errorRate: 0.5 } } });
  });

  it('makes one token per role, distinct, kept across starts, each overridable', () => {
    const first = localSettings({}, dataDir);
    expect(new Set([first.adminToken, first.operatorToken, first.viewerToken]).size).toBe(3);
    expect(localSettings({}, dataDir)).toMatchObject({ adminToken: first.adminToken, operatorToken: first.operatorToken, viewerToken: first.viewerToken });
    const chosen = localSettings({ OPERATOR_TOKEN: 'o'.repeat(24), VIEWER_TOKEN: 'v'.repeat(24) }, dataDir);
    expect(chosen).toMatchObject({ adminToken: first.adminToken, operatorToken: 'o'.repeat(24), viewerToken: 'v'.repeat(24) });
  });

  it('adds the role tokens to a credentials file from before roles, keeping the rest', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'local-settings-old-'));
    try {
      const file = path.join(dir, 'local-credentials.json');
      const old = { componentAppId: 'wx0123456789abcdef', componentSecret: 's'.repeat(32), componentToken: 't', componentAesKey: 'k'.repeat(43), adminToken: 'a'.repeat(32) };
      writeFileSync(file, JSON.stringify(old));
      const settings = localSettings({}, dir);
      expect(settings.component.appId).toBe(old.componentAppId);
      expect(settings.adminToken).toBe(old.adminToken);
      expect(settings.operatorToken).toMatch(/^[\w-]{32}$/);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ ...old, operatorToken: settings.operatorToken, viewerToken: settings.viewerToken });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses values it cannot use', () => {
    expect(() => localSettings({ LOCAL_METRICS: 'loud' }, dataDir)).toThrow();
    expect(() => localSettings({ WECHAT_SIM_FAULTS: '{not json' }, dataDir)).toThrow('WECHAT_SIM_FAULTS is not valid JSON');
  });
});
