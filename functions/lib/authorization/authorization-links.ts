import { AUTHORIZATION_PAGES } from '../wechat/catalogue';

/** Which accounts the merchant may pick on WeChat's page. */
export const AUTH_TYPES = { official_account: 1, mini_program: 2, both: 3 } as const;
export type AuthType = keyof typeof AUTH_TYPES;

export interface AuthorizationLinkInput {
  componentAppId: string;
  preAuthCode: string;
  redirectUri: string;
  authType: AuthType;
  /** Pins one account; WeChat then ignores auth_type. */
  bizAppId?: string;
  mpBase: string;
  openBase: string;
}

/** The PC (`componentloginpage`) and mobile (`bindcomponent`) authorization links. */
export function authorizationLinks(input: AuthorizationLinkInput): { pcUrl: string; mobileUrl: string } {
  const common = new URLSearchParams({
    component_appid: input.componentAppId,
    pre_auth_code: input.preAuthCode,
    redirect_uri: input.redirectUri,
  });
  if (input.bizAppId) common.set('biz_appid', input.bizAppId);
  else common.set('auth_type', String(AUTH_TYPES[input.authType]));

  const pc = new URL(AUTHORIZATION_PAGES.pc, input.mpBase);
  pc.search = common.toString();
  const mobile = new URL(AUTHORIZATION_PAGES.mobile, input.openBase);
  mobile.search = new URLSearchParams([['action', 'bindcomponent'], ['no_scan', '1'], ...common]).toString();
  mobile.hash = 'wechat_redirect';
  return { pcUrl: pc.toString(), mobileUrl: mobile.toString() };
}
