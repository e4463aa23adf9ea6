import * as z from 'zod';
import type { AccessTokenProvider, WeChatClient } from './client';
import type { ComponentCredentials } from './component-credentials';
import { WECHAT_API } from './catalogue';

export const ComponentTokenResponse = z.object({
  component_access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
});
export type ComponentTokenResponse = z.infer<typeof ComponentTokenResponse>;

const EmptyResponse = z.object({}).loose();

/** A WeChat taskid: documented as a string; coerced in case a number arrives. */
const TaskId = z.coerce.string().min(1);

/** `fastregisterenterpriseweapp?action=create`: the task, and the page the legal person opens. */
export const FastRegistrationTask = z.object({ taskid: TaskId, authorize_url: z.url(), status: z.number().int() }).loose();
export type FastRegistrationTask = z.infer<typeof FastRegistrationTask>;

/** `fastregisterenterpriseweapp?action=query`: the task's status (WeChat's task-state enum). */
export const FastRegistrationQuery = z.object({ status: z.number().int(), taskid: TaskId.optional(), authorize_url: z.string().optional() }).loose();
export type FastRegistrationQuery = z.infer<typeof FastRegistrationQuery>;

const FuncInfo = z
  .array(z.object({ funcscope_category: z.object({ id: z.number().int() }).loose() }).loose())
  .default([])
  .transform((items) => items.map((item) => item.funcscope_category.id));

export const PreAuthCodeResponse = z.object({ pre_auth_code: z.string().min(1), expires_in: z.number().int().positive() });
export type PreAuthCodeResponse = z.infer<typeof PreAuthCodeResponse>;

export const QueryAuthResponse = z.object({
  authorization_info: z
    .object({
      authorizer_appid: z.string().min(1),
      authorizer_access_token: z.string().min(1),
      expires_in: z.number().int().positive(),
      authorizer_refresh_token: z.string().min(1),
      func_info: FuncInfo,
    })
    .loose(),
});
export type QueryAuthResponse = z.infer<typeof QueryAuthResponse>;

export const AuthorizerTokenResponse = z.object({
  authorizer_access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  authorizer_refresh_token: z.string().min(1),
});
export type AuthorizerTokenResponse = z.infer<typeof AuthorizerTokenResponse>;

const Network = z
  .object({
    RequestDomain: z.array(z.string()).default([]),
    WsRequestDomain: z.array(z.string()).default([]),
    UploadDomain: z.array(z.string()).default([]),
    DownloadDomain: z.array(z.string()).default([]),
    BizDomain: z.array(z.string()).default([]),
    UDPDomain: z.array(z.string()).default([]),
    TCPDomain: z.array(z.string()).default([]),
  })
  .loose();

export const AuthorizerInfoResponse = z.object({
  authorizer_info: z
    .object({
      nick_name: z.string().default(''),
      head_img: z.string().default(''),
      service_type_info: z.object({ id: z.number().int() }).loose().optional(),
      verify_type_info: z.object({ id: z.number().int() }).loose().optional(),
      user_name: z.string().default(''),
      principal_name: z.string().default(''),
      signature: z.string().default(''),
      MiniProgramInfo: z
        .object({
          network: Network.optional(),
          categories: z.array(z.object({ first: z.string(), second: z.string() }).loose()).default([]),
          visit_status: z.number().int().optional(),
        })
        .loose()
        .optional(),
    })
    .loose(),
  authorization_info: z
    .object({
      authorizer_appid: z.string().min(1),
      authorizer_refresh_token: z.string().optional(),
      func_info: FuncInfo,
    })
    .loose(),
});
export type AuthorizerInfoResponse = z.infer<typeof AuthorizerInfoResponse>;

export const AuthorizerListResponse = z.object({
  total_count: z.number().int().nonnegative(),
  list: z.array(z.object({ authorizer_appid: z.string().min(1), refresh_token: z.string().min(1), auth_time: z.number().int() }).loose()).default([]),
});
export type AuthorizerListResponse = z.infer<typeof AuthorizerListResponse>;

/** The most `api_get_authorizer_list` returns per page. */
export const AUTHORIZER_LIST_PAGE_SIZE = 500;

/**
 * Component-level APIs that need no component_access_token: obtaining that token, and asking
 * WeChat to push a fresh verify ticket.
 */
export class ComponentAuthApi {
  constructor(
    private readonly client: WeChatClient,
    private readonly credentials: ComponentCredentials,
  ) {}

