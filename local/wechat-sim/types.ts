/** The simulator's request/response model: each API module maps a path to a handler. */
export interface SimRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  rawBody: Buffer;
  /** Request headers, names lower-case (multipart uploads need the Content-Type's boundary). */
  headers: Record<string, string>;
  /**
   * The access token, read from the query name the catalogue gives for this path
   * (`component_access_token` or `access_token`); undefined for paths that take none.
   */
  token?: string;
  /** Values of `:name` segments when the route key has them (e.g. `POST /sim/authorizers/:appId/revoke`). */
  params: Record<string, string>;
}

export type SimResponse =
  | { status?: number; json: unknown }
  | { status?: number; contentType: string; body: Buffer | string; headers?: Record<string, string> };

export type SimRouteHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface SimModule {
  /** `METHOD /path`; a segment `:name` matches any one segment and lands in `request.params.name`. */
  routes: Record<string, SimRouteHandler>;
}

/** WeChat's error answer: HTTP 200 with errcode and errmsg. */
export function wechatError(errcode: number, errmsg: string): SimResponse {
  return { json: { errcode, errmsg: `${errmsg} rid: ${Math.random().toString(16).slice(2, 10)}` } };
}

/** A plain JSON answer, as the simulator's control routes give. */
export const json = (value: unknown, status = 200): SimResponse => ({ status, json: value });

export function ok(fields: Record<string, unknown> = {}): SimResponse {
  return { json: { errcode: 0, errmsg: 'ok', ...fields } };
}
