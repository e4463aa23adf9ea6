import { randomBytes } from 'node:crypto';

export interface SimComponent {
  appId: string;
  appSecret: string;
  token: string;
  aesKey: string;
}

/**
 * Knobs of the mini-program management APIs (domains, templates, code, audit, release, codes).
 * All optional; defaults in `DEFAULT_SIM_OPTIONS`. Delays are real milliseconds (timers), while
 * quotas and expiry follow `now()`.
 */
export interface WeappSimOptions {
  /** Hostnames registered as the platform's mini-program server domains; `modify_domain` accepts only these. */
  platformServerDomains?: string[];
  /** Hostnames registered as the platform's business (web-view) domains; their sub-domains are allowed too. */
  platformBizDomains?: string[];
  /** Drafts in the platform's draft box at start. Default: three drafts. */
  drafts?: SimDraftSeed[];
  /** Templates the library holds at most (WeChat: 100 at the time of writing). */
  templateLibraryLimit?: number;
  /** Time from `submit_audit` to the audit result (and from a delay notice to the result), ms. Default 2000. */
  auditDelayMs?: number;
  /**
   * The reviewer decides during `submit_audit` and its push is delivered (answered by the
   * platform) before `submit_audit` answers: the push always beats the platform's record of
   * the submission. Default false.
   */
  auditDecidesBeforeAnswer?: boolean;
  /** How long the privacy scan after `commit` runs (61039 meanwhile), ms. Default 0. */
  privacyScanMs?: number;
  /** How long a name that needs proof material stays in review, ms. Default 60000. */
  nicknameAuditMs?: number;
  /** Pause between attempts of a message-event push the platform did not answer `success`, ms. Default 1000. */
  pushRetryDelayMs?: number;
  /**
   * Audit submissions per month for the whole platform (`queryquota` limit, shared by all its
   * mini programs). WeChat sets the number per platform and its page gives none. Default 1000.
   */
  auditQuotaPerMonth?: number;
  /** `speedupaudit` calls per month for the whole platform (shared like the audit quota). Default 1. */
  speedupQuotaPerMonth?: number;
  /** Testers per mini program before 85002. Default 20. */
  testerLimit?: number;
  /** getwxacode + createwxaqrcode images per mini program, ever (WeChat: 100,000). */
  wxacodeLimit?: number;
  /**
   * Time from `fastregisterenterpriseweapp?action=create` until the simulated legal person
   * answers by themselves (success, or the failure a `[reject]` company name asks for), ms.
   * Default 0: never — as with WeChat, someone has to open the task's `authorize_url` (or a
   * test calls `completeFastRegistrations()`); unanswered tasks time out after 24 h.
   */
  fastRegisterDelayMs?: number;
}

export interface SimDraftSeed {
  userVersion: string;
  userDesc: string;
  /** Pages of the code in the draft; default `DEFAULT_TEMPLATE_PAGES`. */
  pages?: string[];
  /**
   * User-information types (privacy keys, e.g. `UserInfo`, `Location`) the code collects: what
   * WeChat's scan of a commit would find. Default none.
   */
  privacyKeys?: string[];
}

export interface SimOptions extends WeappSimOptions {
  component: SimComponent;
  /** Lifetime of issued component/authorizer access tokens, seconds (WeChat: 7200). */
  accessTokenTtlSeconds: number;
  /** How long a pushed verify ticket is accepted, seconds (WeChat: 12 h). */
  ticketTtlSeconds: number;
  /** `api_component_token` calls allowed per day before errcode 45009. */
  componentTokenDailyQuota: number;
  /** Lifetime of an authorization code (redirect and push), seconds. Default 600, WeChat's `expires_in`. */
  authCodeTtlSeconds?: number;
  /** Lifetime of a pre_auth_code, seconds. Default 600. */
  preAuthCodeTtlSeconds?: number;
  /**
   * Default true: every successful `api_authorizer_token` issues a new refresh token and the
   * previous one dies at once (61023). WeChat may rotate; a platform that does not persist every
   * new refresh token must be caught here rather than in production.
   */
  rotateRefreshTokens?: boolean;
  /** Delay added before every WeChat API answer (not /sim/ control endpoints), ms. Default 0. */
  latencyMs?: number;
}

