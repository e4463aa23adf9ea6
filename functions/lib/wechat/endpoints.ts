/** WeChat API paths, relative to `WECHAT_API_BASE`. One place, named as WeChat names them. */
export const ENDPOINTS = {
  componentToken: '/cgi-bin/component/api_component_token',
  startPushTicket: '/cgi-bin/component/api_start_push_ticket',
  createPreAuthCode: '/cgi-bin/component/api_create_preauthcode',
  queryAuth: '/cgi-bin/component/api_query_auth',
  authorizerToken: '/cgi-bin/component/api_authorizer_token',
  getAuthorizerInfo: '/cgi-bin/component/api_get_authorizer_info',
  getAuthorizerList: '/cgi-bin/component/api_get_authorizer_list',
} as const;

/** Pages the merchant opens to authorize the platform (not API calls), relative to their hosts. */
export const AUTHORIZATION_PAGES = {
  /** PC: the owner scans a QR code shown on this page. */
  pc: '/cgi-bin/componentloginpage',
  /** Mobile: opened inside WeChat. */
  mobile: '/wxaopen/safe/bindcomponent',
} as const;
