import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { ConsoleConfig } from '../console/src/config-schema';
import { serveConsole } from './console-files';
import { closeServer, listenOn } from './http-server';
import { invokeLocally } from './lambda-context';
import { readRequestBody } from './read-body';
import { RouteThrottles, THROTTLED_BODY, THROTTLED_STATUS } from './route-throttle';
import type { Role } from '../functions/lib/http/roles';
import { FUNCTIONS, ROUTES, type FunctionName, type RouteDefinition } from '../infra/manifest';

/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface GatewayOptions {
  port: number;
  host?: string;
  /**
   * Bearer tokens admin routes accept, one per role; they stand in for the Cognito JWT
   * authorizer, and the caller's role reaches the handler as the JWT's `cognito:groups` claim.
   */
  adminToken: string;
  operatorToken?: string;
  viewerToken?: string;
  /** The built console served at `/console/` (default console/dist). */
  consoleDir?: string;
  /** What `/console/config.json` answers, and so what its Content-Security-Policy allows (default: token sign-in). */
  consoleConfig?: ConsoleConfig;
  /** Called once per request, after the handler answered. */
  /** One access-log entry per request; `caller` is the role whose admin token it carried, `requestId` the event's. */
  onRequest?: (entry: { method: string; path: string; status: number; durationMs: number; function?: FunctionName; caller?: Role; requestId?: string }) => void;
  /** Called with every handler's answer as sent (tests check that admin answers carry no secret). */
  onResponse?: (entry: { method: string; path: string; status: number; body: string }) => void;
  /**
   * Multiplies each function's Lambda timeout (default 1, as deployed). The tests raise it: under
   * jest a handler's first call also transforms its modules, which a bundled Lambda never does.
   */
  functionTimeoutScale?: number;
  /**
   * The stage's per-route limits (infra/throttles.ts), enforced as API Gateway does (default
   * on). `now` replaces the clock the buckets refill by; `false` turns them off, for suites
   * and benchmarks that measure the handlers rather than the gateway's limits.
   */
  throttle?: { now?: () => number } | false;
}

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  params: string[];
}

/**
 * Turns HTTP requests into API Gateway HTTP API (payload 2.0) events for the real handlers,
 * on the routes the CDK stack deploys, and turns their results back into HTTP answers.
 */
