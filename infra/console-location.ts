import path from 'node:path';

/**
 * Where `npm run console:build` writes the admin console and the path it is served under: the
 * stack uploads it to S3 behind CloudFront, and the local gateway serves it from disk.
 */
export const CONSOLE_DIST_DIR = path.resolve(__dirname, '../console/dist');
export const CONSOLE_BASE_PATH = '/console';