export type ResolvedSimOptions = Required<SimOptions>;

/** Pages of a template unless its draft names others (what `get_page` lists after a commit). */
export const DEFAULT_TEMPLATE_PAGES: readonly string[] = ['pages/index/index', 'pages/detail/detail'];

export const DEFAULT_SIM_OPTIONS = {
  authCodeTtlSeconds: 600,
  preAuthCodeTtlSeconds: 600,
  rotateRefreshTokens: true,
  latencyMs: 0,
  platformServerDomains: ['api.example.com', 'ws.example.com', 'img.example.com'],
  platformBizDomains: ['www.example.com', 'example.com'],
  drafts: [
    { userVersion: '1.0.0', userDesc: 'first template draft' },
    { userVersion: '1.1.0', userDesc: 'second template draft' },
    { userVersion: '1.2.0', userDesc: 'third template draft' },
  ],
  templateLibraryLimit: 100,
  auditDelayMs: 2000,
  auditDecidesBeforeAnswer: false,
  privacyScanMs: 0,
  nicknameAuditMs: 60_000,
  pushRetryDelayMs: 1000,
  auditQuotaPerMonth: 1000,
  speedupQuotaPerMonth: 1,
  testerLimit: 20,
  wxacodeLimit: 100_000,
  fastRegisterDelayMs: 0,
} as const;

/** A new authorizer's permission sets when the caller names none: the mini-program management sets. */
export const DEFAULT_FUNC_INFO: readonly number[] = [17, 18, 19, 25, 30, 31, 36, 37, 40, 48, 49];

interface Issued {
  issuedAt: number;
  expiresAt: number;
}

interface SingleUse {
  expiresAt: number;
  used: boolean;
}

interface AuthCode extends SingleUse {
  appId: string;
}

interface AuthorizerToken {
  appId: string;
  expiresAt: number;
}

export interface MiniProgramNetwork {
  RequestDomain: string[];
  WsRequestDomain: string[];
  UploadDomain: string[];
  DownloadDomain: string[];
  BizDomain: string[];
  UDPDomain: string[];
  TCPDomain: string[];
}

export interface SimAuthorizer {
  appId: string;
  /** A personal (individual) mini program: some APIs refuse it (setwebviewdomain 89231). */
  personal: boolean;
  /** Name, avatar or description missing in WeChat's eyes: `submit_audit` answers 86002. */
  profileIncomplete: boolean;
  /**
   * Created through the API (fast registration) rather than on mp.weixin.qq.com. WeChat lets
   * only those call `checkwxverifynickname`; the others get 41033.
   */
  createdViaApi: boolean;
  nickname: string;
  headImg: string;
  principalName: string;
  /** Original id, `gh_` + 12 hex. */
  userName: string;
  serviceTypeId: number;
  verifyTypeId: number;
  signature: string;
  /** Permission set ids (`funcscope_category.id`). */
  funcInfo: number[];
  status: 'authorized' | 'revoked';
  /** The only refresh token `api_authorizer_token` accepts. */
  refreshToken: string;
  /** Epoch seconds of the latest authorization. */
  authTime: number;
  qrcodeUrl: string;
  miniProgramInfo: {
    network: MiniProgramNetwork;
    categories: { first: string; second: string }[];
    visit_status: number;
  };
}

export interface NewAuthorizer {
  appId?: string;
  nickname?: string;
  funcInfo?: number[];
  principalName?: string;
  personal?: boolean;
  profileIncomplete?: boolean;
  createdViaApi?: boolean;
}

// --- Per mini program state of the management APIs (sim.app(appId)) ---

export const DOMAIN_KINDS = ['requestdomain', 'wsrequestdomain', 'uploaddomain', 'downloaddomain', 'udpdomain', 'tcpdomain'] as const;
export type DomainKind = (typeof DOMAIN_KINDS)[number];
export type DomainLists = Record<DomainKind, string[]>;