  /** `api_component_token`. Rate-limited per day by WeChat: callers share one token. */
  requestComponentAccessToken(verifyTicket: string): Promise<ComponentTokenResponse> {
    return this.client.call(WECHAT_API.componentToken, {
      body: {
        component_appid: this.credentials.appId,
        component_appsecret: this.credentials.appSecret,
        component_verify_ticket: verifyTicket,
      },
      schema: ComponentTokenResponse,
    });
  }

  /** `api_start_push_ticket`: WeChat pushes a new ticket to the authorization-event URL. */
  async startPushTicket(): Promise<void> {
    await this.client.call(WECHAT_API.startPushTicket, {
      body: { component_appid: this.credentials.appId, component_secret: this.credentials.appSecret },
      schema: EmptyResponse,
    });
  }
}

/** Component APIs called with the component_access_token: authorization and authorizer tokens. */
export class ComponentApi {
  constructor(
    private readonly client: WeChatClient,
    private readonly componentAppId: string,
    private readonly token: AccessTokenProvider,
  ) {}

  /** `api_create_preauthcode`: one per authorization link. */
  createPreAuthCode(): Promise<PreAuthCodeResponse> {
    return this.client.call(WECHAT_API.createPreAuthCode, { body: { component_appid: this.componentAppId }, token: this.token, schema: PreAuthCodeResponse });
  }

  /** `api_query_auth`: exchanges an authorization code (single use) for the authorizer's tokens. */
  queryAuth(authorizationCode: string): Promise<QueryAuthResponse> {
    return this.client.call(WECHAT_API.queryAuth, {
      body: { component_appid: this.componentAppId, authorization_code: authorizationCode },
      token: this.token,
      schema: QueryAuthResponse,
    });
  }

  /** `api_authorizer_token`: a new access token, and possibly a new refresh token that must be kept. */
  authorizerToken(authorizerAppId: string, refreshToken: string): Promise<AuthorizerTokenResponse> {
    return this.client.call(WECHAT_API.authorizerToken, {
      body: { component_appid: this.componentAppId, authorizer_appid: authorizerAppId, authorizer_refresh_token: refreshToken },
      token: this.token,
      schema: AuthorizerTokenResponse,
    });
  }

  /** `api_get_authorizer_info`: profile, mini-program details and granted permission sets. */
  getAuthorizerInfo(authorizerAppId: string): Promise<AuthorizerInfoResponse> {
    return this.client.call(WECHAT_API.getAuthorizerInfo, {
      body: { component_appid: this.componentAppId, authorizer_appid: authorizerAppId },
      token: this.token,
      schema: AuthorizerInfoResponse,
    });
  }

  /** `api_get_authorizer_list`: every current authorizer with its current refresh token. */
  getAuthorizerList(offset: number, count = AUTHORIZER_LIST_PAGE_SIZE): Promise<AuthorizerListResponse> {
    return this.client.call(WECHAT_API.getAuthorizerList, {
      body: { component_appid: this.componentAppId, offset, count },
      token: this.token,
      schema: AuthorizerListResponse,
    });
  }

  /**
   * `fastregisterenterpriseweapp?action=create` (new version): WeChat checks the company and
   * answers the task and the page its legal person must open within 24 h.
   */
  createFastRegistration(input: { name: string; code: string; componentPhone: string }): Promise<FastRegistrationTask> {
    return this.client.call(WECHAT_API.fastRegisterEnterpriseWeapp, {
      query: { action: 'create' },
      body: { name: input.name, code: input.code, component_phone: input.componentPhone, new_version: true },
      token: this.token,
      schema: FastRegistrationTask,
    });
  }

  /** `fastregisterenterpriseweapp?action=query`: the task's current status. */
  queryFastRegistration(taskId: string): Promise<FastRegistrationQuery> {
    return this.client.call(WECHAT_API.fastRegisterEnterpriseWeapp, { query: { action: 'query' }, body: { taskid: taskId, new_version: true }, token: this.token, schema: FastRegistrationQuery });
  }

  /** All pages of `api_get_authorizer_list`. */
  async listAllAuthorizers(): Promise<AuthorizerListResponse['list']> {
    const all: AuthorizerListResponse['list'] = [];
    for (let offset = 0; ; offset += AUTHORIZER_LIST_PAGE_SIZE) {
      const page = await this.getAuthorizerList(offset);
      all.push(...page.list);
      if (page.list.length < AUTHORIZER_LIST_PAGE_SIZE || all.length >= page.total_count) return all;
    }
  }
}
