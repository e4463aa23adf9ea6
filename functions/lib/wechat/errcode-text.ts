/**
 * What each WeChat errcode the platform can meet means to an operator, and what to do next, in
 * Simplified Chinese and English. Plain data with no imports, so the admin API and the console
 * (bundled at build time, console/src/i18n/errcodes.ts) read the same text. The codes are those
 * of `ERR` (errcodes.ts) and of every API in the catalogue (catalogue.ts); a test fails when one
 * has no text in either language. "Next" says only what the platform really does: the release
 * pipeline retries `-1`/`45011` (4 attempts with backoff), waits an hour and resubmits on
 * `85085`, and the HTTP client drops an invalid token, refreshes it and retries once.
 */
export type ErrcodeLanguage = 'zh-CN' | 'en';
export interface ErrcodeExplanation {
  /** What WeChat's refusal means, one short sentence. */
  readonly meaning: string;
  /** What the operator (or the platform on its own) does next. */
  readonly next: string;
}
export type ErrcodeText = Readonly<Record<ErrcodeLanguage, ErrcodeExplanation>>;

const text = (zhMeaning: string, zhNext: string, enMeaning: string, enNext: string): ErrcodeText => ({
  'zh-CN': { meaning: zhMeaning, next: zhNext },
  en: { meaning: enMeaning, next: enNext },
});

const RETRY_FAILED_ZH = '处理后在发布进度页点击“重试失败”。';
const RETRY_FAILED_EN = 'Then press “Retry failed” on the release’s progress page.';

