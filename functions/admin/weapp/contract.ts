import * as z from 'zod';
import { route } from '../../lib/http/api-route';
import { ServerDomainLists, ServerDomainListsOut, WebviewDomainList } from '../../lib/weapp/domains';
import { PrivacySettingIn, PrivacySettingOut } from '../../lib/weapp/privacy';
import { AppId, AppParams, JsonObject } from '../app-schemas';

/**
 * The mini-program management routes of the admin API: one per operator action of the
 * original brief (steps 6 and 8–17). Contracts only — no service code — so the CDK manifest
 * and the OpenAPI document can import them.
 */
export { AppId, AppParams, JsonObject };
const Ok = z.object({ ok: z.literal(true) });
const A = '/admin/authorizers/{appId}';

export const AuditRecordOut = z.object({
  auditId: z.string(),
  status: z.enum(['passed', 'rejected', 'auditing', 'withdrawn', 'delayed']),
  submittedAt: z.string(),
  templateId: z.string().optional(),
  userVersion: z.string().optional(),
  userDesc: z.string().optional(),
  versionDesc: z.string().optional(),
  reason: z.string().optional(),
  screenshots: z.array(z.string()).optional(),
  decidedAt: z.string().optional(),
  events: z.array(z.object({ at: z.string(), event: z.string(), reason: z.string().optional(), screenshots: z.array(z.string()).optional() })),
});

const WeChatAuditStatus = z.object({
  auditId: z.string().optional(),
  status: z.enum(['passed', 'rejected', 'auditing', 'withdrawn', 'delayed']),
  reason: z.string(),
  screenshots: z.array(z.string()),
  userVersion: z.string().optional(),
  userDesc: z.string().optional(),
});

const CodeImageOptions = {
  width: z.number().int().min(280).max(1280).optional(),
  autoColor: z.boolean().optional(),
  lineColor: z.object({ r: z.number().int().min(0).max(255), g: z.number().int().min(0).max(255), b: z.number().int().min(0).max(255) }).optional(),
  isHyaline: z.boolean().optional(),
  envVersion: z.enum(['release', 'trial', 'develop']).optional(),
};

/**
 * WeChat's name pre-check. It exists only for mini programs created through the API
 * (fast registration); for the others WeChat answers 41033 and `checked` is false.
 */
const NicknameCheck = z.object({ checked: z.boolean(), hitCondition: z.boolean(), wording: z.string() });

