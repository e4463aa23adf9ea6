import { endpointForPath } from '../../../functions/lib/wechat/catalogue';
import { createServer, type Server } from 'node:http';
import { crc32, inflateSync } from 'node:zlib';
import { WeChatMessageCrypto } from '../../../functions/lib/wechat/crypto';
import { generateCredentials } from '../../../local/settings';
import { WeChatSimulator, type WeChatSimulatorOptions } from '../../../local/wechat-sim/server';
import type { NewAuthorizer } from '../../../local/wechat-sim/state';
import { scaled } from '../../helpers/time-scale';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A started simulator with one authorized mini program and a valid authorizer access token,
 * plus small HTTP helpers that call it the way the platform does.
 */
export interface WeappSim {
  sim: WeChatSimulator;
  component: { appId: string; appSecret: string; token: string; aesKey: string };
  appId: string;
  token: string;
  componentToken: string;
  /** POST a JSON body to an authorizer API (`?access_token=`); `token: null` sends none. */
  post(path: string, body?: unknown, token?: string | null): Promise<Json>;
  /** GET an authorizer API; `query` is added to the access token. */
  get(path: string, query?: Record<string, string>, token?: string | null): Promise<Json>;
  /** The raw response, for image APIs. */
  fetchRaw(method: 'GET' | 'POST', path: string, body?: unknown, query?: Record<string, string>): Promise<Response>;
  /** Component-token APIs (templates). */
  componentPost(path: string, body?: unknown): Promise<Json>;
  componentGet(path: string, query?: Record<string, string>): Promise<Json>;
  /** A second authorized mini program with its own token. */
  addAuthorizer(fields?: NewAuthorizer): { appId: string; token: string };
  stop(): Promise<void>;
}

/** The query name WeChat reads the component token from on this path, per the catalogue. */
const componentTokenParam = (path: string): string => endpointForPath(path)?.token?.param ?? 'component_access_token';

