import * as z from 'zod';
import type { $ZodType } from 'zod/v4/core';
import { ImageAnswer, type AccessTokenProvider, type WeChatClient, type WeChatImage } from './client';
import { WECHAT_API, type WeChatEndpoint } from './catalogue';

/** The six server-domain kinds of `modify_domain`, in WeChat's field names. */
export const DOMAIN_KINDS = ['requestdomain', 'wsrequestdomain', 'uploaddomain', 'downloaddomain', 'udpdomain', 'tcpdomain'] as const;
export type DomainKind = (typeof DOMAIN_KINDS)[number];
export type ServerDomains = Partial<Record<DomainKind, string[]>>;

const Loose = z.object({}).loose();
const StringList = z.array(z.string()).default([]);

export const ServerDomainsResponse = z
  .object(Object.fromEntries(DOMAIN_KINDS.map((k) => [k, StringList])) as Record<DomainKind, typeof StringList>)
  .loose();
export const WebviewDomainResponse = z.object({ webviewdomain: StringList }).loose();
export const NicknameCheckResponse = z.object({ hit_condition: z.boolean().default(false), wording: z.string().default('') }).loose();
export const SetNicknameResponse = z.object({ wording: z.string().default(''), audit_id: z.union([z.number(), z.string()]).optional() }).loose();
export const QueryNicknameResponse = z.object({ nickname: z.string().default(''), audit_stat: z.number().int(), fail_reason: z.string().default(''), create_time: z.number().optional(), audit_time: z.number().optional() }).loose();
export const MediaUploadResponse = z.object({ media_id: z.string().min(1) }).loose();
export const SearchStatusResponse = z.object({ status: z.number().int() }).loose();
export const PageListResponse = z.object({ page_list: StringList }).loose();
export const CategoryListResponse = z.object({ category_list: z.array(Loose).default([]) }).loose();
export const BindTesterResponse = z.object({ userstr: z.string().default('') }).loose();
export const TestersResponse = z.object({ members: z.array(z.object({ userstr: z.string() }).loose()).default([]) }).loose();
export const PrivacyInfoResponse = z.object({ without_auth_list: StringList, without_conf_list: StringList }).loose();
export const QuotaResponse = z.object({ rest: z.number().int(), limit: z.number().int(), speedup_rest: z.number().int().default(0), speedup_limit: z.number().int().default(0) }).loose();
export const SubmitAuditResponse = z.object({ auditid: z.union([z.number(), z.string()]).transform(String) }).loose();
/**
 * `get_auditstatus` names the rejection screenshots `screenshot`; `get_latest_auditstatus`'s page
 * shows `screenshot` in its table and `ScreenShot` in its example
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_getauditstatus,
 * …/api_getlatestauditstatus): both spellings are read, into `screenshots`.
 */
export const AuditStatusResponse = z
  .object({
    auditid: z.union([z.number(), z.string()]).transform(String).optional(),
    status: z.number().int(),
    reason: z.string().default(''),
    screenshot: z.string().optional(),
    ScreenShot: z.string().optional(),
    user_version: z.string().optional(),
    user_desc: z.string().optional(),
    submit_audit_time: z.number().optional(),
  })
  .loose()
  .transform(({ screenshot, ScreenShot, ...rest }) => ({ ...rest, screenshots: (screenshot || ScreenShot || '').split('|').filter(Boolean) }));
export const HistoryVersionResponse = z.object({ version_list: z.array(Loose).default([]) }).loose();
/** getgrayreleaseplan: status 0 none yet, 1 running, 2 paused, 3 finished, 4 deleted (cancelled). */
export const GrayPlan = z
  .object({
    status: z.number(),
    create_timestamp: z.number().optional(),
    gray_percentage: z.number().default(0),
    support_experiencer_first: z.boolean().optional(),
    support_debuger_first: z.boolean().optional(),
  })
  .loose();