export class LocalGateway {
  private server: Server | undefined;
  // Literal segments win over parameters, as in API Gateway (`…/audits/latest` before `…/audits/{auditId}`).
  private readonly routes: CompiledRoute[] = ROUTES.map(compile).sort((a, b) => a.params.length - b.params.length);
  private readonly handlers = new Map<FunctionName, LambdaHandler>();
  private readonly throttles: RouteThrottles | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.throttles = options.throttle === false ? undefined : new RouteThrottles(options.throttle?.now);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 5000;
    await listenOn(this.server, this.options.port, this.options.host ?? '127.0.0.1');
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('gateway not started');
    return `http://${address.address}:${address.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await closeServer(this.server);
    this.server = undefined;
  }

  /** The same module Lambda would load for this function. */
  handlerFor(name: FunctionName): LambdaHandler {
    let handler = this.handlers.get(name);
    if (!handler) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(path.resolve(__dirname, '..', FUNCTIONS[name].entry)) as { handler: LambdaHandler };
      handler = loaded.handler;
      this.handlers.set(name, handler);
    }
    return handler;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://local');
    let status = 500;
    let functionName: FunctionName | undefined;
    let caller: Role | undefined;
    let requestId: string | undefined;
    try {
      if (serveConsole(req, res, url, this.options.consoleDir, this.options.consoleConfig)) {
        status = res.statusCode;
        return;
      }
      const match = this.match(req.method ?? 'GET', url.pathname);
      if (!match) {
        status = 404;
        return sendJson(res, 404, { message: 'Not Found' });
      }
      functionName = match.route.function;
      // API Gateway throttles before the authorizer runs: junk without a token still spends the route's tokens.
      if (this.throttles && !this.throttles.admit(match.route)) {
        status = THROTTLED_STATUS;
        return sendJson(res, THROTTLED_STATUS, THROTTLED_BODY);
      }
      const role = match.route.auth === 'admin' ? this.roleOf(req.headers.authorization) : undefined;
      caller = role;
      if (match.route.auth === 'admin' && !role) {
        status = 401;
        return sendJson(res, 401, { code: 'unauthorized', message: 'missing or invalid admin bearer token' });
      }
      const body = await readRequestBody(req, MAX_BODY_BYTES);
      if (body === undefined) {
        status = 413;
        return sendJson(res, 413, { message: 'Request Entity Too Large' });
      }
      const event = toEvent(req, url, match, body, role);
      requestId = event.requestContext.requestId;
      // As API Gateway does: the id the access log, the function's log lines and the audit trail share.
      res.setHeader('apigw-requestid', requestId);
      const result = await invokeWithTimeout(this.handlerFor(functionName), event, functionName, this.options.functionTimeoutScale ?? 1);
      status = writeResult(res, result);
      this.options.onResponse?.({ method: req.method ?? 'GET', path: url.pathname, status, body: typeof result === 'object' && result && 'statusCode' in result ? (result.body ?? '') : JSON.stringify(result ?? null) });
    } catch (error) {
      status = 500;
      process.stderr.write(`gateway: ${functionName ?? 'route'} failed: ${(error as Error).stack ?? String(error)}\n`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
    } finally {
      this.options.onRequest?.({ method: req.method ?? 'GET', path: url.pathname, status, durationMs: Date.now() - started, function: functionName, caller, requestId });
    }
  }

  private match(method: string, pathname: string): { route: RouteDefinition; pathParameters: Record<string, string> } | undefined {
    for (const compiled of this.routes) {
      if (compiled.route.method !== method) continue;
      const found = compiled.pattern.exec(pathname);
      if (!found) continue;
      const pathParameters: Record<string, string> = {};
      try {
        compiled.params.forEach((name, index) => (pathParameters[name] = decodeURIComponent(found[index + 1] ?? '')));
      } catch {
        continue; // a malformed %-escape names nothing: 404, not a 500
      }
      return { route: compiled.route, pathParameters };
    }
    return undefined;
  }

  /** Which role's token the header carries, compared in constant time; undefined for none. */
  private roleOf(header: string | undefined): Role | undefined {
    const presented = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
    const tokens: [Role, string | undefined][] = [['admin', this.options.adminToken], ['operator', this.options.operatorToken], ['viewer', this.options.viewerToken]];
    let found: Role | undefined;
    for (const [role, token] of tokens) {
      if (!token) continue;
      const expected = Buffer.from(token);
      if (presented.length === expected.length && timingSafeEqual(presented, expected)) found ??= role;
    }
    return found;
  }
}

/** Request log entry of the local gateway. */
export type AccessLogEntry = Parameters<NonNullable<GatewayOptions['onRequest']>>[0];

/**
 * The local access log line: what API Gateway's access log has (route, status, latency, the
 * caller of an admin route, the request id, shortened as the function log lines show it).
 */
export function accessLogLine({ method, path, status, durationMs, caller, requestId }: AccessLogEntry): string {
  return `${method} ${path} → ${status} (${durationMs} ms)${caller ? `  caller=${caller}` : ''}${requestId ? `  req=${requestId.slice(0, 8)}` : ''}`;
}

function compile(route: RouteDefinition): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\+?\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\:]/g, '\\$&');
      params.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), params };
}


function toEvent(
  req: IncomingMessage,
  url: URL,
  match: { route: RouteDefinition; pathParameters: Record<string, string> },
  body: Buffer,
  role: Role | undefined,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const routeKey = `${match.route.method} ${match.route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: match.route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      // What API Gateway's JWT authorizer passes on (an array claim flattened to `[a b]`).
      ...(role ? { authorizer: { jwt: { claims: { sub: `local-${role}`, 'cognito:username': role, 'cognito:groups': `[${role}]` }, scopes: null } } } : {}),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

async function invokeWithTimeout(handler: LambdaHandler, event: APIGatewayProxyEventV2, name: FunctionName, scale: number): Promise<APIGatewayProxyResultV2> {
  const timeoutMs = FUNCTIONS[name].timeoutSeconds * 1000 * scale;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([invokeLocally(handler, name, event, event.requestContext.requestId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** API Gateway's payload 2.0 rules: a string or plain object result is a 200 JSON body. */
function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): number {
  if (typeof result === 'string' || result === null || result === undefined || typeof result !== 'object' || !('statusCode' in result)) {
    sendJson(res, 200, result ?? null);
    return 200;
  }
  const status = result.statusCode ?? 200;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  res.writeHead(status, headers).end(body);
  return status;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