export const emptyDomainLists = (): DomainLists => ({ requestdomain: [], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] });

export interface SimDraft {
  draftId: number;
  userVersion: string;
  userDesc: string;
  pages: string[];
  /** Privacy keys the code collects (see `SimDraftSeed.privacyKeys`). */
  privacyKeys?: string[];
  /** Epoch seconds, as WeChat reports it. */
  createTime: number;
}

export interface SimTemplate extends SimDraft {
  templateId: number;
  /** 0 normal template, 1 standard template. */
  templateType: 0 | 1;
}

/** Code uploaded with `commit`: the experience (trial) version until the next commit. */
export interface SimCodeVersion {
  templateId: number;
  userVersion: string;
  userDesc: string;
  /** The ext_json string as sent. */
  extJson: string;
  pages: string[];
  /** Privacy keys WeChat's scan finds in this code (`getprivacysetting`'s privacy_list). */
  privacyKeys?: string[];
  /** Epoch ms. */
  commitTime: number;
}

/** 0 passed, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed (WeChat's numbers). */
export type AuditStatus = 0 | 1 | 2 | 3 | 4;

export interface SimAudit {
  auditId: number;
  appId: string;
  /** What was committed when the audit was submitted (later commits do not change it). */
  version: SimCodeVersion;
  /** The submit_audit body as sent. */
  request: Record<string, unknown>;
  /** Epoch ms. */
  submitTime: number;
  status: AuditStatus;
  reason: string;
  /** Media ids separated by `|` (rejections only). */
  screenshot: string;
  /** Epoch ms of the result; undefined while auditing or delayed. */
  finishTime?: number;
  /** A weapp_audit_delay notice went out. */
  delayNotified: boolean;
  speedup: boolean;
  /** This audit's version has been released (85052 on a second release). */
  released: boolean;
  /** The development privacy guide as it stood at submission: what the review checks and a release puts live. */
  privacy?: SimPrivacySetting;
}

/** A user privacy guide (用户隐私保护指引) in WeChat's field names. */
export interface SimPrivacySetting {
  ownerSetting: Record<string, string>;
  settingList: { privacy_key: string; privacy_text: string }[];
  /** Epoch seconds of the last change (`update_time`). */
  updateTime: number;
}

export interface SimRelease {
  /** WeChat's version number for rollbacks (`app_version`), increasing per mini program. */
  appVersion: number;
  version: SimCodeVersion;
  auditId: number;
  /** Epoch ms. */
  releaseTime: number;
}

export interface SimGrayPlan {
  /** 0 none, 1 running, 2 paused, 3 finished, 4 reverted (WeChat: deleted). */
  status: 0 | 1 | 2 | 3 | 4;
  /** Epoch seconds. */
  createTimestamp: number;
  grayPercentage: number;
  /** Testers (体验成员) first; project members (项目成员) first. */
  experiencersFirst: boolean;
  debuggersFirst: boolean;
  auditId: number;
}

export interface SimNicknameAudit {
  auditId: number;
  nickname: string;
  /** Epoch ms. */
  createTime: number;
  /** Applied to the authorizer once the review time passed. */
  applied: boolean;
}

export interface SimTester {
  wechatid: string;
  userstr: string;
}

/** Counters keyed by period (`2025-01` month, `2025-01-15` day, `2025` year, Beijing time). */
export type PeriodCounter = Record<string, number>;

