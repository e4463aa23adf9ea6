import { authorizationLinks, type AuthorizationLinkInput } from '../../../../functions/lib/authorization/authorization-links';

describe('Function: authorizationLinks', () => {
  const input: AuthorizationLinkInput = {
    componentAppId: 'wxcomponent0000001',
    preAuthCode: 'preauthcode@@@abc',
    redirectUri: 'https://fleet.example.com/wechat/authorize/callback?x=1',
    authType: 'mini_program',
    mpBase: 'https://mp.weixin.qq.com',
    openBase: 'https://open.weixin.qq.com',
  };

  it('builds the PC page link with the component, code, redirect and auth_type, all encoded', () => {
    const pc = new URL(authorizationLinks(input).pcUrl);
    expect(`${pc.origin}${pc.pathname}`).toBe('https://mp.weixin.qq.com/cgi-bin/componentloginpage');
    expect(Object.fromEntries(pc.searchParams)).toEqual({ component_appid: input.componentAppId, pre_auth_code: input.preAuthCode, redirect_uri: input.redirectUri, auth_type: '2' });
  });

  it('builds the mobile link as bindcomponent without scanning, ending in #wechat_redirect', () => {
    const mobile = new URL(authorizationLinks({ ...input, authType: 'both' }).mobileUrl);
    expect(`${mobile.origin}${mobile.pathname}`).toBe('https://open.weixin.qq.com/wxaopen/safe/bindcomponent');
    expect(mobile.hash).toBe('#wechat_redirect');
    expect([...mobile.searchParams.keys()].slice(0, 2)).toEqual(['action', 'no_scan']);
    expect(Object.fromEntries(mobile.searchParams)).toMatchObject({ action: 'bindcomponent', no_scan: '1', auth_type: '3', pre_auth_code: input.preAuthCode });
  });

  it('pins one account with biz_appid instead of auth_type', () => {
    const { pcUrl, mobileUrl } = authorizationLinks({ ...input, bizAppId: 'wx1234567890abcdef' });
    for (const url of [new URL(pcUrl), new URL(mobileUrl)]) {
      expect(url.searchParams.get('biz_appid')).toBe('wx1234567890abcdef');
      expect(url.searchParams.has('auth_type')).toBe(false);
    }
  });
});
