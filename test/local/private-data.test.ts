import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makePrivate } from '../../local/private-data';
import { localSettings } from '../../local/settings';

const mode = (file: string) => statSync(file).mode & 0o777;

/** .local/ holds P12 files, DynamoDB Local's data and the generated credentials: owner only. */
describe('the local data directory', () => {
  it('is created 0700 with its credentials 0600 by the settings npm start reads', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'weapp-fleet-')), '.local');
    localSettings({}, dataDir);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'local-credentials.json'))).toBe(0o600);
  });

  it('tightens what an earlier version left readable by others', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-'));
    mkdirSync(path.join(dataDir, 's3', 'payment'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dataDir, 's3', 'payment', 'cert.p12'), 'x', { mode: 0o644 });
    writeFileSync(path.join(dataDir, 'shared-local-instance.db'), 'x', { mode: 0o664 });
    makePrivate(dataDir);
    expect([dataDir, path.join(dataDir, 's3'), path.join(dataDir, 's3', 'payment')].map(mode)).toEqual([0o700, 0o700, 0o700]);
    expect([path.join(dataDir, 's3', 'payment', 'cert.p12'), path.join(dataDir, 'shared-local-instance.db')].map(mode)).toEqual([0o600, 0o600]);
  });
});