export interface SimApp {
  appId: string;
  /** The mini program's own server domains (set in its admin, not through the platform). */
  mpDomains: DomainLists;
  /** Server domains the platform set with modify_domain. */
  thirdDomains: DomainLists;
  webviewDomains: string[];
  testers: SimTester[];
  /** The experience version; undefined until the first commit. */
  committed?: SimCodeVersion;
  audits: SimAudit[];
  online?: SimRelease;
  /** The one release `revertcoderelease` goes back to. */
  previous?: SimRelease;
  /** Every release, oldest first (get_history_version). */
  releases: SimRelease[];
  /** The online version came from a rollback (for introspection; `previous` is then cleared, hence 87012 on another rollback). */
  reverted: boolean;
  gray?: SimGrayPlan;
  visitStatus: 'open' | 'close';
  /** 0 searchable, 1 hidden. */
  searchStatus: 0 | 1;
  /**
   * The development privacy guide (privacy_ver 2), and edits made to the live one with
   * privacy_ver 1 (keyed by the online audit they were made on: a later release replaces them).
   */
  privacy: { dev?: SimPrivacySetting; liveEdit?: { auditId: number; setting: SimPrivacySetting } };
  nicknameAudits: SimNicknameAudit[];
  /** submit_audit answers 85085 while true, whatever the quota says. */
  forceQuotaExceeded: boolean;
  counters: {
    undos: PeriodCounter;
    domainModifications: PeriodCounter;
    signatureChanges: PeriodCounter;
    headImageChanges: PeriodCounter;
    nicknameChanges: PeriodCounter;
    /** getwxacode + createwxaqrcode, ever. */
    wxacodes: number;
    wxacodesUnlimited: number;
  };
}

export interface SimMedia {
  mediaId: string;
  appId: string;
  type: string;
  bytes: number;
  /** Epoch ms. */
  createdAt: number;
}

/** 1 unified social credit code, 2 organisation code, 3 business licence number (WeChat's `code_type`). */
/**
 * One `fastregisterenterpriseweapp?action=create` task (快速注册企业小程序, new_version) and
 * how it ended.
 */
export interface SimFastRegistration {
  /** WeChat's `taskid`. */
  taskId: string;
  name: string;
  /** The 18-character unified social credit code. */
  code: string;
  componentPhone: string;
  /** The page the legal person opens (within 24 h) to verify and confirm. */
  authorizeUrl: string;
  /** What `action=query` answers as `status` (WeChat's task states: 0 created … 12 created the mini program). */
  status: number;
  /** pending: waiting for the legal person; then succeeded (mini program created) or failed. */
  state: 'pending' | 'succeeded' | 'failed';
  /** Epoch ms. */
  createTime: number;
  /** Epoch ms: createTime + 24 h; an unanswered task times out then (status 1). */
  expiresAt: number;
  /** Epoch ms; when the authorize_url page was first opened. */
  openedAt?: number;
  /** Epoch ms; set when the task ends. */
  finishTime?: number;
  /** `status` of the push: 0 success, else the failure's status (1 timeout, 2 refused, 1001 …). */
  pushStatus?: number;
  /** `msg` of the push. */
  msg?: string;
  /** The new mini program (success only). */
  appId?: string;
  /** The auth code pushed with it (success only); single use with `api_query_auth`. */
  authCode?: string;
  /** The decrypted push as sent; undefined until the task ends. */
  xml?: string;
  /** The platform's answer to the push. */
  push?: { at: number; status: number | 'unreachable'; body: string };
}

export type PreAuthCodeStatus = 'ok' | 'unknown' | 'used' | 'expired';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export type IssuedCredentialKind = 'component_access_token' | 'authorizer_access_token' | 'authorizer_refresh_token' | 'pre_auth_code' | 'authorization_code';

/** Per kind; a long `npm start` session must not grow without bound. */
const MAX_REMEMBERED_CREDENTIALS = 50_000;

/**
 * What the fake WeChat remembers. Time comes from `now()` so tests can move it.
 */
