import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM, JAVA, ensureTools, javaMajorVersion } from '../../local/required-tools';

const ROOT = path.resolve(__dirname, '../..');

/** `npm test` and `npm start` find their machine tools first, or stop at once with one line. */
describe('required tools', () => {
  const savedChromium = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (savedChromium === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = savedChromium;
  });

  it('finds the Java and Chromium this machine runs the suite with', () => {
    expect(javaMajorVersion()).toBeGreaterThanOrEqual(17);
    expect(JAVA.present()).toBe(true);
    expect(CHROMIUM.present()).toBe(true);
    expect(ensureTools('test', () => undefined, false)).toBeUndefined();
  });

  it('names exactly what is missing in one line when it may not install', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    const said: string[] = [];
    const problem = ensureTools('test', (line) => said.push(line), false);
    expect(problem).toBe('npm test needs Chromium (apt-get install chromium, or set CHROMIUM_PATH to a Chromium binary); install it (or run as root to let npm test install it) and retry.');
    expect(said).toEqual([]);
    // npm start needs no browser.
    expect(ensureTools('start', () => undefined, false)).toBeUndefined();
  });

  it('stops npm start before anything runs, with one line, when Java is missing and cannot be installed', () => {
    // A PATH with node alone: no java, no apt-get.
    const bin = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-bin-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/required-tools.ts', 'start'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: bin } });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['[weapp-fleet] npm start needs Java 17+ (apt-get install openjdk-17-jre-headless); install it (or run as root to let npm start install it) and retry.']);
  });

  it('installs what is missing with apt-get when it may, then checks again', () => {
    // A PATH with node and an apt-get that "installs" Java: a java that reports version 17.
    const bin = mkdtempSync(path.join(tmpdir(), 'weapp-fleet-bin-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const log = path.join(bin, 'apt-get.log');
    writeFileSync(path.join(bin, 'java.pending'), '#!/bin/sh\necho \'openjdk version "17.0.9" 2023-10-17\' >&2\n', { mode: 0o755 });
    writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> ${log}\n[ "$1" = install ] && /bin/cp ${bin}/java.pending ${bin}/java\nexit 0\n`, { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = bin;
    try {
      const said: string[] = [];
      expect(javaMajorVersion()).toBeUndefined();
      expect(ensureTools('start', (line) => said.push(line), true)).toBeUndefined();
      expect(javaMajorVersion()).toBe(17);
      expect(said).toEqual(['installing Java 17 or newer with apt-get (openjdk-17-jre-headless)…']);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq openjdk-17-jre-headless']);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