export type GrayPlan = z.infer<typeof GrayPlan>;
export const GrayPlanResponse = z.object({ gray_release_plan: GrayPlan }).loose();
export const VersionInfoResponse = z.object({ exp_info: Loose.optional(), release_info: Loose.optional() }).loose();
export const EffectiveDomainResponse = Loose;
export const BasicInfoResponse = Loose;

/** The contact and notice fields of a privacy guide, in WeChat's names (`owner_setting`). */
export const PRIVACY_OWNER_FIELDS = ['contact_email', 'contact_phone', 'contact_qq', 'contact_weixin', 'ext_file_media_id', 'notice_method', 'store_expire_timestamp'] as const;
export type PrivacyOwnerSetting = Partial<Record<(typeof PRIVACY_OWNER_FIELDS)[number], string>>;
export interface PrivacySettingItem {
  privacy_key: string;
  privacy_text: string;
}
/** `setprivacysetting`'s body: `setting_list` goes with privacy_ver 2 (default) and never with 1. */
export interface SetPrivacySettingBody {
  privacy_ver?: 1 | 2;
  owner_setting: PrivacyOwnerSetting;
  setting_list?: PrivacySettingItem[];
}
/**
 * `getprivacysetting`'s answer
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/privacy-management/api_getprivacysetting):
 * WeChat sends every owner_setting field, empty when unset, and lists in `setting_list` the
 * detected keys not yet configured with an empty `privacy_text`.
 */
export const PrivacySettingResponse = z
  .object({
    code_exist: z.number().int().default(0),
    privacy_list: StringList,
    setting_list: z.array(z.object({ privacy_key: z.string(), privacy_text: z.string().default(''), privacy_label: z.string().default('') }).loose()).default([]),
    update_time: z.number().default(0),
    owner_setting: z.object(Object.fromEntries(PRIVACY_OWNER_FIELDS.map((f) => [f, z.string().default('')])) as Record<(typeof PRIVACY_OWNER_FIELDS)[number], z.ZodDefault<z.ZodString>>).loose().default(
      Object.fromEntries(PRIVACY_OWNER_FIELDS.map((f) => [f, ''])) as Record<(typeof PRIVACY_OWNER_FIELDS)[number], string>,
    ),
    privacy_desc: z.object({ privacy_desc_list: z.array(z.object({ privacy_key: z.string(), privacy_desc: z.string().default('') }).loose()).default([]) }).loose().default({ privacy_desc_list: [] }),
  })
  .loose();

/** The audit request WeChat takes; every field is optional (`{}` lets WeChat pick). */
export interface SubmitAuditBody {
  item_list?: Record<string, unknown>[];
  feedback_info?: string;
  feedback_stuff?: string;
  preview_info?: Record<string, unknown>;
  version_desc?: string;
  ugc_declare?: Record<string, unknown>;
  privacy_api_not_use?: boolean;
  order_path?: string;
}

/**
 * The mini-program management APIs of one authorizer, called with its access token. Method
 * names are WeChat's verbs; the token provider refreshes on an invalid token.
 */
export class WeappApi {
  constructor(
    private readonly client: WeChatClient,
    private readonly token: AccessTokenProvider,
  ) {}

  // Schemas of either zod build: these are classic, the client's ImageAnswer is zod/mini.
  private post<S extends $ZodType>(api: WeChatEndpoint, body: unknown, schema: S) {
    return this.client.call(api, { body, token: this.token, schema });
  }

  private get<S extends $ZodType>(api: WeChatEndpoint, schema: S, query?: Record<string, string | number>) {
    return this.client.call(api, { query, token: this.token, schema });
  }