export class SimState {
  readonly options: ResolvedSimOptions;
  readonly tickets = new Map<string, Issued>();
  readonly componentTokens = new Map<string, Issued>();
  readonly quotaUsed = new Map<string, number>();
  /** appId → authorizer, in order of first authorization (api_get_authorizer_list pages over it). */
  readonly authorizers = new Map<string, SimAuthorizer>();
  readonly authorizerTokens = new Map<string, AuthorizerToken>();
  /** appId → its access tokens, so invalidating one authorizer does not scan every token. */
  private readonly tokensByApp = new Map<string, Set<string>>();
  readonly preAuthCodes = new Map<string, SingleUse>();
  readonly authCodes = new Map<string, AuthCode>();
  /** appId → management state, created on first use. */
  readonly apps = new Map<string, SimApp>();
  /** Local-only: apps whose audits the reviewer rejects, whatever the code (WeChatSimulator.rejectAudits). */
  readonly auditRejectedApps = new Set<string>();
  /**
   * The platform's audit and speed-up quota of the month, shared by all its mini programs
   * ("所有旗下小程序共用该额度").
   * https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_setcodeauditquota
   */
  readonly platformCounters: { auditSubmits: PeriodCounter; speedups: PeriodCounter } = { auditSubmits: {}, speedups: {} };
  /** The platform's draft box and template library (component level). */
  readonly drafts: SimDraft[] = [];
  readonly templates: SimTemplate[] = [];
  /** Temporary media by media_id (cgi-bin/media/upload). */
  readonly media = new Map<string, SimMedia>();
  /** Fast registration tasks (component level), oldest first. */
  readonly fastRegistrations: SimFastRegistration[] = [];
  /** Ids WeChat hands out: drafts, templates, audits, nickname audits (and the sim's fast-registration task ids). */
  private nextIds = { draft: 1, template: 1, audit: 420_000_001, nicknameAudit: 8_000_001, fastRegistration: 1 };
  /** Every credential handed out, by kind, newest last (bounded), so tests can check none leaks. */
  readonly issued: Record<IssuedCredentialKind, string[]> = {
    component_access_token: [],
    authorizer_access_token: [],
    authorizer_refresh_token: [],
    pre_auth_code: [],
    authorization_code: [],
  };
  /** Runtime-adjustable latency for WeChat API answers, ms (see `SimOptions.latencyMs`). */
  latencyMs: number;
  now: () => number = Date.now;

  constructor(options: SimOptions) {
    this.options = {
      ...options,
      authCodeTtlSeconds: options.authCodeTtlSeconds ?? DEFAULT_SIM_OPTIONS.authCodeTtlSeconds,
      preAuthCodeTtlSeconds: options.preAuthCodeTtlSeconds ?? DEFAULT_SIM_OPTIONS.preAuthCodeTtlSeconds,
      rotateRefreshTokens: options.rotateRefreshTokens ?? DEFAULT_SIM_OPTIONS.rotateRefreshTokens,
      latencyMs: options.latencyMs ?? DEFAULT_SIM_OPTIONS.latencyMs,
      platformServerDomains: [...(options.platformServerDomains ?? DEFAULT_SIM_OPTIONS.platformServerDomains)],
      platformBizDomains: [...(options.platformBizDomains ?? DEFAULT_SIM_OPTIONS.platformBizDomains)],
      drafts: [...(options.drafts ?? DEFAULT_SIM_OPTIONS.drafts)],
      templateLibraryLimit: options.templateLibraryLimit ?? DEFAULT_SIM_OPTIONS.templateLibraryLimit,
      auditDelayMs: options.auditDelayMs ?? DEFAULT_SIM_OPTIONS.auditDelayMs,
      auditDecidesBeforeAnswer: options.auditDecidesBeforeAnswer ?? DEFAULT_SIM_OPTIONS.auditDecidesBeforeAnswer,
      privacyScanMs: options.privacyScanMs ?? DEFAULT_SIM_OPTIONS.privacyScanMs,
      nicknameAuditMs: options.nicknameAuditMs ?? DEFAULT_SIM_OPTIONS.nicknameAuditMs,
      pushRetryDelayMs: options.pushRetryDelayMs ?? DEFAULT_SIM_OPTIONS.pushRetryDelayMs,
      auditQuotaPerMonth: options.auditQuotaPerMonth ?? DEFAULT_SIM_OPTIONS.auditQuotaPerMonth,
      speedupQuotaPerMonth: options.speedupQuotaPerMonth ?? DEFAULT_SIM_OPTIONS.speedupQuotaPerMonth,
      testerLimit: options.testerLimit ?? DEFAULT_SIM_OPTIONS.testerLimit,
      wxacodeLimit: options.wxacodeLimit ?? DEFAULT_SIM_OPTIONS.wxacodeLimit,
      fastRegisterDelayMs: options.fastRegisterDelayMs ?? DEFAULT_SIM_OPTIONS.fastRegisterDelayMs,
    };
    this.latencyMs = this.options.latencyMs;
    for (const draft of this.options.drafts) this.addDraft(draft);
  }

