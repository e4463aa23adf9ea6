/** WeChat API paths, relative to `WECHAT_API_BASE`. One place, named as WeChat names them. */
export const ENDPOINTS = {
  componentToken: '/cgi-bin/component/api_component_token',
  startPushTicket: '/cgi-bin/component/api_start_push_ticket',
} as const;
