#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources through tsx (a devDependency `npm ci` installs), so a clone or a
// CI job needs no build step. tsx caches what it transforms; a second run starts faster.
require('tsx/cjs');
// `weapp-fleet apps | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { run } = require('../src/main.ts');

run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`weapp-fleet: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