export const ERRCODE_TEXT: Readonly<Record<number, ErrcodeText>> = {
  [-1]: text('微信系统繁忙。', '发布流程会自动重试（最多 4 次，间隔递增）；单次操作请稍后再试。',
    'WeChat is busy.', 'A release retries on its own (up to 4 times, backing off); for a single action, try again shortly.'),
  40001: text('调用凭证（access_token）无效。', '平台会丢弃该令牌、刷新后自动重试一次；仍失败时在小程序页点击“刷新令牌”。',
    'The access token is invalid.', 'The platform drops the token, refreshes it and retries once; if it still fails, press “Refresh token” on the mini program’s page.'),
  40013: text('AppID 无效。', '检查填写的 AppID（wx 开头的 18 位）。', 'The AppID is invalid.', 'Check the AppID (18 characters starting with wx).'),
  40014: text('access_token 无效。', '平台会刷新令牌并自动重试一次；仍失败时在小程序页点击“刷新令牌”。',
    'The access token is invalid.', 'The platform refreshes the token and retries once; if it still fails, press “Refresh token” on the mini program’s page.'),
  40097: text('参数错误。', '检查提交的内容后重试。', 'An argument is invalid.', 'Check what was sent and try again.'),
  40125: text('第三方平台 AppSecret 无效。', '在部署配置中更新第三方平台的 AppSecret（Secrets Manager）。',
    'The platform’s AppSecret is invalid.', 'Update the component AppSecret in the deployment’s secret (Secrets Manager).'),
  41001: text('缺少 access_token。', '这是平台的缺陷，请联系开发人员。', 'The access token is missing.', 'This is a platform bug: tell the developers.'),
  41002: text('缺少 AppID。', '这是平台的缺陷，请联系开发人员。', 'The AppID is missing.', 'This is a platform bug: tell the developers.'),
  41004: text('缺少 AppSecret。', '检查部署配置中的第三方平台 AppSecret。', 'The AppSecret is missing.', 'Check the component AppSecret in the deployment’s configuration.'),
  41033: text('只有通过快速注册创建的小程序才能调用此接口。', '无需处理：平台跳过名称预检，直接设置名称。',
    'Only mini programs created by fast registration may call this.', 'Nothing to do: the platform skips the name pre-check and sets the name directly.'),
  42001: text('access_token 已过期。', '平台会刷新令牌并自动重试一次。', 'The access token has expired.', 'The platform refreshes the token and retries once.'),
  43002: text('请求方法不正确（需要 POST）。', '这是平台的缺陷，请联系开发人员。', 'Wrong request method (POST needed).', 'This is a platform bug: tell the developers.'),
  45009: text('接口当日调用次数已达上限。', '等到次日额度恢复后再操作。', 'The API’s daily quota is used up.', 'Wait until the quota resets tomorrow.'),
  45011: text('调用过于频繁。', '发布流程会自动重试（最多 4 次，间隔递增）；单次操作请稍后再试。',
    'Calls are too frequent.', 'A release retries on its own (up to 4 times, backing off); for a single action, try again shortly.'),
  47001: text('提交的数据格式不正确。', '检查提交的内容后重试。', 'The data format is invalid.', 'Check what was sent and try again.'),
  48001: text('该接口未获授权（缺少权限集）。', '请商家重新授权并勾选所需权限集。', 'The API is not authorized (a permission set is missing).', 'Ask the merchant to authorize again with the needed permission sets.'),
  53010: text('名称格式不合法。', '按微信的命名规则修改名称后重试。', 'The name’s format is invalid.', 'Change the name to follow WeChat’s naming rules and try again.'),
  61003: text('该账号未授权给本第三方平台（或已取消授权）。', '授权方状态已标为“未授权”；请商家重新扫码授权。',
    'The account has not authorized this platform (or revoked it).', 'The authorizer is marked unauthorized; ask the merchant to authorize again.'),
  61004: text('调用方 IP 不在第三方平台的 IP 白名单中。', '在微信开放平台的第三方平台设置中，把 NAT 网关的出口 IP 加入白名单。',
    'The caller’s IP is not on the platform’s whitelist.', 'Add the NAT gateways’ IPs to the whitelist in the third-party platform’s settings on WeChat Open Platform.'),
  61005: text('component_verify_ticket 已过期。', '在概览页点击“重新推送”，请微信重新推送验证票据。',
    'The component verify ticket has expired.', 'Press “Push again” on the dashboard to have WeChat push a new ticket.'),
  61006: text('component_verify_ticket 无效。', '在概览页点击“重新推送”，请微信重新推送验证票据。',
    'The component verify ticket is invalid.', 'Press “Push again” on the dashboard to have WeChat push a new ticket.'),
  61010: text('授权码已过期或已使用。', '重新生成授权链接，请商家再次扫码。', 'The authorization code expired or was already used.', 'Create new authorization links and have the merchant scan again.'),
  61023: text('刷新令牌（authorizer_refresh_token）已失效。', '授权方已标为“需要重新授权”；请商家重新扫码授权。',
    'The refresh token is no longer valid.', 'The authorizer is marked “reauthorization required”; ask the merchant to authorize again.'),
  61024: text('授权码不属于本第三方平台。', '使用本平台生成的授权链接重新授权。', 'The authorization code belongs to another platform.', 'Authorize again through a link this platform created.'),
  61039: text('微信仍在检测已上传代码的隐私合规。', '约一分钟后重试。', 'WeChat is still scanning the committed code for privacy compliance.', 'Try again in about a minute.'),
  61040: text('代码未通过隐私检测，部分接口需要在隐私保护指引中说明。', '在“隐私”页补充用户隐私保护指引，然后重新提交。',
    'The code failed WeChat’s privacy check: some APIs need to be declared in the privacy guide.', 'Complete the privacy guide on the Privacy tab, then submit again.'),
  61070: text('法人姓名与微信号不一致。', '核对法人姓名和微信号后重新提交。', 'The legal person’s name does not match the WeChat ID.', 'Check the name and the WeChat ID and submit again.'),
  85001: text('微信号不存在或不允许被搜索。', '请对方在微信中开启“通过微信号搜索”，或核对微信号。',
    'The WeChat ID does not exist or cannot be searched.', 'Check the ID, or ask its owner to allow being found by WeChat ID.'),
  85002: text('小程序的体验者数量已达上限。', '先解绑不再需要的体验者。', 'The mini program has reached its tester limit.', 'Remove testers who are no longer needed first.'),
  85003: text('该微信号绑定的小程序体验者数量已达上限。', '请对方先在其他小程序中解除体验者身份。', 'This WeChat ID is a tester of too many mini programs.', 'Ask its owner to leave some other mini programs’ testers first.'),
  85004: text('该微信号已是体验者。', '无需处理：平台视为已添加。', 'Already a tester.', 'Nothing to do: the platform counts it as added.'),
  85009: text('已有审核正在进行。', '等待审核结果，或在“审核”页撤回后重新提交；发布中的重试会沿用本次发布已提交的审核。',
    'An audit is already running.', 'Wait for its result, or withdraw it on the Audits tab and submit again; a release’s own retry adopts the audit it already submitted.'),
  85013: text('ext_json 中的自定义字段不合法。', '检查发布的 ext_json 后重新发起。', 'The ext_json has invalid custom fields.', 'Fix the release’s ext_json and start it again.'),
  85014: text('代码模板不存在。', '在“代码模板”页确认模板仍在模板库中，选择存在的模板重新发起。',
    'The code template does not exist.', 'Check the template library on the Templates page and start again with a template that exists.'),
  85017: text('域名未在第三方平台登记。', '先在微信开放平台的第三方平台设置中登记该服务器域名或业务域名。',
    'The domain is not registered on the platform.', 'Register the server or business domain in the third-party platform’s settings on WeChat Open Platform first.'),
  85019: text('没有审核通过的版本。', '先提交审核并等待通过。', 'No version has passed audit.', 'Submit for audit and wait for it to pass first.'),
  85020: text('当前审核状态不允许发布。', '发布流程会向微信核对审核状态，仍在审核中则继续等待。',
    'The audit state does not allow release.', 'A release re-checks the audit with WeChat and keeps waiting while it is still running.'),
  85052: text('该版本已发布。', '无需处理：平台视为发布成功。', 'This version is already released.', 'Nothing to do: the platform counts it as released.'),
  85064: text('草稿不存在。', '在微信开发者工具中重新上传代码到草稿箱。', 'The draft does not exist.', 'Upload the code to the drafts again from WeChat DevTools.'),
  85065: text('模板库已满。', '在“代码模板”页删除不再使用的模板。', 'The template library is full.', 'Delete templates no longer used on the Templates page.'),
  85079: text('小程序还没有线上版本，无法灰度发布。', '先对该小程序全量发布一次，再进行灰度发布。',
    'The mini program has no version online yet, so it cannot be gray-released.', 'Release this app in full once, then gray-release.'),
  85080: text('提交的版本未通过审核。', '发布流程会向微信核对审核状态，仍在审核中则继续等待。',
    'The submitted version has not passed audit.', 'A release re-checks the audit with WeChat and keeps waiting while it is still running.'),
  85081: text('灰度比例无效（0–100 的整数）。', '填写 1–100 的整数。', 'The gray percentage is invalid (an integer 0–100).', 'Enter an integer from 1 to 100.'),
  85082: text('灰度比例只能调高。', '填写高于当前比例的数值。', 'The gray percentage can only go up.', 'Enter a share higher than the current one.'),
  85085: text('审核额度已用完。', '发布中的小程序进入“等待审核额度”，平台每小时自动重新提交；单独提交请在额度恢复后重试。',
    'The audit quota is used up.', 'In a release the app waits for quota and the platform resubmits every hour; for a single submission, retry once the quota is back.'),
  85086: text('尚未上传代码。', '先上传代码（提交代码模板）再提交审核。', 'No code has been committed.', 'Commit code from a template before submitting for audit.'),
  86001: text('代码不是由本第三方平台上传的。', '先由本平台上传代码后再操作。', 'The code was not committed by this platform.', 'Commit the code through this platform first.'),
  86002: text('小程序资料未完善（名称、头像、类目等）。', `请商家在微信公众平台补全小程序资料。${RETRY_FAILED_ZH}`,
    'The mini program’s profile is incomplete (name, avatar, categories…).', `Ask the merchant to complete the profile on the WeChat Official Accounts Platform. ${RETRY_FAILED_EN}`),
  86004: text('微信号无效。', '核对微信号后重试。', 'The WeChat ID is invalid.', 'Check the WeChat ID and try again.'),
  86069: text('隐私保护指引缺少必填项（告知方式或联系方式）。', '在隐私保护指引中填写告知方式和至少一项联系方式。',
    'The privacy guide lacks a required field (notice method or a contact).', 'Fill in the notice method and at least one contact in the privacy guide.'),
  86070: text('隐私保护指引缺少告知方式。', '填写“告知方式”后重新保存。', 'The privacy guide has no notice method.', 'Fill in how users are told, then save again.'),
  86071: text('隐私保护指引版本参数无效。', '这是平台的缺陷，请联系开发人员。', 'The privacy guide version is invalid.', 'This is a platform bug: tell the developers.'),
  86072: text('信息保存期限无效（应为天数）。', '填写保存天数（正整数）。', 'The storage period is invalid (a number of days).', 'Enter the number of days (a positive integer).'),
  86073: text('隐私补充文档无效。', '重新上传补充文档。', 'The supplementary privacy document is invalid.', 'Upload the supplementary document again.'),
  86074: text('还没有线上版本的隐私保护指引。', '先设置开发版本的隐私保护指引，并随审核发布上线。',
    'There is no live privacy guide yet.', 'Set the development version’s privacy guide and release it through an audit first.'),
  86075: text('线上版本的隐私补充文档不能修改。', '通过开发版本修改并重新发布。', 'The live guide’s supplementary document cannot be changed.', 'Change it in the development version and release again.'),
  87011: text('正在灰度发布中。', '先在“代码版本”页完成或取消灰度发布。', 'A gray release is running.', 'Complete or cancel the gray release on the Code versions tab first.'),
  87012: text('该版本不能回退。', '选择版本回退列表中的其他版本。', 'This version cannot be rolled back to.', 'Choose another version from the release history.'),
  87013: text('撤回审核次数已达上限（每天 5 次，每月 10 次）。', '等待额度恢复；或等待本次审核结果。',
    'The withdraw-audit quota is used up (5 a day, 10 a month).', 'Wait for the quota to come back, or for this audit’s result.'),
  89019: text('业务域名未变化。', '无需处理：平台视为设置成功。', 'The business domains are unchanged.', 'Nothing to do: the platform counts it as set.'),
  89020: text('尚未设置业务域名。', '先设置业务域名。', 'No business domains are set yet.', 'Set the business domains first.'),
  89021: text('不是第三方平台登记的业务域名或其子域名。', '先在第三方平台设置中登记该业务域名。',
    'Not one of the platform’s business domains or a sub-domain of one.', 'Register the business domain in the third-party platform’s settings first.'),
  89231: text('个人主体小程序不能设置业务域名。', '个人小程序无法使用 web-view，请去掉业务域名。', 'Mini programs of individuals cannot have business domains.', 'Leave out the business domains for this app.'),
  89247: text('快速注册时微信内部错误（或统一社会信用代码不是 18 位）。', '核对 18 位统一社会信用代码后重试。',
    'WeChat’s internal error during fast registration (or the credit code is not 18 characters).', 'Check the 18-character unified social credit code and try again.'),
  89249: text('该主体已有进行中的注册任务。', '等该任务结束（完成或过期）后再提交。', 'This company already has a registration task running.', 'Wait until that task has ended, then submit again.'),
  89250: text('注册任务不存在。', '核对企业名称、信用代码和法人信息后重新查询。', 'No such registration task.', 'Check the company name, credit code and legal person, then query again.'),
  89253: text('缺少必填参数。', '补全表单后重试。', 'A required field is missing.', 'Complete the form and try again.'),
  89402: text('该审核不在审核队列中（未提交或已结束）。', '无需加急。', 'The audit is not in the audit queue (not submitted, or finished).', 'No speed-up needed.'),
  89404: text('该审核已加急过。', '等待审核结果。', 'This audit was already sped up.', 'Wait for the result.'),
  89405: text('本月加急次数已用完。', '等待下月额度恢复。', 'No speed-ups are left this month.', 'Wait for next month’s quota.'),
};

/** A WeChat refusal's text in one language, or undefined for a code not listed. */
export function explainErrcode(errcode: number, language: ErrcodeLanguage): ErrcodeExplanation | undefined {
  return ERRCODE_TEXT[errcode]?.[language];
}
