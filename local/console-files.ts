import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { ConsoleConfig } from '../console/src/config-schema';
import { consoleResponseHeaders } from '../infra/console-headers';
import { CONSOLE_BASE_PATH, CONSOLE_DIST_DIR } from '../infra/console-location';

export { CONSOLE_BASE_PATH, CONSOLE_DIST_DIR };

/** What the console reads at start; locally the admin token stands in for Cognito. */
export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { apiBaseUrl: '', auth: { mode: 'token' } };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built console under `/console/` the way CloudFront does in AWS: files from the
 * dist folder and nothing outside it, `index.html` for client-side routes, and the runtime
 * config (`config`, the token mode by default), every answer with the security headers
 * CloudFront adds (infra/console-headers.ts). Returns false for any other path, which the
 * gateway then routes to handlers.
 */
export function serveConsole(req: IncomingMessage, res: ServerResponse, url: URL, distDir: string = CONSOLE_DIST_DIR, config: ConsoleConfig = LOCAL_CONSOLE_CONFIG): boolean {
  const { pathname } = url;
  if (pathname !== CONSOLE_BASE_PATH && !pathname.startsWith(`${CONSOLE_BASE_PATH}/`)) return false;
  for (const [name, value] of Object.entries(consoleResponseHeaders(config))) res.setHeader(name, value);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Method Not Allowed' }));
    return true;
  }
  if (pathname === CONSOLE_BASE_PATH) {
    res.writeHead(301, { location: `${CONSOLE_BASE_PATH}/${url.search}` }).end();
    return true;
  }
  if (pathname === `${CONSOLE_BASE_PATH}/config.json`) {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json']!, 'cache-control': 'no-store' }).end(JSON.stringify(config));
    return true;
  }
  const root = realDir(distDir);
  if (!root) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The console is not built: run `npm run console:build`.\n');
    return true;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(CONSOLE_BASE_PATH.length + 1));
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad Request\n');
    return true;
  }
  if (escapes(root, relative)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
    return true;
  }
  const file = relative === '' ? undefined : insideRoot(root, relative);
  if (file) {
    sendFile(req, res, file, !relative.startsWith('assets/'));
    return true;
  }
  // A path that names a file (it has an extension) and is not there is a real 404; anything
  // else is a client-side route the single-page app resolves itself.
  if (relative !== '' && path.extname(relative) !== '') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
    return true;
  }
  sendFile(req, res, path.join(root, 'index.html'), true);
  return true;
}

function realDir(dir: string): string | undefined {
  try {
    const real = realpathSync(dir);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

function escapes(root: string, relative: string): boolean {
  const fromRoot = path.relative(root, path.resolve(root, relative));
  return relative.includes('\0') || fromRoot.startsWith('..') || path.isAbsolute(fromRoot);
}

/** The regular file `relative` names under `root`, after resolving `..` and symlinks; never a path outside it. */
function insideRoot(root: string, relative: string): string | undefined {
  try {
    const real = realpathSync(path.resolve(root, relative));
    const fromRoot = path.relative(root, real);
    if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, revalidate: boolean): void {
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Built assets carry a content hash in their names; index.html and the rest must be re-read.
  const cacheControl = revalidate ? 'no-cache' : 'public, max-age=31536000, immutable';
  res.writeHead(200, { 'content-type': type, 'content-length': statSync(file).size, 'cache-control': cacheControl });
  if (req.method === 'HEAD') return void res.end();
  // A file replaced by a rebuild mid-answer must end this response, not the gateway.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