export const WEAPP_ROUTES = {
  // ---- basic information (brief step 6) ----
  getBasicInfo: route({ method: 'GET', role: 'viewer', path: `${A}/basic-info`, tag: 'basic info', summary: 'Account basic information', params: AppParams, response: JsonObject, wechat: ['getaccountbasicinfo'] }),
  checkNickname: route({
    method: 'POST', role: 'operator', path: `${A}/nickname:check`, tag: 'basic info', summary: 'Check whether a name needs proof material (only mini programs created through the API can be checked)', params: AppParams,
    body: z.object({ nickName: z.string().min(1).max(60) }).strict(),
    response: NicknameCheck, wechat: ['checkwxverifynickname'],
  }),
  setNickname: route({
    method: 'PUT', role: 'operator', path: `${A}/nickname`, tag: 'basic info', summary: 'Set the name (checked first where WeChat allows; a name needing review returns its audit id)', params: AppParams,
    body: z.object({ nickName: z.string().min(1).max(60), idCard: z.string().optional(), license: z.string().optional(), namingOtherStuff: z.array(z.string()).max(5).optional() }).strict(),
    response: z.object({ wording: z.string(), auditId: z.string().optional(), check: NicknameCheck }),
    wechat: ['checkwxverifynickname', 'setnickname'],
  }),
  getNicknameAudit: route({
    method: 'GET', role: 'viewer', path: `${A}/nickname/audits/{auditId}`, tag: 'basic info', summary: 'Status of a name review',
    params: AppParams.extend({ auditId: z.string().regex(/^\d{1,20}$/) }),
    response: z.object({ nickname: z.string(), status: z.enum(['auditing', 'rejected', 'passed', 'unknown']), failReason: z.string() }), wechat: ['api_wxa_querynickname'],
  }),
  setHeadImage: route({
    method: 'PUT', role: 'operator', path: `${A}/head-image`, tag: 'basic info', summary: 'Upload and set the avatar (base64 image)', params: AppParams,
    // A 2 MB image is about 2.7 MB as base64 in JSON: over the default body limit.
    maxBodyBytes: 3 * 1024 * 1024 + 64 * 1024,
    body: z.object({
      image: z.base64().max(3_000_000, 'image over 2 MB'),
      contentType: z.enum(['image/png', 'image/jpeg']),
      crop: z.object({ x1: z.number().min(0).max(1), y1: z.number().min(0).max(1), x2: z.number().min(0).max(1), y2: z.number().min(0).max(1) }).optional(),
    }).strict(),
    response: z.object({ mediaId: z.string() }), wechat: ['media/upload', 'modifyheadimage'],
  }),
  setSignature: route({
    method: 'PUT', role: 'operator', path: `${A}/signature`, tag: 'basic info', summary: 'Set the description (4–120 characters)', params: AppParams,
    body: z.object({ signature: z.string().min(4).max(120) }).strict(), response: Ok, wechat: ['modifysignature'],
  }),
  getSearchStatus: route({ method: 'GET', role: 'viewer', path: `${A}/search-status`, tag: 'basic info', summary: 'Whether the app can be found by search', params: AppParams, response: z.object({ searchable: z.boolean() }), wechat: ['getwxasearchstatus'] }),
  setSearchStatus: route({
    method: 'PUT', role: 'operator', path: `${A}/search-status`, tag: 'basic info', summary: 'Let the app be found by search, or hide it', params: AppParams,
    body: z.object({ searchable: z.boolean() }).strict(), response: z.object({ searchable: z.boolean() }), wechat: ['changewxasearchstatus'],
  }),

  // ---- server and web-view domains (steps 8–9) ----
  getDomains: route({ method: 'GET', role: 'viewer', path: `${A}/domains`, tag: 'domains', summary: 'Server domains', params: AppParams, response: ServerDomainListsOut, wechat: ['modify_domain (get)'] }),
  setDomains: route({
    method: 'PUT', role: 'operator', path: `${A}/domains`, tag: 'domains', summary: 'Replace the server domains (counts against 50 changes a month)', params: AppParams,
    body: ServerDomainLists, response: ServerDomainListsOut, wechat: ['modify_domain (set)'],
  }),
  addDomains: route({ method: 'POST', role: 'operator', path: `${A}/domains:add`, tag: 'domains', summary: 'Add server domains', params: AppParams, body: ServerDomainLists, response: ServerDomainListsOut, wechat: ['modify_domain (add)'] }),
  deleteDomains: route({ method: 'POST', role: 'operator', path: `${A}/domains:delete`, tag: 'domains', summary: 'Remove server domains', params: AppParams, body: ServerDomainLists, response: ServerDomainListsOut, wechat: ['modify_domain (delete)'] }),
  getEffectiveDomains: route({ method: 'GET', role: 'viewer', path: `${A}/domains/effective`, tag: 'domains', summary: 'Domains in effect (own, platform and direct)', params: AppParams, response: JsonObject, wechat: ['get_effective_domain'] }),
  getWebviewDomains: route({ method: 'GET', role: 'viewer', path: `${A}/webview-domains`, tag: 'domains', summary: 'Web-view (business) domains', params: AppParams, response: z.object({ webview: z.array(z.string()) }), wechat: ['setwebviewdomain (get)'] }),
  setWebviewDomains: route({
    method: 'PUT', role: 'operator', path: `${A}/webview-domains`, tag: 'domains', summary: 'Replace the web-view domains', params: AppParams,
    body: z.object({ webview: WebviewDomainList }).strict(), response: z.object({ webview: z.array(z.string()) }), wechat: ['setwebviewdomain (set)'],
  }),
  addWebviewDomains: route({
    method: 'POST', role: 'operator', path: `${A}/webview-domains:add`, tag: 'domains', summary: 'Add web-view domains', params: AppParams,
    body: z.object({ webview: WebviewDomainList.min(1) }).strict(), response: z.object({ webview: z.array(z.string()) }), wechat: ['setwebviewdomain (add)'],
  }),
  deleteWebviewDomains: route({
    method: 'POST', role: 'operator', path: `${A}/webview-domains:delete`, tag: 'domains', summary: 'Remove web-view domains', params: AppParams,
    body: z.object({ webview: WebviewDomainList.min(1) }).strict(), response: z.object({ webview: z.array(z.string()) }), wechat: ['setwebviewdomain (delete)'],
  }),

  // ---- code, testers, trial QR (steps 10–12) ----
  commit: route({
    method: 'POST', role: 'operator', path: `${A}/code:commit`, tag: 'code', summary: 'Upload code from a template with this app’s ext_json', params: AppParams,
    body: z.object({
      templateId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
      userVersion: z.string().min(1).max(64),
      userDesc: z.string().max(1024).default(''),
      /** Shared by every app of a release; `extJson` is merged over it. */
      extJsonBase: JsonObject.optional(),
      extJson: JsonObject.optional(),
    }).strict(),
    response: z.object({ templateId: z.string(), userVersion: z.string(), committedAt: z.string(), extJson: JsonObject }), wechat: ['commit'],
  }),
  getPages: route({ method: 'GET', role: 'viewer', path: `${A}/code/pages`, tag: 'code', summary: 'Pages of the committed code', params: AppParams, response: z.object({ pages: z.array(z.string()) }), wechat: ['get_page'] }),
  getCategories: route({ method: 'GET', role: 'viewer', path: `${A}/categories`, tag: 'code', summary: 'Categories the app may be audited under', params: AppParams, response: z.object({ categories: z.array(JsonObject) }), wechat: ['get_category'] }),
  getTrialQrcode: route({
    method: 'GET', role: 'viewer', path: `${A}/code/trial-qrcode`, tag: 'code', summary: 'Trial version QR code (image)', params: AppParams,
    query: z.object({ path: z.string().max(512).optional() }).strict(), response: 'image', wechat: ['get_qrcode'],
  }),
  listTesters: route({ method: 'GET', role: 'viewer', path: `${A}/testers`, tag: 'testers', summary: 'Testers (their userstr)', params: AppParams, response: z.object({ testers: z.array(z.object({ userstr: z.string() })) }), wechat: ['memberauth'] }),
  bindTester: route({
    method: 'POST', role: 'operator', path: `${A}/testers`, tag: 'testers', summary: 'Add a tester by WeChat id', params: AppParams,
    body: z.object({ wechatId: z.string().min(1).max(64) }).strict(), response: z.object({ userstr: z.string() }), status: 201, wechat: ['bind_tester'],
  }),
  unbindTester: route({
    method: 'DELETE', role: 'operator', path: `${A}/testers/{tester}`, tag: 'testers', summary: 'Remove a tester by WeChat id or userstr (?by=userstr)',
    params: AppParams.extend({ tester: z.string().min(1).max(128) }), query: z.object({ by: z.enum(['wechatId', 'userstr']).default('wechatId') }).strict(), response: Ok, wechat: ['unbind_tester'],
  }),

  // ---- user privacy guide (required before WeChat passes an audit of code collecting user information) ----
  getPrivacy: route({
    method: 'GET', role: 'viewer', path: `${A}/privacy`, tag: 'privacy', summary: 'Privacy guide: the development version (2, default) or the live one (1), with the types WeChat detected in the committed code',
    params: AppParams, query: z.object({ privacyVer: z.enum(['1', '2']).default('2') }).strict(), response: PrivacySettingOut, wechat: ['getprivacysetting'],
  }),
  setPrivacy: route({
    method: 'PUT', role: 'operator', path: `${A}/privacy`, tag: 'privacy',
    summary: 'Set the privacy guide: the development version (takes effect after audit and release), or only the live version’s contacts and notice (privacyVer 1); answers the version as WeChat then reports it',
    params: AppParams, body: PrivacySettingIn, response: PrivacySettingOut, wechat: ['setprivacysetting', 'getprivacysetting'],
  }),

  // ---- audit, release, rollback (steps 13–16) ----
  listAudits: route({ method: 'GET', role: 'viewer', path: `${A}/audits`, tag: 'audit', summary: 'Audit history with WeChat’s reasons and screenshots', params: AppParams, response: z.object({ audits: z.array(AuditRecordOut) }) }),
  submitAudit: route({
    method: 'POST', role: 'operator', path: `${A}/audits`, tag: 'audit', summary: 'Submit the committed code for audit (privacy scan and quota checked first)', params: AppParams,
    body: z.object({
      itemList: z.array(z.object({
        address: z.string().optional(), tag: z.string().optional(), firstClass: z.string().optional(), secondClass: z.string().optional(), thirdClass: z.string().optional(),
        firstId: z.number().int().optional(), secondId: z.number().int().optional(), thirdId: z.number().int().optional(), title: z.string().optional(),
      }).strict()).max(5).optional(),
      versionDesc: z.string().max(500).optional(),
      feedbackInfo: z.string().max(200).optional(),
      feedbackStuff: z.string().optional(),
      ugcDeclare: JsonObject.optional(),
      privacyApiNotUse: z.boolean().optional(),
      orderPath: z.string().optional(),
    }).strict(),
    response: AuditRecordOut.extend({ quota: z.object({ rest: z.number(), limit: z.number() }) }), status: 201,
    wechat: ['get_code_privacy_info', 'queryquota', 'submit_audit'],
  }),
  getLatestAudit: route({ method: 'GET', role: 'viewer', path: `${A}/audits/latest`, tag: 'audit', summary: 'Latest audit as WeChat reports it', params: AppParams, response: WeChatAuditStatus, wechat: ['get_latest_auditstatus'] }),
  getAudit: route({
    method: 'GET', role: 'viewer', path: `${A}/audits/{auditId}`, tag: 'audit', summary: 'One audit as WeChat reports it',
    params: AppParams.extend({ auditId: z.string().regex(/^\d{1,20}$/, 'auditId is a number') }), response: WeChatAuditStatus, wechat: ['get_auditstatus'],
  }),
  undoAudit: route({ method: 'POST', role: 'operator', path: `${A}/audits:undo`, tag: 'audit', summary: 'Withdraw the running audit (5 a day, 10 a month)', params: AppParams, response: Ok, wechat: ['undocodeaudit'] }),
  release: route({ method: 'POST', role: 'operator', path: `${A}/release`, tag: 'release', summary: 'Release the version that passed audit', params: AppParams, response: Ok, wechat: ['release'] }),
  revertRelease: route({
    method: 'POST', role: 'operator', path: `${A}/release:revert`, tag: 'release', summary: 'Roll back to the previous release (one level), or to a listed version', params: AppParams,
    body: z.object({ appVersion: z.string().regex(/^\d+$/).optional() }).strict(), response: Ok, wechat: ['revertcoderelease'],
  }),
  getReleaseHistory: route({ method: 'GET', role: 'viewer', path: `${A}/release/history`, tag: 'release', summary: 'Versions a rollback can target', params: AppParams, response: z.object({ versions: z.array(JsonObject) }), wechat: ['revertcoderelease?action=get_history_version'] }),
  getGrayRelease: route({
    method: 'GET', role: 'viewer', path: `${A}/gray-release`, tag: 'release', summary: 'Staged (gray) release plan: status 0 none, 1 running, 2 paused, 3 finished, 4 cancelled', params: AppParams,
    response: z.object({
      status: z.number(), create_timestamp: z.number().optional(), gray_percentage: z.number(),
      support_experiencer_first: z.boolean().optional(), support_debuger_first: z.boolean().optional(),
    }),
    wechat: ['getgrayreleaseplan'],
  }),
  setGrayRelease: route({
    method: 'PUT', role: 'operator', path: `${A}/gray-release`, tag: 'release',
    summary: 'Release the version that passed audit to a share of users, or widen a running gray release (needs a version online; the share only goes up)', params: AppParams,
    body: z.object({
      percentage: z.number().int().min(0).max(100),
      /** Testers (体验成员) / project members (项目成员) get it first; 0 % needs one of them. */
      experiencersFirst: z.boolean().optional(),
      debuggersFirst: z.boolean().optional(),
    }).strict().refine((b) => b.percentage > 0 || b.experiencersFirst || b.debuggersFirst, { message: 'percentage 0 reaches only testers: set experiencersFirst or debuggersFirst', path: ['percentage'] }),
    response: Ok, wechat: ['grayrelease'],
  }),
  completeGrayRelease: route({
    method: 'POST', role: 'operator', path: `${A}/gray-release:complete`, tag: 'release', summary: 'Complete the gray release: the version goes live for everyone (WeChat\'s release)', params: AppParams,
    response: Ok, wechat: ['release'],
  }),
  revertGrayRelease: route({ method: 'DELETE', role: 'operator', path: `${A}/gray-release`, tag: 'release', summary: 'Cancel the gray release: its users go back to the version online before it', params: AppParams, response: Ok, wechat: ['revertgrayrelease'] }),
  setVisitStatus: route({
    method: 'PUT', role: 'operator', path: `${A}/visit-status`, tag: 'release', summary: 'Put the app online or take it offline', params: AppParams,
    body: z.object({ status: z.enum(['online', 'offline']) }).strict(), response: Ok, wechat: ['change_visitstatus'],
  }),
  getVersions: route({ method: 'GET', role: 'viewer', path: `${A}/versions`, tag: 'release', summary: 'Trial and released versions', params: AppParams, response: z.object({ trial: JsonObject.nullable(), release: JsonObject.nullable() }), wechat: ['getversioninfo'] }),

  // ---- mini-program codes (step 17) ----
  getWxaCode: route({
    method: 'POST', role: 'operator', path: `${A}/wxacode`, tag: 'codes', summary: 'Mini-program code for a path (counts against 100,000 per app)', params: AppParams,
    // getwxacode takes a path of up to 1024 characters (createwxaqrcode: 128).
    // https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode
    body: z.object({ path: z.string().min(1).max(1024), ...CodeImageOptions }).strict(), response: 'image', wechat: ['getwxacode'],
  }),
  getWxaCodeUnlimited: route({
    method: 'POST', role: 'operator', path: `${A}/wxacode:unlimited`, tag: 'codes', summary: 'Mini-program code carrying a scene (unlimited count)', params: AppParams,
    body: z.object({
      scene: z.string().min(1).max(32).regex(/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/, 'scene: at most 32 visible characters of 0-9 a-z A-Z !#$&\'()*+,/:;=?@-._~'),
      page: z.string().max(128).optional(),
      checkPath: z.boolean().optional(),
      ...CodeImageOptions,
    }).strict(),
    response: 'image', wechat: ['getwxacodeunlimit'],
  }),
  createQrcode: route({
    method: 'POST', role: 'operator', path: `${A}/qrcode`, tag: 'codes', summary: 'Classic square QR code (counts against 100,000 per app)', params: AppParams,
    body: z.object({ path: z.string().min(1).max(128), width: z.number().int().min(280).max(1280).optional() }).strict(), response: 'image', wechat: ['createwxaqrcode'],
  }),
} as const;

