import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const CONSOLE_DIR = path.resolve(__dirname, '..');
const BUILT_MARKER = path.join(CONSOLE_DIR, 'dist', 'index.html');
/** What the build reads; a change to any of them makes console/dist stale. */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.mts', 'tsconfig.json'];

function newestMtimeMs(entry: string): number {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtimeMs(path.join(entry, name))), stats.mtimeMs);
}

/** Whether console/dist is missing or older than its sources. */
export function consoleBuildIsStale(): boolean {
  const built = newestMtimeMs(BUILT_MARKER);
  return built === 0 || SOURCES.some((source) => newestMtimeMs(path.join(CONSOLE_DIR, source)) > built);
}

/** `npm start` (prestart) and the browser tests: build the console only when it changed. */
if (require.main === module) {
  if (!consoleBuildIsStale()) process.exit(0);
  process.stdout.write('[weapp-fleet] building the console (console/dist is missing or stale)…\n');
  const result = spawnSync('npm', ['run', '--silent', 'console:build'], { cwd: path.resolve(CONSOLE_DIR, '..'), stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
