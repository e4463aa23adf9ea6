import { createHash } from 'node:crypto';
import { QuotaExceededError } from '../errors';
import type { AuditRecord, AuditStore } from '../store/audit-store';
import { AUDIT_STATUS_BY_CODE } from '../store/audit-store';
import type { QuotaStore } from '../store/quota-store';
import { quotaPeriod } from '../store/quota-store';
import type { AuthorizerAccessTokens } from '../tokens/authorizer-access-token';
import type { WeChatClient } from '../wechat/client';
import { WeChatApiError } from '../wechat/errors';
import { WeappApi, type ServerDomains, type SetPrivacySettingBody, type SubmitAuditBody } from '../wechat/weapp';
import { buildExtJson, type JsonObject } from './ext-json';
import { ERR } from '../wechat/errcodes';

export interface MiniProgramServiceDeps {
  client: WeChatClient;
  tokens: AuthorizerAccessTokens;
  quotas: QuotaStore;
  audits: AuditStore;
  now?: () => number;
}

export interface CommitInput {
  /** The release this commit belongs to, so a re-run step can tell it already happened. */
  releaseId?: string;
  templateId: string;
  userVersion: string;
  userDesc: string;
  extJsonBase?: JsonObject;
  extJson?: JsonObject;
}

export interface AuditItem {
  address?: string;
  tag?: string;
  firstClass?: string;
  secondClass?: string;
  thirdClass?: string;
  firstId?: number;
  secondId?: number;
  thirdId?: number;
  title?: string;
}

export interface SubmitAuditInput {
  itemList?: AuditItem[];
  versionDesc?: string;
  feedbackInfo?: string;
  feedbackStuff?: string;
  ugcDeclare?: JsonObject;
  privacyApiNotUse?: boolean;
  orderPath?: string;
}

/** The outcome of WeChat's name pre-check; `checked: false` where WeChat offers none (41033). */
export interface NicknameCheck {
  checked: boolean;
  hitCondition: boolean;
  wording: string;
}

export interface SetNicknameInput {
  nickName: string;
  /** Media ids of proof material: ID card (individuals), licence (organisations), others. */
  idCard?: string;
  license?: string;
  namingOtherStuff?: string[];
}

/**
 * What an operator does for one mini program, where it takes more than one WeChat call or
 * leaves a record: quotas guarded before WeChat sees the call, commits and audits recorded.
 * The admin API and the release pipeline both go through it.
 */
export class MiniProgramService {
  private readonly now: () => number;

