#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { buildApp } from './build-app';
import { DEFAULT_CONSOLE_DIST } from './stack';

const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The stack deploys the admin console's build output, so a clean clone builds it before synth
 * (Vite needs no network). An existing build is used as is: `npm run console:build` refreshes it,
 * and a folder given with `-c consoleDistPath=…` is never built here.
 */
function ensureConsoleBuilt(distPath: string): void {
  if (distPath !== DEFAULT_CONSOLE_DIST || existsSync(path.join(distPath, 'index.html'))) return;
  // `cdk synth` may print the template on stdout, so the build's output goes to stderr.
  execFileSync('npm', ['run', '--silent', 'console:build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 'inherit'] });
}

// Explicit synth so a cdk-nag finding fails `cdk synth` with the report.
buildApp({}, { prepareConsole: ensureConsoleBuilt }).app.synth();