export const TEMPLATE_ROUTES = {
  listDrafts: route({ method: 'GET', role: 'viewer', path: '/admin/templates/drafts', tag: 'templates', summary: 'Drafts uploaded from the developer tools', response: z.object({ drafts: z.array(JsonObject) }), wechat: ['gettemplatedraftlist'] }),
  listTemplates: route({
    method: 'GET', role: 'viewer', path: '/admin/templates', tag: 'templates', summary: 'The template library',
    query: z.object({ type: z.enum(['normal', 'standard']).optional() }).strict(), response: z.object({ templates: z.array(JsonObject) }), wechat: ['gettemplatelist'],
  }),
  addTemplate: route({
    method: 'POST', role: 'admin', path: '/admin/templates', tag: 'templates', summary: 'Add a draft to the template library',
    body: z.object({ draftId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String), templateType: z.enum(['normal', 'standard']).default('normal') }).strict(),
    response: Ok, status: 201, wechat: ['addtotemplate'],
  }),
  deleteTemplate: route({
    method: 'DELETE', role: 'admin', path: '/admin/templates/{templateId}', tag: 'templates', summary: 'Delete a template (the library is capped)',
    params: z.object({ templateId: z.string().regex(/^\d+$/, 'templateId is a number') }), response: Ok, wechat: ['deletetemplate'],
  }),
} as const;
