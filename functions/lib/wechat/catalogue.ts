import { ERR } from './errcodes';

/**
 * Every WeChat API the platform calls, with what WeChat's own doc page says about it: method,
 * which token it takes and under which query name, the fields sent and read, the errcodes the
 * platform handles, and the page it was checked against. The client sends what an entry says
 * and the simulator refuses what it does not, so the two cannot drift apart; where WeChat's docs
 * disagree with our protocol reference, the entry follows the docs.
 */

export type TokenKind = 'component' | 'authorizer';
export type TokenParam = 'component_access_token' | 'access_token';

export interface WeChatEndpoint {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  /** The token the call carries and the query name WeChat reads it from; absent: none (credentials in the body). */
  readonly token?: { readonly kind: TokenKind; readonly param: TokenParam };
  /** Body (POST) or query (GET) fields the platform sends. */
  readonly sends: readonly string[];
  /** Answer fields the platform reads (`image` for APIs that answer image bytes). */
  readonly reads: readonly string[];
  /** errcodes the platform treats specially; the rest surface as WeChat's errmsg. */
  readonly errcodes: readonly number[];
  /** The official page the entry was checked against. */
  readonly doc: string;
}

const D = 'https://developers.weixin.qq.com/doc/oplatform';

/** `/cgi-bin/component/*` APIs: the component token under its own name. */
const COMPONENT = { kind: 'component', param: 'component_access_token' } as const;
/**
 * The code-template APIs (`/wxa/*template*`) take the component token as `access_token`: the
 * doc pages' URLs say so, and a `component_access_token` there is answered 41001.
 */
const COMPONENT_AS_ACCESS_TOKEN = { kind: 'component', param: 'access_token' } as const;
/** Mini-program management APIs: the authorizer's token. */
const AUTHORIZER = { kind: 'authorizer', param: 'access_token' } as const;

const endpoint = <const E extends WeChatEndpoint>(entry: E): E => entry;

/** WeChat's announcement (2026-04-30): `fastregisterweapp` offline, `fastregisterenterpriseweapp` only with `new_version: true`. */
const FAST_REGISTRATION_ANNOUNCEMENT = 'https://developers.weixin.qq.com/community/develop/doc/0004829e9105005ce7d480e6561401';

