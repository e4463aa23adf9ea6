/**
 * WeChat's errcodes that the platform reacts to, by name, so a call site says what it means
 * (`ERR.AUDIT_QUOTA`) instead of a bare number. Meanings live in `errors.ts`.
 */
export const ERR = {
  SYSTEM_BUSY: -1,
  INVALID_CREDENTIAL: 40001,
  INVALID_APPID: 40013,
  INVALID_ACCESS_TOKEN: 40014,
  INVALID_APPSECRET: 40125,
  ACCESS_TOKEN_MISSING: 41001,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  /** checkwxverifynickname on a mini program that was not created through the API. */
  NICKNAME_CHECK_NOT_ALLOWED: 41033,
  ACCESS_TOKEN_EXPIRED: 42001,
  REQUIRE_OTHER_METHOD: 43002,
  DAILY_QUOTA: 45009,
  TOO_FREQUENT: 45011,
  DATA_FORMAT: 47001,
  INVALID_ARGS: 40097,
  API_UNAUTHORIZED: 48001,
  COMPONENT_NOT_AUTHORIZED: 61003,
  IP_NOT_WHITELISTED: 61004,
  VERIFY_TICKET_EXPIRED: 61005,
  VERIFY_TICKET_INVALID: 61006,
  AUTH_CODE_EXPIRED: 61010,
  REFRESH_TOKEN_INVALID: 61023,
  AUTH_CODE_OTHER_COMPONENT: 61024,
  PRIVACY_SCAN_RUNNING: 61039,
  PRIVACY_CHECK_FAILED: 61040,
  LEGAL_PERSON_NAME_MISMATCH: 61070,
  WECHAT_ID_NOT_FOUND: 85001,
  TESTER_LIMIT: 85002,
  TESTER_OF_TOO_MANY: 85003,
  ALREADY_TESTER: 85004,
  AUDIT_RUNNING: 85009,
  INVALID_EXT_JSON: 85013,
  TEMPLATE_NOT_FOUND: 85014,
  DOMAIN_NOT_ON_PLATFORM: 85017,
  NO_PASSED_VERSION: 85019,
  AUDIT_STATE_FORBIDS_RELEASE: 85020,
  ALREADY_RELEASED: 85052,
  DRAFT_NOT_FOUND: 85064,
  TEMPLATE_LIBRARY_FULL: 85065,
  /** grayrelease needs a version already online. */
  GRAY_NO_ONLINE_VERSION: 85079,
  VERSION_NOT_PASSED_AUDIT: 85080,
  /** grayrelease: gray_percentage not an integer 0–100 (0 only with a tester-first flag). */
  GRAY_INVALID_PERCENTAGE: 85081,
  /** grayrelease: a running plan's percentage may only go up. */
  GRAY_PERCENTAGE_NOT_HIGHER: 85082,
  AUDIT_QUOTA: 85085,
  NOT_COMMITTED: 85086,
  NOT_COMMITTED_BY_PLATFORM: 86001,
  PROFILE_INCOMPLETE: 86002,
  INVALID_WECHAT_ID: 86004,
  // setprivacysetting / getprivacysetting (用户隐私保护指引)
  PRIVACY_OWNER_SETTING_MISSING: 86069,
  PRIVACY_NOTICE_METHOD_MISSING: 86070,
  PRIVACY_VER_INVALID: 86071,
  PRIVACY_STORE_EXPIRE_INVALID: 86072,
  PRIVACY_EXT_FILE_INVALID: 86073,
  /** privacy_ver 1 before any privacy guide went live with a release. */
  PRIVACY_NO_LIVE_VERSION: 86074,
  PRIVACY_LIVE_EXT_FILE_LOCKED: 86075,
  /** checkwxverifynickname / setnickname: the name's format is invalid. */
  NICKNAME_FORMAT: 53010,
  GRAY_RELEASE_RUNNING: 87011,
  CANNOT_REVERT: 87012,
  UNDO_AUDIT_QUOTA: 87013,
  /** speedupaudit: the audit is not in the audit queue (not submitted, or finished). */
  SPEEDUP_NOT_IN_QUEUE: 89402,
  /** speedupaudit: this audit was already sped up. */
  SPEEDUP_ALREADY: 89404,
  /** speedupaudit: no speed-ups left this month. */
  SPEEDUP_QUOTA: 89405,
  /** fastregisterenterpriseweapp: WeChat's "inner error"; also its answer to a code that is not 18 characters. */
  FAST_REGISTER_INNER_ERROR: 89247,
  /** fastregisterenterpriseweapp: the company (主体) already has a task running. */
  FAST_REGISTER_TASK_RUNNING: 89249,
  FAST_REGISTER_TASK_NOT_FOUND: 89250,
  FAST_REGISTER_MISSING_PARAMS: 89253,
  WEBVIEW_DOMAINS_UNCHANGED: 89019,
  WEBVIEW_DOMAINS_NOT_SET: 89020,
  NOT_A_BUSINESS_DOMAIN: 89021,
  PERSONAL_NO_WEBVIEW: 89231,
} as const;

export type NamedErrcode = (typeof ERR)[keyof typeof ERR];
