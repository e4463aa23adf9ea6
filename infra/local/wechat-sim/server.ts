import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { componentAuthModule } from './modules/component-auth';
import { SimState, type SimOptions } from './state';
import { PushSender, TicketPusher } from './ticket-pusher';
import { wechatError, type SimModule, type SimRequest, type SimResponse, type SimRouteHandler } from './types';

export interface WeChatSimulatorOptions extends Partial<Omit<SimOptions, 'component'>> {
  component: SimOptions['component'];
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The platform's authorization-event URL; pushes start once it is known. */
  componentEventsUrl?: string;
  ticketPushIntervalMs?: number;
}

export type ScriptedAnswer = { delayMs?: number } & (
  | { errcode: number; errmsg?: string }
  | { httpStatus: number }
  | { json: unknown }
  | { passThrough: true }
);

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A fake of WeChat's API servers, good enough that the platform cannot tell it from the real
 * one: same paths, same request fields, same errcodes, and encrypted pushes to the platform.
 * One module per API group; later capabilities add modules.
 */
export class WeChatSimulator {
  readonly state: SimState;
  readonly pushes: PushSender;
  readonly ticketPusher: TicketPusher;
  /** Every API request received, newest last (bounded), for tests to assert on. */
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, SimRouteHandler>();
  private readonly scripted = new Map<string, ScriptedAnswer[]>();
  private server: Server | undefined;
  private componentEventsUrl: string | undefined;

  constructor(private readonly options: WeChatSimulatorOptions) {
    this.state = new SimState({
      component: options.component,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
      ticketTtlSeconds: options.ticketTtlSeconds ?? 12 * 3600,
      componentTokenDailyQuota: options.componentTokenDailyQuota ?? 2000,
    });
    this.componentEventsUrl = options.componentEventsUrl;
    this.pushes = new PushSender(this.state);
    this.ticketPusher = new TicketPusher(this.state, this.pushes, () => this.componentEventsUrl, options.ticketPushIntervalMs ?? 10_000);
    this.use(componentAuthModule(this.state, () => void this.ticketPusher.pushNow()));
  }

  use(module: SimModule): void {
    for (const [key, handler] of Object.entries(module.routes)) this.routes.set(key, handler);
  }

  /**
   * The next requests to `path` get these answers, in order, instead of the normal ones
   * (then normal service resumes). For tests of retries, timeouts and error handling.
   */
  script(path: string, answers: ScriptedAnswer[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...answers]);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then((answer) => {
          const status = answer.status ?? 200;
          if ('json' in answer) {
            res.writeHead(status, { 'content-type': 'application/json; encoding=utf-8' }).end(JSON.stringify(answer.json));
          } else {
            res.writeHead(status, { 'content-type': answer.contentType, ...answer.headers }).end(answer.body);
          }
        })
        .catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('simulator not started');
    return `http://${address.address}:${address.port}`;
  }

  /** Where pushes go; setting it starts the ticket pusher if it is not running. */
  setComponentEventsUrl(url: string): void {
    this.componentEventsUrl = url;
  }

  startPushing(): void {
    this.ticketPusher.start();
  }

  async stop(): Promise<void> {
    this.ticketPusher.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async handle(req: IncomingMessage): Promise<SimResponse> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const rawBody = await readAll(req);
    let body: unknown;
    if (rawBody.length > 0 && (req.headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return wechatError(47001, 'data format error');
      }
    }
    const request: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, rawBody };
    this.requests.push({ method: request.method, path: request.path, query: request.query, body });
    if (this.requests.length > 5000) this.requests.shift();
    const scripted = this.scripted.get(request.path)?.shift();
    if (scripted) {
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if ('errcode' in scripted) return wechatError(scripted.errcode, scripted.errmsg ?? 'scripted error');
      if ('httpStatus' in scripted) return { status: scripted.httpStatus, contentType: 'text/html', body: '<html>error</html>' };
      if ('json' in scripted) return { json: scripted.json };
    }
    const handler = this.routes.get(`${request.method} ${request.path}`);
    if (!handler) {
      return this.routes.has(`${request.method === 'GET' ? 'POST' : 'GET'} ${request.path}`)
        ? wechatError(43002, 'require POST method')
        : { status: 404, contentType: 'text/html', body: '<html><body>404 Not Found</body></html>' };
    }
    return handler(request);
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