  issueTicket(): string {
    const ticket = `ticket@@@${randomBytes(24).toString('base64url')}`;
    const now = this.now();
    this.tickets.set(ticket, { issuedAt: now, expiresAt: now + this.options.ticketTtlSeconds * 1000 });
    return ticket;
  }

  issueComponentToken(): { token: string; expiresIn: number } {
    const token = randomBytes(48).toString('base64url');
    const now = this.now();
    const expiresIn = this.options.accessTokenTtlSeconds;
    this.componentTokens.set(token, { issuedAt: now, expiresAt: now + expiresIn * 1000 });
    this.remember('component_access_token', token);
    return { token, expiresIn };
  }

  private remember(kind: IssuedCredentialKind, value: string): void {
    const list = this.issued[kind];
    list.push(value);
    if (list.length > MAX_REMEMBERED_CREDENTIALS) list.shift();
  }

  /** errcode for a component_access_token, 0 when valid. */
  checkComponentToken(token: string | undefined): number {
    if (!token) return 41001;
    const issued = this.componentTokens.get(token);
    if (!issued) return 40001;
    return issued.expiresAt <= this.now() ? 42001 : 0;
  }

  /** Counts one call against a daily quota; false once the quota is used up. */
  useQuota(api: string, dailyLimit: number): boolean {
    const day = new Date(this.now()).toISOString().slice(0, 10);
    const key = `${day}:${api}`;
    const used = this.quotaUsed.get(key) ?? 0;
    if (used >= dailyLimit) return false;
    this.quotaUsed.set(key, used + 1);
    return true;
  }

  // --- Authorization: pre_auth_codes, auth codes, authorizers and their tokens ---

  issuePreAuthCode(): { preAuthCode: string; expiresIn: number } {
    const expiresIn = this.options.preAuthCodeTtlSeconds;
    const preAuthCode = `preauthcode@@@${randomBytes(30).toString('base64url')}`;
    this.sweepExpired(this.preAuthCodes);
    this.preAuthCodes.set(preAuthCode, { expiresAt: this.now() + expiresIn * 1000, used: false });
    this.remember('pre_auth_code', preAuthCode);
    return { preAuthCode, expiresIn };
  }

  /** Marks a pre_auth_code used if it can be; says why not otherwise (single use, TTL). */
  consumePreAuthCode(code: string | undefined): PreAuthCodeStatus {
    const entry = code ? this.preAuthCodes.get(code) : undefined;
    if (!entry) return 'unknown';
    if (entry.used) return 'used';
    if (entry.expiresAt <= this.now()) return 'expired';
    entry.used = true;
    return 'ok';
  }

  /** An authorization code bound to `appId`, single use, `authCodeTtlSeconds` long. */
  issueAuthCode(appId: string): { authCode: string; expiresIn: number; expiresAt: number } {
    const expiresIn = this.options.authCodeTtlSeconds;
    const authCode = `queryauthcode@@@${randomBytes(36).toString('base64url')}`;
    const expiresAt = this.now() + expiresIn * 1000;
    this.sweepExpired(this.authCodes);
    this.authCodes.set(authCode, { appId, expiresAt, used: false });
    this.remember('authorization_code', authCode);
    return { authCode, expiresIn, expiresAt };
  }

  /** The appId an auth code was issued for, marking it used; undefined when unknown, used or expired. */
  consumeAuthCode(code: string | undefined): string | undefined {
    const entry = code ? this.authCodes.get(code) : undefined;
    if (!entry || entry.used || entry.expiresAt <= this.now()) return undefined;
    entry.used = true;
    return entry.appId;
  }