export async function startWeappSim(options: Partial<WeChatSimulatorOptions> = {}, authorizer: NewAuthorizer = {}): Promise<WeappSim> {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  const sim = new WeChatSimulator({ component, ...options });
  await sim.start();
  const created = sim.state.createAuthorizer({ appId: 'wx0123456789abcdef', nickname: 'Sim Shop', ...authorizer });
  const token = sim.state.issueAuthorizerToken(created.appId).token;
  const componentToken = sim.state.issueComponentToken().token;
  const url = (path: string, query: Record<string, string>, accessToken: string | null) => {
    const params = new URLSearchParams(query);
    if (accessToken !== null) params.set('access_token', accessToken);
    return `${sim.url}${path}?${params}`;
  };
  const json = (response: Response) => response.json() as Promise<Json>;
  return {
    sim,
    component,
    appId: created.appId,
    token,
    componentToken,
    post: (path, body = {}, accessToken = token) =>
      fetch(url(path, {}, accessToken), { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then(json),
    get: (path, query = {}, accessToken = token) => fetch(url(path, query, accessToken)).then(json),
    fetchRaw: (method, path, body, query = {}) =>
      fetch(url(path, query, token), method === 'POST' ? { method, body: JSON.stringify(body ?? {}), headers: { 'content-type': 'application/json' } } : { method }),
    componentPost: (path, body = {}) =>
      fetch(`${sim.url}${path}?${componentTokenParam(path)}=${encodeURIComponent(componentToken)}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then(json),
    componentGet: (path, query = {}) => fetch(`${sim.url}${path}?${new URLSearchParams({ ...query, [componentTokenParam(path)]: componentToken })}`).then(json),
    addAuthorizer: (fields = {}) => {
      const other = sim.state.createAuthorizer(fields);
      return { appId: other.appId, token: sim.state.issueAuthorizerToken(other.appId).token };
    },
    stop: () => sim.stop(),
  };
}

/** Puts a template in the library and returns its id (drafts are seeded; the first one is used). */
export async function templateId(w: WeappSim, draft?: { userVersion: string; userDesc: string; pages?: string[] }): Promise<number> {
  const draftId = draft ? w.sim.addDraft(draft).draftId : w.sim.state.drafts[0]!.draftId;
  const before = new Set(w.sim.state.templates.map((t) => t.templateId));
  expect(await w.componentPost('/wxa/addtotemplate', { draft_id: draftId, template_type: 0 })).toMatchObject({ errcode: 0 });
  return w.sim.state.templates.find((t) => !before.has(t.templateId))!.templateId;
}

/** Commits code from a fresh template; `userDesc` can carry the reviewer markers ([fail], [delay]). */
export async function commit(w: WeappSim, fields: { userDesc?: string; userVersion?: string; extJson?: string } = {}): Promise<void> {
  const answer = await w.post('/wxa/commit', {
    template_id: await templateId(w),
    ext_json: fields.extJson ?? JSON.stringify({ extAppid: w.appId, ext: { shop: 'demo' } }),
    user_version: fields.userVersion ?? '1.0.0',
    user_desc: fields.userDesc ?? 'first version',
  });
  expect(answer).toMatchObject({ errcode: 0 });
}

export interface ReceivedEvent {
  path: string;
  query: URLSearchParams;
  envelope: string;
  xml: string;
  field: (name: string) => string | undefined;
}

/**
 * The platform's message-and-event URL: verifies the signature, decrypts with the component's
 * key (WeChatMessageCrypto, as the platform does) and keeps every push. `answers` are given in
 * order (then `success`), so a test can make the platform fail a few times.
 */
export async function startPlatform(component: WeappSim['component']): Promise<{
  server: Server;
  url: string;
  events: ReceivedEvent[];
  answers: string[];
  received: (count: number, timeoutMs?: number) => Promise<ReceivedEvent[]>;
  close: () => Promise<void>;
}> {
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
  const events: ReceivedEvent[] = [];
  const answers: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://platform');
      const query = url.searchParams;
      const encrypt = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(body)?.[1] ?? '';
      const xml = crypto.verifyAndDecrypt({ msgSignature: query.get('msg_signature') ?? '', timestamp: query.get('timestamp') ?? '', nonce: query.get('nonce') ?? '', encrypt });
      events.push({
        path: url.pathname,
        query,
        envelope: body,
        xml,
        field: (name) => new RegExp(`<${name}>(?:<!\\[CDATA\\[(.*?)\\]\\]>|([^<]*))</${name}>`).exec(xml)?.slice(1).find((v) => v !== undefined),
      });
      res.end(answers.shift() ?? 'success');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    server,
    url,
    events,
    answers,
    received: async (count, timeoutMs = 10_000) => {
      const until = Date.now() + scaled(timeoutMs);
      while (events.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return events;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Decodes a PNG far enough to prove it is one: signature, every chunk's CRC, IHDR, and an IDAT
 * stream that inflates to exactly the scanlines IHDR promises. Throws on anything else.
 */
export function decodePng(bytes: Buffer): { width: number; height: number; bitDepth: number; colourType: number; chunks: string[]; pixels: Buffer } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG signature');
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if ((crc32(bytes.subarray(offset + 4, offset + 8 + length)) >>> 0) !== crc) throw new Error(`bad CRC in ${type}`);
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  if (!ihdr || chunks[0] !== 'IHDR' || chunks.at(-1) !== 'IEND') throw new Error('IHDR first and IEND last are required');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!;
  const colourType = ihdr[9]!;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colourType] ?? 0;
  const pixels = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil((width * bitDepth * channels) / 8);
  if (pixels.length !== (rowBytes + 1) * height) throw new Error(`IDAT holds ${pixels.length} bytes, expected ${(rowBytes + 1) * height}`);
  return { width, height, bitDepth, colourType, chunks, pixels };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