export const WECHAT_API = {
  // ---- component credentials and authorization ---------------------------------------------------
  componentToken: endpoint({
    path: '/cgi-bin/component/api_component_token', method: 'POST',
    sends: ['component_appid', 'component_appsecret', 'component_verify_ticket'], reads: ['component_access_token', 'expires_in'],
    errcodes: [ERR.VERIFY_TICKET_EXPIRED, ERR.VERIFY_TICKET_INVALID, ERR.DAILY_QUOTA, ERR.IP_NOT_WHITELISTED],
    doc: `${D}/openApi/ticket-token/api_getcomponentaccesstoken`,
  }),
  startPushTicket: endpoint({
    path: '/cgi-bin/component/api_start_push_ticket', method: 'POST',
    sends: ['component_appid', 'component_secret'], reads: [], errcodes: [],
    doc: `${D}/openApi/ticket-token/api_startpushticket.html`,
  }),
  createPreAuthCode: endpoint({
    path: '/cgi-bin/component/api_create_preauthcode', method: 'POST', token: COMPONENT,
    sends: ['component_appid'], reads: ['pre_auth_code', 'expires_in'], errcodes: [],
    doc: `${D}/openApi/ticket-token/api_getpreauthcode.html`,
  }),
  queryAuth: endpoint({
    path: '/cgi-bin/component/api_query_auth', method: 'POST', token: COMPONENT,
    sends: ['component_appid', 'authorization_code'],
    reads: ['authorization_info.authorizer_appid', 'authorization_info.authorizer_access_token', 'authorization_info.expires_in', 'authorization_info.authorizer_refresh_token', 'authorization_info.func_info'],
    errcodes: [ERR.AUTH_CODE_EXPIRED, ERR.AUTH_CODE_OTHER_COMPONENT],
    doc: `${D}/openApi/ticket-token/api_getauthorizerrefreshtoken`,
  }),
  authorizerToken: endpoint({
    path: '/cgi-bin/component/api_authorizer_token', method: 'POST', token: COMPONENT,
    sends: ['component_appid', 'authorizer_appid', 'authorizer_refresh_token'], reads: ['authorizer_access_token', 'expires_in', 'authorizer_refresh_token'],
    errcodes: [ERR.REFRESH_TOKEN_INVALID, ERR.COMPONENT_NOT_AUTHORIZED],
    doc: `${D}/openApi/ticket-token/api_getauthorizeraccesstoken`,
  }),
  getAuthorizerInfo: endpoint({
    path: '/cgi-bin/component/api_get_authorizer_info', method: 'POST', token: COMPONENT,
    sends: ['component_appid', 'authorizer_appid'], reads: ['authorizer_info', 'authorization_info'], errcodes: [ERR.COMPONENT_NOT_AUTHORIZED],
    doc: `${D}/openApi/authorization-management/api_getauthorizerinfo`,
  }),
  getAuthorizerList: endpoint({
    path: '/cgi-bin/component/api_get_authorizer_list', method: 'POST', token: COMPONENT,
    sends: ['component_appid', 'offset', 'count'], reads: ['total_count', 'list'], errcodes: [],
    doc: `${D}/openApi/authorization-management/api_getauthorizerlist`,
  }),
  /**
   * 快速注册企业小程序, new version (`new_version: true`): `action=create` answers a `taskid` and
   * an `authorize_url` the legal person opens within 24 h (the URL is the platform's to show as a
   * link or QR code: WeChat no longer messages the legal person); `action=query` reports the
   * task's `status`; the outcome is pushed as `notify_third_fasteregister` with `info.taskid`.
   *
   * The API page itself was not retrievable: WxJava cites
   * https://developers.weixin.qq.com/doc/oplatform/openApi/register-management/fast-registration-ent/api_fastregisterenterpriseweapp.html,
   * so `doc` is WeChat's announcement that retired `fastregisterweapp` on 2026-04-30 and lists
   * the new version's fields (name; code, 18-character unified social credit code only;
   * component_phone, required; new_version: true; no code_type, no legal-person fields; query by
   * taskid). The task `status` values follow the sibling page of the same new-version family
   * (https://developers.weixin.qq.com/doc/oplatform/openApi/register-management/fast-registration-ind/api_fastregisterpersonalmp.html),
   * the errcodes the table of the old enterprise page
   * (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/Register_Mini_Programs/Fast_Registration_Interface_document.html:
   * 89249 the company has a task running, 89250 no such task, 89253 missing parameter; 89247
   * "inner error" is also what WeChat answered a code of the wrong length, in
   * https://developers.weixin.qq.com/community/develop/doc/000eca9ce3459035b7ea3744951800).
   * The component token travels as `access_token` (the family's URLs; WxJava passes it so).
   */
  fastRegisterEnterpriseWeapp: endpoint({
    path: '/wxa/component/fastregisterenterpriseweapp', method: 'POST', token: COMPONENT_AS_ACCESS_TOKEN,
    sends: ['action', 'name', 'code', 'component_phone', 'new_version', 'taskid'], reads: ['taskid', 'authorize_url', 'status'],
    errcodes: [ERR.FAST_REGISTER_INNER_ERROR, ERR.FAST_REGISTER_TASK_RUNNING, ERR.FAST_REGISTER_TASK_NOT_FOUND, ERR.FAST_REGISTER_MISSING_PARAMS],
    doc: FAST_REGISTRATION_ANNOUNCEMENT,
  }),

  // ---- the platform's code template library (component token as access_token) --------------------
  getTemplateDraftList: endpoint({
    path: '/wxa/gettemplatedraftlist', method: 'GET', token: COMPONENT_AS_ACCESS_TOKEN,
    sends: [], reads: ['draft_list'], errcodes: [],
    doc: `${D}/openApi/thirdparty-management/template-management/api_gettemplatedraftlist`,
  }),
  addToTemplate: endpoint({
    path: '/wxa/addtotemplate', method: 'POST', token: COMPONENT_AS_ACCESS_TOKEN,
    sends: ['draft_id', 'template_type'], reads: [], errcodes: [ERR.DRAFT_NOT_FOUND, ERR.TEMPLATE_LIBRARY_FULL],
    doc: `${D}/openApi/thirdparty-management/template-management/api_addtotemplate`,
  }),
  getTemplateList: endpoint({
    path: '/wxa/gettemplatelist', method: 'GET', token: COMPONENT_AS_ACCESS_TOKEN,
    sends: ['template_type'], reads: ['template_list'], errcodes: [],
    doc: `${D}/openApi/thirdparty-management/template-management/api_gettemplatelist`,
  }),
  deleteTemplate: endpoint({
    path: '/wxa/deletetemplate', method: 'POST', token: COMPONENT_AS_ACCESS_TOKEN,
    sends: ['template_id'], reads: [], errcodes: [ERR.DRAFT_NOT_FOUND],
    doc: `${D}/en/openApi/OpenApiDoc/thirdparty-management/template-management/deleteTemplate.html`,
  }),

  // ---- basic information (authorizer token) -------------------------------------------------------
  getAccountBasicInfo: endpoint({
    // POST on WeChat's page (some SDKs use GET); the client sends an empty JSON object.
    path: '/cgi-bin/account/getaccountbasicinfo', method: 'POST', token: AUTHORIZER,
    sends: [], reads: ['*'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_getaccountbasicinfo.html`,
  }),
  checkWxVerifyNickname: endpoint({
    path: '/cgi-bin/wxverify/checkwxverifynickname', method: 'POST', token: AUTHORIZER,
    // Only for mini programs created through the API (注意事项: 该接口只允许通过api创建的小程序使用):
    // every other one gets 41033, which means "no pre-check here", not a failure.
    sends: ['nick_name'], reads: ['hit_condition', 'wording'], errcodes: [ERR.NICKNAME_CHECK_NOT_ALLOWED, ERR.NICKNAME_FORMAT],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_checknickname`,
  }),
  setNickname: endpoint({
    path: '/wxa/setnickname', method: 'POST', token: AUTHORIZER,
    sends: ['nick_name', 'id_card', 'license', 'naming_other_stuff_1', 'naming_other_stuff_2', 'naming_other_stuff_3', 'naming_other_stuff_4', 'naming_other_stuff_5'],
    reads: ['wording', 'audit_id'], errcodes: [ERR.NICKNAME_FORMAT],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_setnickname`,
  }),
  queryNickname: endpoint({
    path: '/wxa/api_wxa_querynickname', method: 'POST', token: AUTHORIZER,
    sends: ['audit_id'], reads: ['nickname', 'audit_stat', 'fail_reason', 'create_time', 'audit_time'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_getnicknamestatus`,
  }),
  uploadMedia: endpoint({
    path: '/cgi-bin/media/upload', method: 'POST', token: AUTHORIZER,
    sends: ['type', 'media (multipart)'], reads: ['media_id'], errcodes: [],
    doc: 'https://developers.weixin.qq.com/doc/service/api/material/temporary/api_uploadtempmedia',
  }),
  modifyHeadImage: endpoint({
    path: '/cgi-bin/account/modifyheadimage', method: 'POST', token: AUTHORIZER,
    // Five changes a year (一年内可申请修改5次); the media id must come from /cgi-bin/media/upload
    // with the authorizer's token (else 40007).
    sends: ['head_img_media_id', 'x1', 'y1', 'x2', 'y2'], reads: [], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_setheadimage.html`,
  }),
  modifySignature: endpoint({
    path: '/cgi-bin/account/modifysignature', method: 'POST', token: AUTHORIZER,
    sends: ['signature'], reads: [], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_setsignature.html`,
  }),
  // WeChat's paths are /wxa/…, not /cgi-bin/wxopen/… as our reference had them.
  getSearchStatus: endpoint({
    path: '/wxa/getwxasearchstatus', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['status'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_getsearchstatus`,
  }),
  changeSearchStatus: endpoint({
    path: '/wxa/changewxasearchstatus', method: 'POST', token: AUTHORIZER,
    sends: ['status'], reads: [], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/basic-info-management/api_setsearchstatus.html`,
  }),

  // ---- domains ----------------------------------------------------------------------------------------
  modifyDomain: endpoint({
    path: '/wxa/modify_domain', method: 'POST', token: AUTHORIZER,
    sends: ['action', 'requestdomain', 'wsrequestdomain', 'uploaddomain', 'downloaddomain', 'udpdomain', 'tcpdomain'],
    reads: ['requestdomain', 'wsrequestdomain', 'uploaddomain', 'downloaddomain', 'udpdomain', 'tcpdomain'], errcodes: [ERR.DOMAIN_NOT_ON_PLATFORM],
    // At most 200 per kind, 50 change requests a month, ICP-filed domains already on the platform's list.
    doc: `${D}/openApi/miniprogram-management/domain-management/api_modifyserverdomain`,
  }),
  getEffectiveDomain: endpoint({
    path: '/wxa/get_effective_domain', method: 'POST', token: AUTHORIZER,
    sends: [], reads: ['mp_domain', 'third_domain', 'direct_domain', 'effective_domain'], errcodes: [],
    doc: `${D}/en/openApi/OpenApiDoc/miniprogram-management/domain-management/getEffectiveServerDomain.html`,
  }),
  setWebviewDomain: endpoint({
    // At most 300 web-view domains, https only, no port; without an action every business domain
    // the platform registered is added.
    path: '/wxa/setwebviewdomain', method: 'POST', token: AUTHORIZER,
    sends: ['action', 'webviewdomain'], reads: ['webviewdomain'],
    errcodes: [ERR.WEBVIEW_DOMAINS_UNCHANGED, ERR.WEBVIEW_DOMAINS_NOT_SET, ERR.NOT_A_BUSINESS_DOMAIN, ERR.PERSONAL_NO_WEBVIEW],
    doc: `${D}/openApi/miniprogram-management/domain-management/api_modifyjumpdomain.html`,
  }),

  // ---- code and testers ---------------------------------------------------------------------------------
  commit: endpoint({
    path: '/wxa/commit', method: 'POST', token: AUTHORIZER,
    sends: ['template_id', 'ext_json', 'user_version', 'user_desc'], reads: [], errcodes: [ERR.INVALID_EXT_JSON, ERR.TEMPLATE_NOT_FOUND],
    doc: `${D}/openApi/miniprogram-management/code-management/api_commit`,
  }),
  getPage: endpoint({
    path: '/wxa/get_page', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['page_list'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_getcodepage`,
  }),
  getCategory: endpoint({
    path: '/wxa/get_category', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['category_list'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/category-management/api_getallcategoryname.html`,
  }),
  getQrcode: endpoint({
    path: '/wxa/get_qrcode', method: 'GET', token: AUTHORIZER,
    sends: ['path'], reads: ['image'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_gettrialqrcode`,
  }),
  bindTester: endpoint({
    path: '/wxa/bind_tester', method: 'POST', token: AUTHORIZER,
    sends: ['wechatid'], reads: ['userstr'], errcodes: [ERR.WECHAT_ID_NOT_FOUND, ERR.TESTER_LIMIT, ERR.TESTER_OF_TOO_MANY, ERR.ALREADY_TESTER],
    doc: `${D}/openApi/miniprogram-management/member-management/api_bindtester.html`,
  }),
  unbindTester: endpoint({
    path: '/wxa/unbind_tester', method: 'POST', token: AUTHORIZER,
    sends: ['wechatid', 'userstr'], reads: [], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/member-management/api_unbindtester.html`,
  }),
  memberAuth: endpoint({
    path: '/wxa/memberauth', method: 'POST', token: AUTHORIZER,
    sends: ['action'], reads: ['members'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/member-management/api_gettester.html`,
  }),
  getCodePrivacyInfo: endpoint({
    path: '/wxa/security/get_code_privacy_info', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['without_auth_list', 'without_conf_list'], errcodes: [ERR.PRIVACY_SCAN_RUNNING, ERR.PRIVACY_CHECK_FAILED],
    doc: `${D}/openApi/miniprogram-management/code-management/api_getcodeprivacyinfo`,
  }),

  // ---- privacy guide (用户隐私保护指引) ------------------------------------------------------------------
  // Despite the /cgi-bin/component/ path, both take the AUTHORIZER token as `access_token`
  // (permission set 18): the doc pages say authorizer_access_token.
  // privacy_ver 2 (default) is the development version, live only after audit and release;
  // privacy_ver 1 edits the live version's owner_setting (not ext_file_media_id) at once,
  // and answers 86074 while nothing is live. setting_list is required with 2, refused with 1.
  setPrivacySetting: endpoint({
    path: '/cgi-bin/component/setprivacysetting', method: 'POST', token: AUTHORIZER,
    sends: ['privacy_ver', 'owner_setting', 'setting_list'], reads: [],
    errcodes: [
      ERR.PRIVACY_OWNER_SETTING_MISSING, ERR.PRIVACY_NOTICE_METHOD_MISSING, ERR.PRIVACY_VER_INVALID, ERR.PRIVACY_STORE_EXPIRE_INVALID,
      ERR.PRIVACY_EXT_FILE_INVALID, ERR.PRIVACY_NO_LIVE_VERSION, ERR.PRIVACY_LIVE_EXT_FILE_LOCKED,
    ],
    doc: `${D}/openApi/miniprogram-management/privacy-management/api_setprivacysetting.html`,
  }),
  // POST with a body of at least `{}`; privacy_list is what WeChat's scan of the latest commit
  // found (empty without a recent commit, code_exist 0).
  getPrivacySetting: endpoint({
    path: '/cgi-bin/component/getprivacysetting', method: 'POST', token: AUTHORIZER,
    sends: ['privacy_ver'], reads: ['code_exist', 'privacy_list', 'setting_list', 'update_time', 'owner_setting', 'privacy_desc'],
    errcodes: [ERR.PRIVACY_VER_INVALID],
    doc: `${D}/openApi/miniprogram-management/privacy-management/api_getprivacysetting`,
  }),

  // ---- audit and release -----------------------------------------------------------------------------------
  queryQuota: endpoint({
    // The platform's quota, shared by all its mini programs (所有旗下小程序共用该额度), read with any
    // authorizer's token.
    path: '/wxa/queryquota', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['rest', 'limit', 'speedup_rest', 'speedup_limit'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_setcodeauditquota`,
  }),
  submitAudit: endpoint({
    path: '/wxa/submit_audit', method: 'POST', token: AUTHORIZER,
    sends: ['item_list', 'feedback_info', 'feedback_stuff', 'preview_info', 'version_desc', 'ugc_declare', 'privacy_api_not_use', 'order_path'], reads: ['auditid'],
    errcodes: [ERR.AUDIT_RUNNING, ERR.AUDIT_QUOTA, ERR.NOT_COMMITTED, ERR.PROFILE_INCOMPLETE],
    doc: `${D}/openApi/miniprogram-management/code-management/api_submitaudit`,
  }),
  getAuditStatus: endpoint({
    path: '/wxa/get_auditstatus', method: 'POST', token: AUTHORIZER,
    sends: ['auditid'], reads: ['status', 'reason', 'screenshot', 'ScreenShot'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_getauditstatus`,
  }),
  getLatestAuditStatus: endpoint({
    path: '/wxa/get_latest_auditstatus', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['auditid', 'status', 'reason', 'ScreenShot', 'screenshot', 'user_version', 'user_desc', 'submit_audit_time'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_getlatestauditstatus`,
  }),
  undoCodeAudit: endpoint({
    path: '/wxa/undocodeaudit', method: 'GET', token: AUTHORIZER,
    sends: [], reads: [], errcodes: [ERR.UNDO_AUDIT_QUOTA],
    doc: `${D}/openApi/miniprogram-management/code-management/api_undoaudit.html`,
  }),
  speedupAudit: endpoint({
    path: '/wxa/speedupaudit', method: 'POST', token: AUTHORIZER,
    sends: ['auditid'], reads: [], errcodes: [ERR.SPEEDUP_NOT_IN_QUEUE, ERR.SPEEDUP_ALREADY, ERR.SPEEDUP_QUOTA],
    doc: `${D}/openApi/miniprogram-management/code-management/api_speedupcodeaudit`,
  }),
  release: endpoint({
    path: '/wxa/release', method: 'POST', token: AUTHORIZER,
    sends: [], reads: [], errcodes: [ERR.NO_PASSED_VERSION, ERR.AUDIT_STATE_FORBIDS_RELEASE, ERR.ALREADY_RELEASED],
    doc: `${D}/openApi/miniprogram-management/code-management/api_release`,
  }),
  revertCodeRelease: endpoint({
    path: '/wxa/revertcoderelease', method: 'GET', token: AUTHORIZER,
    sends: ['app_version', 'action'], reads: ['version_list'], errcodes: [ERR.GRAY_RELEASE_RUNNING, ERR.CANNOT_REVERT],
    doc: `${D}/openApi/miniprogram-management/code-management/api_revertcoderelease.html`,
  }),
  /**
   * The staged release of the version that passed audit, *instead of* `release` (which is the
   * full rollout): it needs a version already online (85079) and a passed audit (85080);
   * gray_percentage is an integer 0–100, 0 only with one of the tester-first flags (85081);
   * called again on a running plan it may only go up (85082). `release` later completes the
   * rollout. Codes from the 2.0 page (T/api/code/grayrelease.html); the current page lists
   * only the common ones. 87011 belongs to revertcoderelease, not here.
   */
  grayRelease: endpoint({
    path: '/wxa/grayrelease', method: 'POST', token: AUTHORIZER,
    sends: ['gray_percentage', 'support_experiencer_first', 'support_debuger_first'], reads: [],
    errcodes: [ERR.GRAY_NO_ONLINE_VERSION, ERR.VERSION_NOT_PASSED_AUDIT, ERR.GRAY_INVALID_PERCENTAGE, ERR.GRAY_PERCENTAGE_NOT_HIGHER],
    doc: `${D}/openApi/miniprogram-management/code-management/api_grayrelease`,
  }),
  getGrayReleasePlan: endpoint({
    path: '/wxa/getgrayreleaseplan', method: 'GET', token: AUTHORIZER,
    sends: [], reads: ['gray_release_plan'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_getgrayreleaseplan`,
  }),
  revertGrayRelease: endpoint({
    path: '/wxa/revertgrayrelease', method: 'GET', token: AUTHORIZER,
    sends: [], reads: [], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_revertgrayrelease.html`,
  }),
  changeVisitStatus: endpoint({
    path: '/wxa/change_visitstatus', method: 'POST', token: AUTHORIZER,
    sends: ['action'], reads: [], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_setvisitstatus.html`,
  }),
  getVersionInfo: endpoint({
    path: '/wxa/getversioninfo', method: 'POST', token: AUTHORIZER,
    sends: [], reads: ['exp_info', 'release_info'], errcodes: [],
    doc: `${D}/openApi/miniprogram-management/code-management/api_getversioninfo.html`,
  }),

  // ---- mini-program codes ---------------------------------------------------------------------------------
  getWxaCode: endpoint({
    path: '/wxa/getwxacode', method: 'POST', token: AUTHORIZER,
    sends: ['path', 'width', 'auto_color', 'line_color', 'is_hyaline', 'env_version'], reads: ['image'], errcodes: [],
    // path up to 1024 characters; 100,000 codes per mini program, shared with createwxaqrcode (45029).
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode',
  }),
  getWxaCodeUnlimit: endpoint({
    path: '/wxa/getwxacodeunlimit', method: 'POST', token: AUTHORIZER,
    sends: ['scene', 'page', 'check_path', 'width', 'auto_color', 'line_color', 'is_hyaline', 'env_version'], reads: ['image'], errcodes: [],
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getunlimitedqrcode',
  }),
  createWxaQrcode: endpoint({
    // path up to 128 characters.
    path: '/cgi-bin/wxaapp/createwxaqrcode', method: 'POST', token: AUTHORIZER,
    sends: ['path', 'width'], reads: ['image'], errcodes: [],
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_createqrcode.html',
  }),
} as const satisfies Record<string, WeChatEndpoint>;

export type WeChatApiName = keyof typeof WECHAT_API;

/**
 * Paths WeChat no longer serves, or never served under that name: the simulator answers them
 * as WeChat does, so a client that still calls them fails here as it would in production.
 */
export const RETIRED_WECHAT_PATHS: Readonly<Record<string, { readonly why: string; readonly doc: string; readonly answer?: { readonly errcode: number; readonly errmsg: string } }>> = {
  // Since the switch-off WeChat answers `-1 system error` here (reported in the community:
  // https://developers.weixin.qq.com/community/develop/doc/000044ceb88098c22a152ff2c66000).
  '/cgi-bin/component/fastregisterweapp': {
    why: 'offline since 2026-04-30 12:00; fastregisterenterpriseweapp with new_version: true replaces it',
    doc: FAST_REGISTRATION_ANNOUNCEMENT,
    answer: { errcode: ERR.SYSTEM_BUSY, errmsg: 'system error' },
  },
  '/cgi-bin/wxopen/getwxasearchstatus': { why: 'the search-status APIs live under /wxa/', doc: WECHAT_API.getSearchStatus.doc },
  '/cgi-bin/wxopen/changewxasearchstatus': { why: 'the search-status APIs live under /wxa/', doc: WECHAT_API.changeSearchStatus.doc },
};

/** Every catalogued endpoint, as the common shape. */
export const WECHAT_ENDPOINTS: readonly WeChatEndpoint[] = Object.values(WECHAT_API);

const BY_PATH: ReadonlyMap<string, WeChatEndpoint> = new Map(WECHAT_ENDPOINTS.map((entry) => [entry.path, entry]));

/** The catalogue entry for a request path, if the platform calls it. */
export function endpointForPath(path: string): WeChatEndpoint | undefined {
  return BY_PATH.get(path);
}

/** Pages the merchant opens to authorize the platform (not API calls), relative to their hosts. */
export const AUTHORIZATION_PAGES = {
  /** PC: the owner scans a QR code shown on this page. */
  pc: '/cgi-bin/componentloginpage',
  /** Mobile: opened inside WeChat. */
  mobile: '/wxaopen/safe/bindcomponent',
} as const;