  /** Creates an authorized authorizer (no push: callers decide that). */
  createAuthorizer(fields: NewAuthorizer = {}): SimAuthorizer {
    const appId = fields.appId ?? `wx${hex(8)}`;
    if (this.authorizers.has(appId)) throw new Error(`authorizer ${appId} already exists`);
    const suffix = appId.slice(-4);
    const authorizer: SimAuthorizer = {
      appId,
      personal: fields.personal ?? false,
      profileIncomplete: fields.profileIncomplete ?? false,
      createdViaApi: fields.createdViaApi ?? false,
      nickname: fields.nickname ?? `Sim Mini Program ${suffix}`,
      headImg: `http://wx.qlogo.cn/mmopen/${randomBytes(24).toString('base64url')}/0`,
      principalName: fields.principalName ?? `Sim Merchant ${suffix} Co., Ltd.`,
      userName: `gh_${hex(6)}`,
      serviceTypeId: 0,
      verifyTypeId: 0,
      signature: '',
      funcInfo: [...(fields.funcInfo ?? DEFAULT_FUNC_INFO)],
      status: 'authorized',
      refreshToken: newRefreshToken(),
      authTime: Math.floor(this.now() / 1000),
      qrcodeUrl: `http://mmbiz.qpic.cn/mmbiz_jpg/${randomBytes(24).toString('base64url')}/0`,
      miniProgramInfo: {
        // A fresh mini program has no server domains; the platform sets them later.
        network: { RequestDomain: [], WsRequestDomain: [], UploadDomain: [], DownloadDomain: [], BizDomain: [], UDPDomain: [], TCPDomain: [] },
        categories: [{ first: '工具', second: '效率' }],
        visit_status: 0,
      },
    };
    this.authorizers.set(appId, authorizer);
    this.remember('authorizer_refresh_token', authorizer.refreshToken);
    return authorizer;
  }

  /** Marks an authorizer as created through the API (fast registration), e.g. for a seeded one. */
  markCreatedViaApi(appId: string): void {
    const authorizer = this.authorizers.get(appId);
    if (!authorizer) throw new Error(`no authorizer ${appId}`);
    authorizer.createdViaApi = true;
  }

  /** Authorized (not revoked) authorizer, or undefined. */
  activeAuthorizer(appId: string | undefined): SimAuthorizer | undefined {
    const authorizer = appId ? this.authorizers.get(appId) : undefined;
    return authorizer?.status === 'authorized' ? authorizer : undefined;
  }

  /** Gives the authorizer a new refresh token; the old one is dead from now on (61023). */
  replaceRefreshToken(authorizer: SimAuthorizer): string {
    authorizer.refreshToken = newRefreshToken();
    this.remember('authorizer_refresh_token', authorizer.refreshToken);
    return authorizer.refreshToken;
  }

  issueAuthorizerToken(appId: string): { token: string; expiresIn: number } {
    const token = randomBytes(48).toString('base64url');
    const now = this.now();
    const expiresIn = this.options.accessTokenTtlSeconds;
    this.authorizerTokens.set(token, { appId, expiresAt: now + expiresIn * 1000 });
    this.remember('authorizer_access_token', token);
    let tokens = this.tokensByApp.get(appId);
    if (!tokens) this.tokensByApp.set(appId, (tokens = new Set()));
    // Earlier tokens stay valid until they expire (WeChat overlaps old and new). Tokens expired
    // for over a lifetime are forgotten so a long benchmark does not grow without bound; they
    // then answer 40001 instead of 42001, which callers treat the same way.
    for (const old of tokens) {
      const entry = this.authorizerTokens.get(old);
      if (!entry || entry.expiresAt + expiresIn * 1000 <= now) {
        tokens.delete(old);
        this.authorizerTokens.delete(old);
      }
    }
    tokens.add(token);
    return { token, expiresIn };
  }

  /** All of the authorizer's access tokens answer 40001 from now on. */
  invalidateAuthorizerTokens(appId: string): void {
    for (const token of this.tokensByApp.get(appId) ?? []) this.authorizerTokens.delete(token);
    this.tokensByApp.delete(appId);
  }

