import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SimApp, SimAuthorizer, SimState } from '../state';
import { wechatError, type SimRequest, type SimResponse, type SimRouteHandler } from '../types';

/**
 * What every mini-program management API does before its own work, in WeChat's order: the
 * `access_token` (an authorizer token), the permission set the API belongs to, then the body.
 */

const TOKEN_ERRMSG: Record<number, string> = {
  41001: 'access_token missing',
  40001: 'invalid credential, access_token is invalid or not latest',
  42001: 'access_token expired',
};

/** WeChat's answer to a missing, unknown or expired component_access_token (41001/40001/42001); undefined when it is valid. */
export function componentTokenError(state: SimState, token: string | undefined): SimResponse | undefined {
  const errcode = state.checkComponentToken(token);
  return errcode === 0 ? undefined : wechatError(errcode, TOKEN_ERRMSG[errcode] ?? 'invalid credential');
}

/**
 * Permission sets (`funcscope_category.id`) each API group belongs to, from WeChat's docs: an
 * authorizer that granted none of them gets 48001. 18 is development management (code, audit,
 * release, domains, testers); 30 basic information; 3/31 account and verification; 17 account
 * management (mini-program codes).
 */
export const FUNC_SETS = {
  basicInfo: [30],
  accountInfo: [17, 30],
  checkNickname: [3, 31],
  signature: [3, 30],
  development: [18],
  wxacode: [17, 18],
} as const satisfies Record<string, readonly number[]>;

export interface AuthorizerCall {
  request: SimRequest;
  appId: string;
  authorizer: SimAuthorizer;
  app: SimApp;
  /** The JSON body for POST (an object, never undefined); `{}` for GET. */
  body: Record<string, unknown>;
}

export interface AuthorizerApiOptions {
  /** Permission sets, any one of which allows the call; undefined: no check (e.g. media upload). */
  funcSets?: readonly number[];
  /**
   * Whether a POST needs a JSON object body. WeChat answers an empty or non-JSON body with
   * 47001 on its JSON APIs; multipart uploads and `release` look at the body themselves.
   */
  jsonBody?: boolean;
}

/** Wraps a handler of an authorizer API: token (41001/40001/42001), permission (48001), body (47001). */
export function authorizerApi(state: SimState, options: AuthorizerApiOptions, handler: (call: AuthorizerCall) => SimResponse | Promise<SimResponse>): SimRouteHandler {
  return (request) => {
    const checked = state.checkAuthorizerToken(request.token);
    if (checked.errcode !== 0 || !checked.appId) return wechatError(checked.errcode, TOKEN_ERRMSG[checked.errcode] ?? 'invalid credential');
    const authorizer = state.authorizers.get(checked.appId)!;
    if (options.funcSets && !options.funcSets.some((id) => authorizer.funcInfo.includes(id))) return wechatError(48001, 'api unauthorized');
    let body: Record<string, unknown> = {};
    if (request.method === 'POST' && (options.jsonBody ?? true)) {
      if (!isObject(request.body)) return wechatError(47001, 'data format error');
      body = request.body;
    }
    return handler({ request, appId: checked.appId, authorizer, app: state.app(checked.appId), body });
  };
}

/** Parses `body` with an all-optional schema; undefined when a field has the wrong type (WeChat's 47001). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T | undefined {
  const parsed = schema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

export const formatError = () => wechatError(47001, 'data format error');

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** WeChat takes ids as numbers or numeric strings. */
export const numericId = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** Adds one to a period counter and returns the new count. */
export function bump(counter: Record<string, number>, period: string): number {
  counter[period] = (counter[period] ?? 0) + 1;
  return counter[period]!;
}

export const used = (counter: Record<string, number>, period: string): number => counter[period] ?? 0;

export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** An id shaped like WeChat's media ids (64 url-safe characters). */
export const newMediaId = (): string => randomBytes(48).toString('base64url');
