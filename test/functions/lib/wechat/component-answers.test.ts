import { WeChatClient, type AccessTokenProvider } from '../../../../functions/lib/wechat/client';
import { WECHAT_API } from '../../../../functions/lib/wechat/catalogue';
import { ComponentApi, ComponentAuthApi } from '../../../../functions/lib/wechat/component';
import { WeChatApiError, WeChatTransportError } from '../../../../functions/lib/wechat/errors';
import { WeChatSimulator } from '../../../../local/wechat-sim/server';
import { generateCredentials } from '../../../../local/settings';

/**
 * What the WeChat client makes of the component APIs' answers: the validated value, WeChat's
 * errcode as a WeChatApiError, or an answer of the wrong shape as a WeChatTransportError with
 * zod's message. The client's and the component API's schemas are built with zod/mini (the
 * componentEvents callback loads them with its first authorization event); these are the results
 * the classic-zod versions gave (recorded before the change): same accepted and refused answers,
 * defaults, coercions, transforms and messages.
 */
type Outcome = { ok: unknown } | { apiError: { errcode: number; errmsg: string; details?: Record<string, unknown>; message: string } } | { transportError: string };

const SHAPE = 'answer does not match the expected shape: ';

describe('component API answers (zod/mini) read as the classic ones did', () => {
  let sim: WeChatSimulator;
  let auth: ComponentAuthApi;
  let api: ComponentApi;
  const generated = generateCredentials();
  const credentials = { appId: generated.componentAppId, appSecret: generated.componentSecret, token: generated.componentToken, aesKey: generated.componentAesKey };
  const token: AccessTokenProvider = { kind: 'component', getToken: async () => 'component-token', invalidate: async () => undefined };

  beforeAll(async () => {
    sim = new WeChatSimulator({ component: credentials });
    await sim.start();
    const client = new WeChatClient({ baseURL: sim.url, timeoutMs: 2000, backoffBaseMs: 5, maxRetries: 0 });
    auth = new ComponentAuthApi(client, credentials);
    api = new ComponentApi(client, credentials.appId, token);
  });
  afterAll(() => sim.stop());

  /** Scripts one answer of `path` and reports what the call made of it. */
  async function outcomeOf(path: string, answer: unknown, call: () => Promise<unknown>): Promise<Outcome> {
    sim.script(path, [{ json: answer }]);
    try {
      return { ok: await call() };
    } catch (error) {
      if (error instanceof WeChatApiError) {
        return { apiError: { errcode: error.errcode, errmsg: error.errmsg, ...(error.details ? { details: error.details } : {}), message: error.message } };
      }
      if (error instanceof WeChatTransportError) return { transportError: error.reason };
      throw error;
    }
  }

  const P = {
    componentToken: WECHAT_API.componentToken.path,
    startPushTicket: WECHAT_API.startPushTicket.path,
    preAuthCode: WECHAT_API.createPreAuthCode.path,
    queryAuth: WECHAT_API.queryAuth.path,
    authorizerToken: WECHAT_API.authorizerToken.path,
    authorizerInfo: WECHAT_API.getAuthorizerInfo.path,
    authorizerList: WECHAT_API.getAuthorizerList.path,
    fastRegister: WECHAT_API.fastRegisterEnterpriseWeapp.path,
  };
  const fastRegistration = { name: 'Acme', code: '91310000000000000X', componentPhone: '13800000000' };

  it.each<[string, string, unknown, () => Promise<unknown>, Outcome]>([
    // ---- errcode and the client's own reading of every answer (its ErrorFields schema) ----
    ['a component token, errcode 0 and unknown fields dropped', P.componentToken, { errcode: 0, errmsg: 'ok', component_access_token: 'tok', expires_in: 7200, extra: 1 }, () => auth.requestComponentAccessToken('ticket'), { ok: { component_access_token: 'tok', expires_in: 7200 } }],
    [
      'an errcode, with WeChat\'s extra fields as details',
      P.componentToken,
      { errcode: 61004, errmsg: 'access clientip is not registered', hint: 'x' },
      () => auth.requestComponentAccessToken('ticket'),
      { apiError: { errcode: 61004, errmsg: 'access clientip is not registered', details: { hint: 'x' }, message: '/cgi-bin/component/api_component_token: errcode 61004 (caller IP is not on the platform whitelist)' } },
    ],
    ['an errcode without errmsg', P.componentToken, { errcode: 40013 }, () => auth.requestComponentAccessToken('ticket'), { apiError: { errcode: 40013, errmsg: '', message: '/cgi-bin/component/api_component_token: errcode 40013 (invalid appid)' } }],
    ['an errcode that is not a number is not read as one', P.componentToken, { errcode: '40013', component_access_token: 'tok', expires_in: 7200 }, () => auth.requestComponentAccessToken('ticket'), { ok: { component_access_token: 'tok', expires_in: 7200 } }],
    ['an errmsg that is not a string hides the errcode', P.componentToken, { errcode: 40013, errmsg: 5 }, () => auth.requestComponentAccessToken('ticket'), { transportError: SHAPE + '✖ Invalid input: expected string, received undefined\n  → at component_access_token\n✖ Invalid input: expected number, received undefined\n  → at expires_in' }],
    ['a component token of the wrong shape', P.componentToken, { component_access_token: '', expires_in: 1.5 }, () => auth.requestComponentAccessToken('ticket'), { transportError: SHAPE + '✖ Too small: expected string to have >=1 characters\n  → at component_access_token\n✖ Invalid input: expected int, received number\n  → at expires_in' }],
    ['a component token without fields', P.componentToken, {}, () => auth.requestComponentAccessToken('ticket'), { transportError: SHAPE + '✖ Invalid input: expected string, received undefined\n  → at component_access_token\n✖ Invalid input: expected number, received undefined\n  → at expires_in' }],
    ['an answer that is not an object', P.componentToken, [1], () => auth.requestComponentAccessToken('ticket'), { transportError: SHAPE + '✖ Invalid input: expected object, received array' }],
    ['start push ticket: any object', P.startPushTicket, { errcode: 0, errmsg: 'ok', anything: [1] }, () => auth.startPushTicket(), { ok: undefined }],
    ['start push ticket: not an object', P.startPushTicket, 'ok', () => auth.startPushTicket(), { transportError: SHAPE + '✖ Invalid input: expected object, received string' }],
    // ---- authorization ----
    ['a pre-auth code', P.preAuthCode, { pre_auth_code: 'pre', expires_in: 600, other: true }, () => api.createPreAuthCode(), { ok: { pre_auth_code: 'pre', expires_in: 600 } }],
    ['a pre-auth code expiring at 0', P.preAuthCode, { pre_auth_code: 'pre', expires_in: 0 }, () => api.createPreAuthCode(), { transportError: SHAPE + '✖ Too small: expected number to be >0\n  → at expires_in' }],
    [
      'query auth: func_info read as ids, unknown fields kept inside authorization_info only',
      P.queryAuth,
      {
        authorization_info: {
          authorizer_appid: 'wxa',
          authorizer_access_token: 'at',
          expires_in: 7200,
          authorizer_refresh_token: 'rt',
          func_info: [{ funcscope_category: { id: 17, extra: 1 } }, { funcscope_category: { id: 18 }, confirm_info: {} }],
          kept: 'yes',
        },
        dropped: 'yes',
      },
      () => api.queryAuth('code'),
      { ok: { authorization_info: { authorizer_appid: 'wxa', authorizer_access_token: 'at', expires_in: 7200, authorizer_refresh_token: 'rt', func_info: [17, 18], kept: 'yes' } } },
    ],
    [
      'query auth without func_info',
      P.queryAuth,
      { authorization_info: { authorizer_appid: 'wxa', authorizer_access_token: 'at', expires_in: 7200, authorizer_refresh_token: 'rt' } },
      () => api.queryAuth('code'),
      { ok: { authorization_info: { authorizer_appid: 'wxa', authorizer_access_token: 'at', expires_in: 7200, authorizer_refresh_token: 'rt', func_info: [] } } },
    ],
    [
      'query auth with a malformed func_info and an empty refresh token',
      P.queryAuth,
      { authorization_info: { authorizer_appid: 'wxa', authorizer_access_token: 'at', expires_in: 7200, authorizer_refresh_token: '', func_info: [{ funcscope_category: { id: 1.5 } }, {}] } },
      () => api.queryAuth('code'),
      { transportError: SHAPE + '✖ Too small: expected string to have >=1 characters\n  → at authorization_info.authorizer_refresh_token\n✖ Invalid input: expected object, received undefined\n  → at authorization_info.func_info[1].funcscope_category\n✖ Invalid input: expected int, received number\n  → at authorization_info.func_info[0].funcscope_category.id' },
    ],
    ['query auth without authorization_info', P.queryAuth, {}, () => api.queryAuth('code'), { transportError: SHAPE + '✖ Invalid input: expected object, received undefined\n  → at authorization_info' }],
    ['an authorizer token, unknown fields dropped', P.authorizerToken, { authorizer_access_token: 'at', expires_in: 7200, authorizer_refresh_token: 'rt', x: 1 }, () => api.authorizerToken('wxa', 'rt'), { ok: { authorizer_access_token: 'at', expires_in: 7200, authorizer_refresh_token: 'rt' } }],
    ['an authorizer token without a refresh token and a negative expiry', P.authorizerToken, { authorizer_access_token: 'at', expires_in: -1 }, () => api.authorizerToken('wxa', 'rt'), { transportError: SHAPE + '✖ Too small: expected number to be >0\n  → at expires_in\n✖ Invalid input: expected string, received undefined\n  → at authorizer_refresh_token' }],
    // ---- authorizer profile and list ----
    [
      'authorizer info with only the required fields: the defaults',
      P.authorizerInfo,
      { authorizer_info: {}, authorization_info: { authorizer_appid: 'wxa' } },
      () => api.getAuthorizerInfo('wxa'),
      { ok: { authorizer_info: { nick_name: '', head_img: '', user_name: '', principal_name: '', signature: '' }, authorization_info: { authorizer_appid: 'wxa', func_info: [] } } },
    ],
    [
      'authorizer info with a mini program: network defaults, categories, unknown fields kept',
      P.authorizerInfo,
      {
        authorizer_info: {
          nick_name: 'Shop',
          service_type_info: { id: 0, x: 1 },
          verify_type_info: { id: -1 },
          MiniProgramInfo: { network: { RequestDomain: ['https://a.example'], Other: ['x'] }, categories: [{ first: 'A', second: 'B', x: 1 }], visit_status: 0, y: 2 },
          alias: 'shop',
        },
        authorization_info: { authorizer_appid: 'wxa', authorizer_refresh_token: 'rt', func_info: [{ funcscope_category: { id: 3 } }] },
        extra: 'dropped',
      },
      () => api.getAuthorizerInfo('wxa'),
      { ok: { authorizer_info: { nick_name: 'Shop', head_img: '', service_type_info: { id: 0, x: 1 }, verify_type_info: { id: -1 }, user_name: '', principal_name: '', signature: '', MiniProgramInfo: { network: { RequestDomain: ['https://a.example'], WsRequestDomain: [], UploadDomain: [], DownloadDomain: [], BizDomain: [], UDPDomain: [], TCPDomain: [], Other: ['x'] }, categories: [{ first: 'A', second: 'B', x: 1 }], visit_status: 0, y: 2 }, alias: 'shop' }, authorization_info: { authorizer_appid: 'wxa', authorizer_refresh_token: 'rt', func_info: [3] } } },
    ],
    [
      'authorizer info of the wrong shape',
      P.authorizerInfo,
      { authorizer_info: { nick_name: 5, service_type_info: { id: '1' }, MiniProgramInfo: { network: { RequestDomain: 'a' }, categories: [{ first: 'A' }], visit_status: 0.5 } }, authorization_info: { authorizer_appid: '' } },
      () => api.getAuthorizerInfo('wxa'),
      { transportError: SHAPE + '✖ Invalid input: expected string, received number\n  → at authorizer_info.nick_name\n✖ Too small: expected string to have >=1 characters\n  → at authorization_info.authorizer_appid\n✖ Invalid input: expected number, received string\n  → at authorizer_info.service_type_info.id\n✖ Invalid input: expected int, received number\n  → at authorizer_info.MiniProgramInfo.visit_status\n✖ Invalid input: expected array, received string\n  → at authorizer_info.MiniProgramInfo.network.RequestDomain\n✖ Invalid input: expected string, received undefined\n  → at authorizer_info.MiniProgramInfo.categories[0].second' },
    ],
    ['an authorizer list without list', P.authorizerList, { total_count: 0 }, () => api.getAuthorizerList(0), { ok: { total_count: 0, list: [] } }],
    [
      'an authorizer list, unknown fields kept in items',
      P.authorizerList,
      { total_count: 1, list: [{ authorizer_appid: 'wxa', refresh_token: 'rt', auth_time: 1700000000, x: 1 }], y: 2 },
      () => api.getAuthorizerList(0),
      { ok: { total_count: 1, list: [{ authorizer_appid: 'wxa', refresh_token: 'rt', auth_time: 1700000000, x: 1 }] } },
    ],
    ['an authorizer list of the wrong shape', P.authorizerList, { total_count: -1, list: [{ authorizer_appid: 'wxa', auth_time: 1.5 }] }, () => api.getAuthorizerList(0), { transportError: SHAPE + '✖ Too small: expected number to be >=0\n  → at total_count\n✖ Invalid input: expected string, received undefined\n  → at list[0].refresh_token\n✖ Invalid input: expected int, received number\n  → at list[0].auth_time' }],
    // ---- fast registration ----
    [
      'a fast registration task: a numeric taskid becomes a string, unknown fields kept',
      P.fastRegister,
      { taskid: 12345, authorize_url: 'https://mp.weixin.qq.com/x?y=1', status: 0, extra: 'kept' },
      () => api.createFastRegistration(fastRegistration),
      { ok: { taskid: '12345', authorize_url: 'https://mp.weixin.qq.com/x?y=1', status: 0, extra: 'kept' } },
    ],
    ['a fast registration task without taskid', P.fastRegister, { authorize_url: 'https://mp.weixin.qq.com/x', status: 0 }, () => api.createFastRegistration(fastRegistration), { transportError: SHAPE + '✖ Invalid input: expected nonoptional, received undefined\n  → at taskid' }],
    ['a fast registration task of the wrong shape', P.fastRegister, { taskid: '', authorize_url: 'not a url', status: 1.5 }, () => api.createFastRegistration(fastRegistration), { transportError: SHAPE + '✖ Too small: expected string to have >=1 characters\n  → at taskid\n✖ Invalid URL\n  → at authorize_url\n✖ Invalid input: expected int, received number\n  → at status' }],
    ['a fast registration query with only its status', P.fastRegister, { status: 2 }, () => api.queryFastRegistration('task'), { ok: { status: 2 } }],
    ['a fast registration query with its task', P.fastRegister, { status: 0, taskid: 7, authorize_url: 'anything', x: 1 }, () => api.queryFastRegistration('task'), { ok: { status: 0, taskid: '7', authorize_url: 'anything', x: 1 } }],
    ['a fast registration query of the wrong shape', P.fastRegister, { status: '1', taskid: '', authorize_url: 3 }, () => api.queryFastRegistration('task'), { transportError: SHAPE + '✖ Invalid input: expected number, received string\n  → at status\n✖ Too small: expected string to have >=1 characters\n  → at taskid\n✖ Invalid input: expected string, received number\n  → at authorize_url' }],
  ])('%s', async (_, path, answer, call, expected) => {
    expect(await outcomeOf(path, answer, call)).toEqual(expected);
  });

  it('pages the authorizer list until the total is reached', async () => {
    const item = (i: number) => ({ authorizer_appid: `wx${i}`, refresh_token: `rt${i}`, auth_time: i });
    sim.script(P.authorizerList, [{ json: { total_count: 501, list: Array.from({ length: 500 }, (_, i) => item(i)) } }, { json: { total_count: 501, list: [item(500)] } }]);
    const all = await api.listAllAuthorizers();
    expect(all).toHaveLength(501);
    expect(all[500]).toEqual(item(500));
  });
});