  /** Revokes the authorization: tokens and outstanding auth codes die with it. */
  revokeAuthorizer(authorizer: SimAuthorizer): void {
    authorizer.status = 'revoked';
    this.invalidateAuthorizerTokens(authorizer.appId);
    for (const code of this.authCodes.values()) if (code.appId === authorizer.appId) code.used = true;
  }

  /**
   * For API modules that take `?access_token=`: 41001 missing, 40001 unknown, invalidated or
   * authorizer revoked, 42001 expired, 0 (with the appId) when valid.
   */
  checkAuthorizerToken(token: string | undefined): { errcode: number; appId?: string } {
    if (!token) return { errcode: 41001 };
    const entry = this.authorizerTokens.get(token);
    if (!entry || this.authorizers.get(entry.appId)?.status !== 'authorized') return { errcode: 40001 };
    if (entry.expiresAt <= this.now()) return { errcode: 42001 };
    return { errcode: 0, appId: entry.appId };
  }

  // --- Mini-program management ---

  /** The management state of an authorizer's mini program, created on first use. */
  app(appId: string): SimApp {
    let app = this.apps.get(appId);
    if (!app) {
      app = {
        appId,
        mpDomains: emptyDomainLists(),
        thirdDomains: emptyDomainLists(),
        webviewDomains: [],
        testers: [],
        audits: [],
        releases: [],
        reverted: false,
        visitStatus: 'open',
        searchStatus: 0,
        privacy: {},
        nicknameAudits: [],
        forceQuotaExceeded: false,
        counters: {
          undos: {},
          domainModifications: {},
          signatureChanges: {},
          headImageChanges: {},
          nicknameChanges: {},
          wxacodes: 0,
          wxacodesUnlimited: 0,
        },
      };
      this.apps.set(appId, app);
    }
    return app;
  }

  /** A draft as if a developer had uploaded code from WeChat DevTools to the platform's draft box. */
  addDraft(seed: SimDraftSeed): SimDraft {
    const draft: SimDraft = {
      draftId: this.nextIds.draft++,
      userVersion: seed.userVersion,
      userDesc: seed.userDesc,
      pages: [...(seed.pages ?? DEFAULT_TEMPLATE_PAGES)],
      ...(seed.privacyKeys ? { privacyKeys: [...seed.privacyKeys] } : {}),
      createTime: Math.floor(this.now() / 1000),
    };
    this.drafts.push(draft);
    return draft;
  }

  nextTemplateId(): number {
    return this.nextIds.template++;
  }

  nextAuditId(): number {
    return this.nextIds.audit++;
  }

  nextNicknameAuditId(): number {
    return this.nextIds.nicknameAudit++;
  }

  /** WeChat's taskid of a new fast-registration task (opaque to the platform). */
  nextFastRegistrationId(): string {
    return `${String(this.nextIds.fastRegistration++).padStart(6, '0')}${hex(10)}`;
  }

  /**
   * Period keys in Beijing time (WeChat's monthly and daily quotas turn over at midnight in
   * China, not UTC): `2025-01` month, `2025-01-15` day, `2025` year.
   */
  period(kind: 'day' | 'month' | 'year'): string {
    const beijing = new Date(this.now() + 8 * 3_600_000).toISOString();
    return beijing.slice(0, kind === 'day' ? 10 : kind === 'month' ? 7 : 4);
  }

  /**
   * Forgets codes expired for over an hour once a map gets large (a benchmark authorizing
   * thousands of apps). Until then an old code still answers "used"/"expired" precisely.
   */
  private sweepExpired(codes: Map<string, SingleUse>): void {
    // Every 1000th insert, so the sweep's cost stays amortised at a few steps per code.
    if (codes.size < 10_000 || codes.size % 1000 !== 0) return;
    const cutoff = this.now() - 3_600_000;
    for (const [code, entry] of codes) if (entry.expiresAt <= cutoff) codes.delete(code);
  }
}

function newRefreshToken(): string {
  return `refreshtoken@@@${randomBytes(32).toString('base64url')}`;
}