  // ---- basic information ------------------------------------------------------------------
  /** A POST without fields (WeChat's page says POST; an empty JSON object is sent). */
  getAccountBasicInfo() {
    return this.post(WECHAT_API.getAccountBasicInfo, {}, BasicInfoResponse);
  }
  checkWxVerifyNickname(nickName: string) {
    return this.post(WECHAT_API.checkWxVerifyNickname, { nick_name: nickName }, NicknameCheckResponse);
  }
  setNickname(body: Record<string, string>) {
    return this.post(WECHAT_API.setNickname, body, SetNicknameResponse);
  }
  queryNickname(auditId: string) {
    return this.post(WECHAT_API.queryNickname, { audit_id: auditId }, QueryNicknameResponse);
  }
  uploadImage(file: { filename: string; contentType: string; data: Buffer }) {
    return this.client.call(WECHAT_API.uploadMedia, { query: { type: 'image' }, file: { field: 'media', ...file }, token: this.token, schema: MediaUploadResponse });
  }
  modifyHeadImage(body: { head_img_media_id: string; x1: number; y1: number; x2: number; y2: number }) {
    return this.post(WECHAT_API.modifyHeadImage, body, Loose);
  }
  modifySignature(signature: string) {
    return this.post(WECHAT_API.modifySignature, { signature }, Loose);
  }
  getSearchStatus() {
    return this.get(WECHAT_API.getSearchStatus, SearchStatusResponse);
  }
  changeSearchStatus(status: 0 | 1) {
    return this.post(WECHAT_API.changeSearchStatus, { status }, Loose);
  }

  // ---- domains --------------------------------------------------------------------------------
  modifyDomain(action: 'get' | 'add' | 'delete' | 'set', domains: ServerDomains = {}) {
    return this.post(WECHAT_API.modifyDomain, { action, ...domains }, ServerDomainsResponse);
  }
  getEffectiveDomain() {
    return this.post(WECHAT_API.getEffectiveDomain, {}, EffectiveDomainResponse);
  }
  setWebviewDomain(action: 'get' | 'add' | 'delete' | 'set', webviewdomain: string[] = []) {
    return this.post(WECHAT_API.setWebviewDomain, action === 'get' ? { action } : { action, webviewdomain }, WebviewDomainResponse);
  }

  // ---- code and testers -------------------------------------------------------------------------
  commit(body: { template_id: string | number; ext_json: string; user_version: string; user_desc: string }) {
    return this.post(WECHAT_API.commit, body, Loose);
  }
  getPage() {
    return this.get(WECHAT_API.getPage, PageListResponse);
  }
  getCategory() {
    return this.get(WECHAT_API.getCategory, CategoryListResponse);
  }
  getQrcode(path?: string): Promise<WeChatImage> {
    return this.get(WECHAT_API.getQrcode, ImageAnswer, path ? { path } : undefined);
  }
  bindTester(wechatid: string) {
    return this.post(WECHAT_API.bindTester, { wechatid }, BindTesterResponse);
  }
  unbindTester(who: { wechatid: string } | { userstr: string }) {
    return this.post(WECHAT_API.unbindTester, who, Loose);
  }
  getTesters() {
    return this.post(WECHAT_API.memberAuth, { action: 'get_experiencer' }, TestersResponse);
  }
  getCodePrivacyInfo() {
    return this.get(WECHAT_API.getCodePrivacyInfo, PrivacyInfoResponse);
  }

  // ---- privacy guide (authorizer token, despite the /cgi-bin/component/ path) -------------------------
  getPrivacySetting(privacyVer: 1 | 2 = 2) {
    return this.post(WECHAT_API.getPrivacySetting, { privacy_ver: privacyVer }, PrivacySettingResponse);
  }
  setPrivacySetting(body: SetPrivacySettingBody) {
    return this.post(WECHAT_API.setPrivacySetting, body, Loose);
  }

