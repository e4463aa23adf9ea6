import { mkdtempSync, rmSync } from 'node:fs';
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

  it('refuses values it cannot use', () => {
    expect(() => localSettings({ LOCAL_METRICS: 'loud' }, dataDir)).toThrow();
    expect(() => localSettings({ WECHAT_SIM_FAULTS: '{not json' }, dataDir)).toThrow('WECHAT_SIM_FAULTS is not valid JSON');
  });
});
