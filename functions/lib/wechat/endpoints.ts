/** WeChat API paths, relative to `WECHAT_API_BASE`. One place, named as WeChat names them. */
export const ENDPOINTS = {
  componentToken: '/cgi-bin/component/api_component_token',
  startPushTicket: '/cgi-bin/component/api_start_push_ticket',
  createPreAuthCode: '/cgi-bin/component/api_create_preauthcode',
  queryAuth: '/cgi-bin/component/api_query_auth',
  authorizerToken: '/cgi-bin/component/api_authorizer_token',
  getAuthorizerInfo: '/cgi-bin/component/api_get_authorizer_info',
  getAuthorizerList: '/cgi-bin/component/api_get_authorizer_list',
  fastRegisterWeapp: '/cgi-bin/component/fastregisterweapp',
  // Templates (component token)
  getTemplateDraftList: '/wxa/gettemplatedraftlist',
  addToTemplate: '/wxa/addtotemplate',
  getTemplateList: '/wxa/gettemplatelist',
  deleteTemplate: '/wxa/deletetemplate',
  // Basic information (authorizer token)
  getAccountBasicInfo: '/cgi-bin/account/getaccountbasicinfo',
  checkWxVerifyNickname: '/cgi-bin/wxverify/checkwxverifynickname',
  setNickname: '/wxa/setnickname',
  queryNickname: '/wxa/api_wxa_querynickname',
  uploadMedia: '/cgi-bin/media/upload',
  modifyHeadImage: '/cgi-bin/account/modifyheadimage',
  modifySignature: '/cgi-bin/account/modifysignature',
  getSearchStatus: '/cgi-bin/wxopen/getwxasearchstatus',
  changeSearchStatus: '/cgi-bin/wxopen/changewxasearchstatus',
  // Domains
  modifyDomain: '/wxa/modify_domain',
  getEffectiveDomain: '/wxa/get_effective_domain',
  setWebviewDomain: '/wxa/setwebviewdomain',
  // Code and testers
  commit: '/wxa/commit',
  getPage: '/wxa/get_page',
  getCategory: '/wxa/get_category',
  getQrcode: '/wxa/get_qrcode',
  bindTester: '/wxa/bind_tester',
  unbindTester: '/wxa/unbind_tester',
  memberAuth: '/wxa/memberauth',
  getCodePrivacyInfo: '/wxa/security/get_code_privacy_info',
  // Audit and release
  queryQuota: '/wxa/queryquota',
  submitAudit: '/wxa/submit_audit',
  getAuditStatus: '/wxa/get_auditstatus',
  getLatestAuditStatus: '/wxa/get_latest_auditstatus',
  undoCodeAudit: '/wxa/undocodeaudit',
  speedupAudit: '/wxa/speedupaudit',
  release: '/wxa/release',
  revertCodeRelease: '/wxa/revertcoderelease',
  grayRelease: '/wxa/grayrelease',
  getGrayReleasePlan: '/wxa/getgrayreleaseplan',
  revertGrayRelease: '/wxa/revertgrayrelease',
  changeVisitStatus: '/wxa/change_visitstatus',
  getVersionInfo: '/wxa/getversioninfo',
  // Mini-program codes
  getWxaCode: '/wxa/getwxacode',
  getWxaCodeUnlimit: '/wxa/getwxacodeunlimit',
  createWxaQrcode: '/cgi-bin/wxaapp/createwxaqrcode',
} as const;

/** Pages the merchant opens to authorize the platform (not API calls), relative to their hosts. */
export const AUTHORIZATION_PAGES = {
  /** PC: the owner scans a QR code shown on this page. */
  pc: '/cgi-bin/componentloginpage',
  /** Mobile: opened inside WeChat. */
  mobile: '/wxaopen/safe/bindcomponent',
} as const;
