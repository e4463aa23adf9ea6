/**
 * CommonJS jest with @swc/jest. middy 6+ ships ESM only, so the resolver adds the
 * `import` condition for @middy/* and swc transforms those files too. swc does not
 * type-check: `npm test` runs `tsc --noEmit` first.
 */
// The SDK versions are pinned and Lambda runs Node 24; the SDK's Node 20 notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  resolver: '<rootDir>/test/helpers/jest-resolver.js',
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  // Fails a test file when a secret or token shows up in its output or in an admin answer.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/secret-sweep.ts'],
  // A ceiling, scaled like every wait in the suite (test/helpers/time-scale.ts).
  testTimeout: 30000 * Number(process.env.TEST_TIME_SCALE || 1),
  maxWorkers: 2,
};
