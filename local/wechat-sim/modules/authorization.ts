import { z } from 'zod';
import type { SimAuthorizer, SimState } from '../state';
import { wechatError, type SimRequest, type SimModule, type SimResponse } from '../types';
import { componentTokenError } from './weapp-api';

/** Every field optional: a missing one gets WeChat's errcode for that field, not a format error. */
const CreatePreAuthCodeRequest = z.object({ component_appid: z.string().optional() });
const QueryAuthRequest = z.object({ component_appid: z.string().optional(), authorization_code: z.string().optional() });
const AuthorizerTokenRequest = z.object({
  component_appid: z.string().optional(),
  authorizer_appid: z.string().optional(),
  authorizer_refresh_token: z.string().optional(),
});
const AuthorizerInfoRequest = z.object({ component_appid: z.string().optional(), authorizer_appid: z.string().optional() });
const AuthorizerListRequest = z.object({
  component_appid: z.string().optional(),
  offset: z.number().optional(),
  count: z.number().optional(),
});

/** WeChat's documented page limit for `api_get_authorizer_list`. */
const MAX_LIST_COUNT = 500;

/** `[{funcscope_category: {id}}]`, the shape WeChat reports permission sets in. */
export function funcInfoJson(funcInfo: readonly number[]): { funcscope_category: { id: number } }[] {
  return funcInfo.map((id) => ({ funcscope_category: { id } }));
}

const notAuthorized = () => wechatError(61003, 'component is not authorized by this account');

/**
 * The component APIs around authorization: pre_auth_code, exchanging an auth code, refreshing
 * authorizer tokens, and reading authorizers. Each checks the component_access_token first and
 * then that `component_appid` is ours, as WeChat does.
 */
export function authorizationModule(state: SimState): SimModule {
  const { component } = state.options;

  /** Token, body shape and component_appid, in WeChat's order; the parsed body or WeChat's error. */
  function guard<T extends { component_appid?: string | undefined }>(
    request: SimRequest,
    schema: z.ZodType<T>,
  ): { ok: true; body: T } | { ok: false; error: SimResponse } {
    const tokenError = componentTokenError(state, request.token);
    if (tokenError) return { ok: false, error: tokenError };
    const parsed = schema.safeParse(request.body ?? {});
    if (!parsed.success) return { ok: false, error: wechatError(47001, 'data format error') };
    if (parsed.data.component_appid !== component.appId) return { ok: false, error: wechatError(40013, 'invalid appid') };
    return { ok: true, body: parsed.data };
  }

  return {
    routes: {
      'POST /cgi-bin/component/api_create_preauthcode': (request) => {
        const checked = guard(request, CreatePreAuthCodeRequest);
        if (!checked.ok) return checked.error;
        const { preAuthCode, expiresIn } = state.issuePreAuthCode();
        return { json: { pre_auth_code: preAuthCode, expires_in: expiresIn } };
      },

      'POST /cgi-bin/component/api_query_auth': (request) => {
        const checked = guard(request, QueryAuthRequest);
        if (!checked.ok) return checked.error;
        const { body } = checked;
        // Unknown, already exchanged and expired codes all get the same answer from WeChat.
        const appId = state.consumeAuthCode(body.authorization_code);
        const authorizer = state.activeAuthorizer(appId);
        if (!authorizer) return wechatError(61010, 'code is expired');
        const { token, expiresIn } = state.issueAuthorizerToken(authorizer.appId);
        return {
          json: {
            authorization_info: {
              authorizer_appid: authorizer.appId,
              authorizer_access_token: token,
              expires_in: expiresIn,
              // The current one: exchanging a code does not rotate it.
              authorizer_refresh_token: authorizer.refreshToken,
              func_info: funcInfoJson(authorizer.funcInfo),
            },
          },
        };
      },

      'POST /cgi-bin/component/api_authorizer_token': (request) => {
        const checked = guard(request, AuthorizerTokenRequest);
        if (!checked.ok) return checked.error;
        const { body } = checked;
        const authorizer = state.activeAuthorizer(body.authorizer_appid);
        if (!authorizer) return notAuthorized();
        if (body.authorizer_refresh_token !== authorizer.refreshToken) return wechatError(61023, 'refresh_token is invalid');
        const { token, expiresIn } = state.issueAuthorizerToken(authorizer.appId);
        // With rotation on, the refresh token just sent is dead once this answer is out: a
        // platform that does not store the new one loses the authorizer (until it lists them).
        const refreshToken = state.options.rotateRefreshTokens ? state.replaceRefreshToken(authorizer) : authorizer.refreshToken;
        return { json: { authorizer_access_token: token, expires_in: expiresIn, authorizer_refresh_token: refreshToken } };
      },

      'POST /cgi-bin/component/api_get_authorizer_info': (request) => {
        const checked = guard(request, AuthorizerInfoRequest);
        if (!checked.ok) return checked.error;
        const { body } = checked;
        const authorizer = state.activeAuthorizer(body.authorizer_appid);
        if (!authorizer) return notAuthorized();
        return { json: authorizerInfoJson(authorizer) };
      },

      'POST /cgi-bin/component/api_get_authorizer_list': (request) => {
        const checked = guard(request, AuthorizerListRequest);
        if (!checked.ok) return checked.error;
        const { body } = checked;
        const { offset = 0, count } = body;
        if (count === undefined || !Number.isInteger(count) || count < 1 || count > MAX_LIST_COUNT || !Number.isInteger(offset) || offset < 0) {
          return wechatError(47001, 'data format error');
        }
        // Map order is first-authorization order, so pages are stable while nobody authorizes or revokes.
        const active = [...state.authorizers.values()].filter((a) => a.status === 'authorized');
        return {
          json: {
            total_count: active.length,
            list: active.slice(offset, offset + count).map((a) => ({ authorizer_appid: a.appId, refresh_token: a.refreshToken, auth_time: a.authTime })),
          },
        };
      },
    },
  };
}

function authorizerInfoJson(a: SimAuthorizer): unknown {
  return {
    authorizer_info: {
      nick_name: a.nickname,
      head_img: a.headImg,
      service_type_info: { id: a.serviceTypeId },
      verify_type_info: { id: a.verifyTypeId },
      user_name: a.userName,
      principal_name: a.principalName,
      signature: a.signature,
      alias: '',
      qrcode_url: a.qrcodeUrl,
      business_info: { open_pay: 0, open_shake: 0, open_scan: 0, open_card: 0, open_store: 0 },
      MiniProgramInfo: {
        network: a.miniProgramInfo.network,
        categories: a.miniProgramInfo.categories,
        visit_status: a.miniProgramInfo.visit_status,
      },
    },
    authorization_info: {
      authorizer_appid: a.appId,
      authorizer_refresh_token: a.refreshToken,
      func_info: funcInfoJson(a.funcInfo),
    },
  };
}
