import * as z from 'zod/mini';
import type { AccessTokenProvider, WeChatClient } from './client';
import type { ComponentCredentials } from './component-credentials';
import { WECHAT_API } from './catalogue';

// zod/mini: the componentEvents callback loads these with its first authorization event, and
// classic zod's extra core code would land in a chunk its cold start loads (esbuild splits by
// file). Same answers accepted and refused, same messages: test/functions/lib/wechat/component-answers.test.ts.
const nonEmpty = () => z.string().check(z.minLength(1));
const int = () => z.number().check(z.int());
const positiveInt = () => z.number().check(z.int(), z.positive());
const listOr = <T extends z.ZodMiniType>(item: T) => z._default(z.array(item), []);

export const ComponentTokenResponse = z.object({
  component_access_token: nonEmpty(),
  expires_in: positiveInt(),
});
export type ComponentTokenResponse = z.infer<typeof ComponentTokenResponse>;

const EmptyResponse = z.looseObject({});

/** A WeChat taskid: documented as a string; coerced in case a number arrives. */
const TaskId = z.coerce.string().check(z.minLength(1));

/** `fastregisterenterpriseweapp?action=create`: the task, and the page the legal person opens. */
export const FastRegistrationTask = z.looseObject({ taskid: TaskId, authorize_url: z.url(), status: int() });
export type FastRegistrationTask = z.infer<typeof FastRegistrationTask>;

/** `fastregisterenterpriseweapp?action=query`: the task's status (WeChat's task-state enum). */
export const FastRegistrationQuery = z.looseObject({ status: int(), taskid: z.optional(TaskId), authorize_url: z.optional(z.string()) });
export type FastRegistrationQuery = z.infer<typeof FastRegistrationQuery>;

const FuncInfo = z.pipe(
  listOr(z.looseObject({ funcscope_category: z.looseObject({ id: int() }) })),
  z.transform((items: { funcscope_category: { id: number } }[]) => items.map((item) => item.funcscope_category.id)),
);

export const PreAuthCodeResponse = z.object({ pre_auth_code: nonEmpty(), expires_in: positiveInt() });
export type PreAuthCodeResponse = z.infer<typeof PreAuthCodeResponse>;

export const QueryAuthResponse = z.object({
  authorization_info: z.looseObject({
    authorizer_appid: nonEmpty(),
    authorizer_access_token: nonEmpty(),
    expires_in: positiveInt(),
    authorizer_refresh_token: nonEmpty(),
    func_info: FuncInfo,
  }),
});
export type QueryAuthResponse = z.infer<typeof QueryAuthResponse>;

export const AuthorizerTokenResponse = z.object({
  authorizer_access_token: nonEmpty(),
  expires_in: positiveInt(),
  authorizer_refresh_token: nonEmpty(),
});
export type AuthorizerTokenResponse = z.infer<typeof AuthorizerTokenResponse>;

const Domains = () => listOr(z.string());
const Network = z.looseObject({
  RequestDomain: Domains(),
  WsRequestDomain: Domains(),
  UploadDomain: Domains(),
  DownloadDomain: Domains(),
  BizDomain: Domains(),
  UDPDomain: Domains(),
  TCPDomain: Domains(),
});

const textOrEmpty = () => z._default(z.string(), '');

export const AuthorizerInfoResponse = z.object({
  authorizer_info: z.looseObject({
    nick_name: textOrEmpty(),
    head_img: textOrEmpty(),
    service_type_info: z.optional(z.looseObject({ id: int() })),
    verify_type_info: z.optional(z.looseObject({ id: int() })),
    user_name: textOrEmpty(),
    principal_name: textOrEmpty(),
    signature: textOrEmpty(),
    MiniProgramInfo: z.optional(
      z.looseObject({
        network: z.optional(Network),
        categories: listOr(z.looseObject({ first: z.string(), second: z.string() })),
        visit_status: z.optional(int()),
      }),
    ),
  }),
  authorization_info: z.looseObject({
    authorizer_appid: nonEmpty(),
    authorizer_refresh_token: z.optional(z.string()),
    func_info: FuncInfo,
  }),
});
export type AuthorizerInfoResponse = z.infer<typeof AuthorizerInfoResponse>;

export const AuthorizerListResponse = z.object({
  total_count: z.number().check(z.int(), z.nonnegative()),
  list: listOr(z.looseObject({ authorizer_appid: nonEmpty(), refresh_token: nonEmpty(), auth_time: int() })),
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