  // ---- audit and release --------------------------------------------------------------------------
  queryQuota() {
    return this.get(WECHAT_API.queryQuota, QuotaResponse);
  }
  submitAudit(body: SubmitAuditBody) {
    return this.post(WECHAT_API.submitAudit, body, SubmitAuditResponse);
  }
  getAuditStatus(auditId: string) {
    return this.post(WECHAT_API.getAuditStatus, { auditid: Number(auditId) }, AuditStatusResponse);
  }
  getLatestAuditStatus() {
    return this.get(WECHAT_API.getLatestAuditStatus, AuditStatusResponse);
  }
  undoCodeAudit() {
    return this.get(WECHAT_API.undoCodeAudit, Loose);
  }
  speedupAudit(auditId: string) {
    return this.post(WECHAT_API.speedupAudit, { auditid: Number(auditId) }, Loose);
  }
  /** WeChat insists on a body of exactly `{}`. */
  release() {
    return this.post(WECHAT_API.release, {}, Loose);
  }
  revertCodeRelease(appVersion?: string) {
    return this.get(WECHAT_API.revertCodeRelease, Loose, appVersion ? { app_version: appVersion } : undefined);
  }
  getHistoryVersion() {
    return this.get(WECHAT_API.revertCodeRelease, HistoryVersionResponse, { action: 'get_history_version' });
  }
  /** 0 % reaches only the testers the flags name (WeChat wants one of them then). */
  grayRelease(percentage: number, first: { experiencers?: boolean; debuggers?: boolean } = {}) {
    return this.post(
      WECHAT_API.grayRelease,
      { gray_percentage: percentage, ...(first.experiencers !== undefined ? { support_experiencer_first: first.experiencers } : {}), ...(first.debuggers !== undefined ? { support_debuger_first: first.debuggers } : {}) },
      Loose,
    );
  }
  getGrayReleasePlan() {
    return this.get(WECHAT_API.getGrayReleasePlan, GrayPlanResponse);
  }
  revertGrayRelease() {
    return this.get(WECHAT_API.revertGrayRelease, Loose);
  }
  changeVisitStatus(action: 'open' | 'close') {
    return this.post(WECHAT_API.changeVisitStatus, { action }, Loose);
  }
  getVersionInfo() {
    return this.post(WECHAT_API.getVersionInfo, {}, VersionInfoResponse);
  }

  // ---- mini-program codes -----------------------------------------------------------------------------
  getWxaCode(body: Record<string, unknown>): Promise<WeChatImage> {
    return this.client.call(WECHAT_API.getWxaCode, { body, token: this.token, schema: ImageAnswer });
  }
  getWxaCodeUnlimit(body: Record<string, unknown>): Promise<WeChatImage> {
    return this.client.call(WECHAT_API.getWxaCodeUnlimit, { body, token: this.token, schema: ImageAnswer });
  }
  createWxaQrcode(body: Record<string, unknown>): Promise<WeChatImage> {
    return this.client.call(WECHAT_API.createWxaQrcode, { body, token: this.token, schema: ImageAnswer });
  }
}

export const DraftListResponse = z.object({ draft_list: z.array(Loose).default([]) }).loose();
export const TemplateListResponse = z.object({ template_list: z.array(Loose).default([]) }).loose();

/** The platform's template library, called with the component access token. */
export class TemplateApi {
  constructor(
    private readonly client: WeChatClient,
    private readonly token: AccessTokenProvider,
  ) {}

  getTemplateDraftList() {
    return this.client.call(WECHAT_API.getTemplateDraftList, { token: this.token, schema: DraftListResponse });
  }
  addToTemplate(draftId: string | number, templateType: 0 | 1) {
    return this.client.call(WECHAT_API.addToTemplate, { body: { draft_id: Number(draftId), template_type: templateType }, token: this.token, schema: Loose });
  }
  getTemplateList(templateType?: 0 | 1) {
    return this.client.call(WECHAT_API.getTemplateList, { query: templateType === undefined ? {} : { template_type: templateType }, token: this.token, schema: TemplateListResponse });
  }
  deleteTemplate(templateId: string | number) {
    return this.client.call(WECHAT_API.deleteTemplate, { body: { template_id: Number(templateId) }, token: this.token, schema: Loose });
  }
}