  constructor(private readonly deps: MiniProgramServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The WeChat API of one authorizer, with its token. */
  api(appId: string): WeappApi {
    return new WeappApi(this.deps.client, this.deps.tokens.forAuthorizer(appId));
  }

  /**
   * `checkwxverifynickname`: whether a name needs proof material. WeChat offers this check only
   * to mini programs created through the API (fast registration) and answers 41033 to every
   * other one, so for an ordinary authorized mini program there is simply no pre-check
   * (`checked: false`); `setnickname` does its own checks either way.
   * https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_checknickname
   */
  async checkNickname(appId: string, nickName: string): Promise<NicknameCheck> {
    try {
      const answer = await this.api(appId).checkWxVerifyNickname(nickName);
      return { checked: true, hitCondition: answer.hit_condition, wording: answer.wording };
    } catch (error) {
      if (error instanceof WeChatApiError && error.errcode === ERR.NICKNAME_CHECK_NOT_ALLOWED) return { checked: false, hitCondition: false, wording: '' };
      throw error;
    }
  }

  /**
   * Sets the name: checked first where WeChat offers the check, then `setnickname`. A name that
   * needs review answers an audit id; the name is in effect at once otherwise.
   * https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_setnickname
   */
  async setNickname(appId: string, input: SetNicknameInput): Promise<{ wording: string; auditId?: string; check: NicknameCheck }> {
    const check = await this.checkNickname(appId, input.nickName);
    const stuff = Object.fromEntries((input.namingOtherStuff ?? []).map((mediaId, i) => [`naming_other_stuff_${i + 1}`, mediaId]));
    const answer = await this.api(appId).setNickname({
      nick_name: input.nickName,
      ...(input.idCard ? { id_card: input.idCard } : {}),
      ...(input.license ? { license: input.license } : {}),
      ...stuff,
    });
    const auditId = answer.audit_id !== undefined && answer.audit_id !== '' && answer.audit_id !== 0 ? String(answer.audit_id) : undefined;
    return { wording: answer.wording, ...(auditId ? { auditId } : {}), check };
  }

  /** `modify_domain`; changes count against 50 a month, reads do not. */
  modifyDomains(appId: string, action: 'get' | 'add' | 'delete' | 'set', domains: ServerDomains = {}) {
    if (action === 'get') return this.api(appId).modifyDomain('get');
    return this.deps.quotas.guard(appId, 'domainModification', () => this.api(appId).modifyDomain(action, domains), this.now());
  }

  async commit(appId: string, input: CommitInput): Promise<{ templateId: string; userVersion: string; committedAt: string; extJson: JsonObject }> {
    const extJson = buildExtJson(appId, input.extJsonBase, input.extJson);
    await this.api(appId).commit({ template_id: Number(input.templateId), ext_json: extJson, user_version: input.userVersion, user_desc: input.userDesc });
    const committedAt = new Date(this.now()).toISOString();
    await this.deps.audits.recordCommit({
      appId,
      templateId: input.templateId,
      userVersion: input.userVersion,
      userDesc: input.userDesc,
      extJsonSha256: createHash('sha256').update(extJson).digest('hex'),
      committedAt,
      ...(input.releaseId ? { releaseId: input.releaseId } : {}),
    });
    return { templateId: input.templateId, userVersion: input.userVersion, committedAt, extJson: JSON.parse(extJson) as JsonObject };
  }

  /**
   * Submits the committed code for audit: WeChat's privacy scan must be done and clean
   * (61039 → retry later, 61040 → its findings), and audit quota must remain.
   */
  async submitAudit(
    appId: string,
    input: SubmitAuditInput,
    releaseId?: string,
    { checkQuota = true } = {},
  ): Promise<AuditRecord & { quota?: { rest: number; limit: number } }> {
    const api = this.api(appId);
    await api.getCodePrivacyInfo();
    const quota = checkQuota ? await api.queryQuota() : undefined;
    if (quota && quota.rest <= 0) {
      throw new QuotaExceededError(`no audit submissions left this month (${quota.limit} a month)`, new Date(quotaPeriod('month', this.now()).resetsAt).toISOString());
    }
    const commit = await this.deps.audits.lastCommit(appId);
    let auditid: string;
    try {
      ({ auditid } = await api.submitAudit(toWeChatAudit(input)));
    } catch (error) {
      // 85009 for a release's own retry: the earlier attempt reached WeChat but its answer was
      // lost. The running audit of the version this release committed is that submission.
      const adopted = releaseId && error instanceof WeChatApiError && error.errcode === ERR.AUDIT_RUNNING ? await auditOfCommit(api, commit) : undefined;
      if (adopted === undefined) throw error;
      auditid = adopted;
    }
    const record = await this.deps.audits.recordSubmission({
      appId,
      auditId: auditid,
      submittedAt: new Date(this.now()).toISOString(),
      ...(commit ? { templateId: commit.templateId, userVersion: commit.userVersion, userDesc: commit.userDesc } : {}),
      ...(input.versionDesc ? { versionDesc: input.versionDesc } : {}),
      ...(releaseId ? { releaseId } : {}),
    });
    return { ...record, ...(quota ? { quota: { rest: quota.rest - 1, limit: quota.limit } } : {}) };
  }

  /** `undocodeaudit`: 5 a day and 10 a month (87013 beyond), guarded here. */
  async undoAudit(appId: string): Promise<void> {
    await this.deps.quotas.guard(appId, 'undoAudit', () => this.api(appId).undoCodeAudit(), this.now());
    await this.deps.audits.recordOutcome(appId, { status: 'withdrawn', event: { at: new Date(this.now()).toISOString(), event: 'withdrawn' } });
  }

  /** WeChat's view of one audit (or the latest), with the status by name. */
  async auditStatus(appId: string, auditId?: string) {
    const api = this.api(appId);
    const answer = auditId ? await api.getAuditStatus(auditId) : await api.getLatestAuditStatus();
    return {
      ...(answer.auditid ?? auditId ? { auditId: answer.auditid ?? auditId } : {}),
      status: AUDIT_STATUS_BY_CODE[answer.status as keyof typeof AUDIT_STATUS_BY_CODE] ?? 'auditing',
      reason: answer.reason,
      screenshots: answer.screenshots,
      ...(answer.user_version ? { userVersion: answer.user_version } : {}),
      ...(answer.user_desc ? { userDesc: answer.user_desc } : {}),
    };
  }

  /** `setwebviewdomain` set; 89019 (already exactly these domains) is done too. */
  async setWebviewDomains(appId: string, domains: string[]): Promise<void> {
    try {
      await this.api(appId).setWebviewDomain('set', domains);
    } catch (error) {
      if (!(error instanceof WeChatApiError && error.errcode === ERR.WEBVIEW_DOMAINS_UNCHANGED)) throw error;
    }
  }

  /** `queryquota`: the third-party platform's audit submissions this month, whichever authorizer asks. */
  auditQuota(appId: string) {
    return this.api(appId).queryQuota();
  }

  /** `setprivacysetting`: the privacy guide of the development version (privacy_ver 2) or the live one. */
  async setPrivacySetting(appId: string, setting: SetPrivacySettingBody): Promise<void> {
    await this.api(appId).setPrivacySetting(setting);
  }

  /** `bind_tester`; someone already a tester (85004) is fine. */
  async bindTester(appId: string, wechatId: string): Promise<void> {
    try {
      await this.api(appId).bindTester(wechatId);
    } catch (error) {
      if (!(error instanceof WeChatApiError && error.errcode === ERR.ALREADY_TESTER)) throw error;
    }
  }

  /** `get_qrcode`: the trial version's QR code image. */
  trialQrcode(appId: string) {
    return this.api(appId).getQrcode();
  }

  /** `release` (also completes a running gray release); see completeRelease. */
  releaseVersion(appId: string): Promise<void> {
    return completeRelease(this.api(appId));
  }

  /** `grayrelease` to `percentage`, answering the share the app is live for; see grayRelease. */
  grayRelease(appId: string, percentage: number): Promise<number> {
    return grayRelease(this.api(appId), percentage);
  }

  /**
   * Takes back what a release put live: a released app by one level (`revertcoderelease`), a
   * gray-released one by cancelling its gray release (`revertgrayrelease`; WeChat refuses the
   * other while a gray release runs, 87011).
   */
  async revertRelease(appId: string, state: 'released' | 'gray_released'): Promise<void> {
    if (state === 'gray_released') await this.api(appId).revertGrayRelease();
    else await this.api(appId).revertCodeRelease();
  }

  /** Codes limited to 100,000 per app in all (getwxacode, createwxaqrcode). */
  limitedCode<T>(appId: string, call: (api: WeappApi) => Promise<T>): Promise<T> {
    return this.deps.quotas.guard(appId, 'limitedWxaCode', () => call(this.api(appId)), this.now());
  }
}

function toWeChatAudit(input: SubmitAuditInput): SubmitAuditBody {
  const body: SubmitAuditBody = {};
  if (input.itemList) {
    body.item_list = input.itemList.map((item) =>
      Object.fromEntries(
        Object.entries({
          address: item.address,
          tag: item.tag,
          first_class: item.firstClass,
          second_class: item.secondClass,
          third_class: item.thirdClass,
          first_id: item.firstId,
          second_id: item.secondId,
          third_id: item.thirdId,
          title: item.title,
        }).filter(([, v]) => v !== undefined),
      ),
    );
  }
  if (input.versionDesc !== undefined) body.version_desc = input.versionDesc;
  if (input.feedbackInfo !== undefined) body.feedback_info = input.feedbackInfo;
  if (input.feedbackStuff !== undefined) body.feedback_stuff = input.feedbackStuff;
  if (input.ugcDeclare !== undefined) body.ugc_declare = input.ugcDeclare;
  if (input.privacyApiNotUse !== undefined) body.privacy_api_not_use = input.privacyApiNotUse;
  if (input.orderPath !== undefined) body.order_path = input.orderPath;
  return body;
}

/** `submit_audit`: an audit is already running for this app. */

/** Allowance for WeChat's clock against ours when matching an audit to a commit. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The id of WeChat's latest audit when it is of this commit: same version, submitted after the
 * commit, not withdrawn. It may have ended between the 85009 and this call; it is still ours.
 */
async function auditOfCommit(api: WeappApi, commit: { userVersion: string; committedAt: string } | undefined): Promise<string | undefined> {
  if (!commit) return undefined;
  const latest = await api.getLatestAuditStatus();
  const submittedAfterCommit = latest.submit_audit_time === undefined || latest.submit_audit_time * 1000 >= Date.parse(commit.committedAt) - CLOCK_SKEW_MS;
  return latest.status !== AUDIT_WITHDRAWN && latest.user_version === commit.userVersion && submittedAfterCommit ? latest.auditid : undefined;
}

/** WeChat's audit status 3: withdrawn by the platform (`undocodeaudit`). */
const AUDIT_WITHDRAWN = 3;

/**
 * `release`: the full rollout, which also completes a running gray release. 85052 (this
 * version is out already) counts as done: a re-run after WeChat answered but before the
 * record, or an app an operator completed by hand.
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_release)
 */
async function completeRelease(api: WeappApi): Promise<void> {
  try {
    await api.release();
  } catch (error) {
    if (!(error instanceof WeChatApiError && error.errcode === ERR.ALREADY_RELEASED)) throw error;
  }
}

/**
 * `grayrelease` to `percentage`, answering the share the app is live for. WeChat lets a
 * running plan only go up (85082): when the plan is already at or past `percentage` (a re-run
 * after WeChat answered, or a widen an operator did by hand) that is success at the plan's share.
 */
async function grayRelease(api: WeappApi, percentage: number): Promise<number> {
  try {
    await api.grayRelease(percentage);
    return percentage;
  } catch (error) {
    if (!(error instanceof WeChatApiError && error.errcode === ERR.GRAY_PERCENTAGE_NOT_HIGHER)) throw error;
    const plan = (await api.getGrayReleasePlan()).gray_release_plan;
    if (!isRunning(plan.status) || plan.gray_percentage < percentage) throw error;
    return plan.gray_percentage;
  }
}

/** getgrayreleaseplan's status: 1 running, 2 paused (0 none, 3 finished, 4 deleted). */
const isRunning = (status: number): boolean => status === 1 || status === 2;
