import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * What `npm start` and `npm test` need from the machine besides Node: Java 17 for DynamoDB
 * Local, and for the browser tests Chromium (playwright-core downloads none) with a CJK font,
 * since merchants' names are Chinese. Found, installed with apt-get when this is root on
 * Debian, or named in one line before anything else runs, so no test is skipped or fails late
 * because a tool is missing.
 */

export interface RequiredTool {
  name: string;
  /** Debian package that provides it. */
  aptPackage: string;
  /** What to tell someone who has to install it by hand. */
  hint: string;
  present(): boolean;
}

const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8', timeout: 30_000, env: process.env });

/** The major version of the `java` on PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const result = run('java', ['-version']);
  if (result.error || result.status !== 0) return undefined;
  // `openjdk version "17.0.15"`, or `"1.8.0_392"` for Java 8.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** Where the browser tests find Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const chromiumPath = (env: NodeJS.ProcessEnv = process.env): string => env.CHROMIUM_PATH || '/usr/bin/chromium';

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const JAVA: RequiredTool = {
  name: 'Java 17 or newer',
  aptPackage: 'openjdk-17-jre-headless',
  hint: 'Java 17+ (apt-get install openjdk-17-jre-headless)',
  present: () => (javaMajorVersion() ?? 0) >= 17,
};

export const CHROMIUM: RequiredTool = {
  name: 'Chromium',
  aptPackage: 'chromium',
  hint: 'Chromium (apt-get install chromium, or set CHROMIUM_PATH to a Chromium binary)',
  present: () => executable(chromiumPath()),
};

export const CJK_FONT: RequiredTool = {
  name: 'a CJK font',
  aptPackage: 'fonts-noto-cjk',
  hint: 'a CJK font (apt-get install fonts-noto-cjk)',
  present: () => {
    const result = run('fc-list', [':lang=zh']);
    return !result.error && result.status === 0 && result.stdout.trim().length > 0;
  },
};

export const TOOLS_FOR = { start: [JAVA], test: [JAVA, CHROMIUM, CJK_FONT] } as const;

/** Whether this process may install Debian packages itself: root, with apt-get on PATH. */
export function canInstall(): boolean {
  return process.getuid?.() === 0 && !run('apt-get', ['--version']).error;
}

/**
 * Returns undefined when every tool is there (installing the missing ones when it can), else
 * the one line that says what to install.
 */
export function ensureTools(purpose: keyof typeof TOOLS_FOR, say: (line: string) => void, install = canInstall()): string | undefined {
  let missing = TOOLS_FOR[purpose].filter((tool) => !tool.present());
  if (missing.length === 0) return undefined;
  // CHROMIUM_PATH names a browser the user chose: installing Debian's would not help.
  const installable = missing.filter((tool) => !(tool === CHROMIUM && process.env.CHROMIUM_PATH));
  if (installable.length > 0 && install) {
    say(`installing ${installable.map((t) => t.name).join(', ')} with apt-get (${installable.map((t) => t.aptPackage).join(' ')})…`);
    const quiet = { stdio: 'inherit' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    spawnSync('apt-get', ['update', '-qq'], quiet);
    spawnSync('apt-get', ['install', '-y', '-qq', ...installable.map((t) => t.aptPackage)], quiet);
    missing = missing.filter((tool) => !tool.present());
    if (missing.length === 0) return undefined;
  }
  return `npm ${purpose} needs ${missing.map((t) => t.hint).join(', and ')}; install ${missing.length > 1 ? 'them' : 'it'} (or run as root to let npm ${purpose} install ${missing.length > 1 ? 'them' : 'it'}) and retry.`;
}

/** `npm test` (pretest) and `npm start` (prestart): `node --import tsx local/required-tools.ts test|start`. */
if (require.main === module) {
  const purpose = process.argv[2];
  if (purpose !== 'test' && purpose !== 'start') {
    process.stderr.write('usage: required-tools.ts test|start\n');
    process.exit(2);
  }
  const problem = ensureTools(purpose, (line) => process.stdout.write(`[weapp-fleet] ${line}\n`));
  if (problem) {
    process.stderr.write(`[weapp-fleet] ${problem}\n`);
    process.exit(1);
  }
}
