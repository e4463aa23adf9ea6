import { AuthorizerAccessTokens } from '../tokens/authorizer-access-token';
import { ComponentAccessToken } from '../tokens/component-access-token';
import { ComponentApi, ComponentAuthApi } from '../wechat/component';
import { componentCredentials, type ComponentCredentials } from '../wechat/component-credentials';
import { onceFor } from './process-scope';
import { authorizerProfileStore } from './stores/authorizer-profile';
import { authorizerStatusStore } from './stores/authorizer-status';
import { authorizerTokenStore } from './stores/authorizer-token';
import { componentTokenStore } from './stores/component-token';
import { verifyTicketStore } from './stores/verify-ticket';
import { wechatClient } from './wechat-client';

/**
 * The component's WeChat services, one factory each, built again when the component
 * credentials change (a rotated secret). Each takes the credentials it was built for, so a
 * service and the services it is made of always share one set.
 */
export async function componentAuthApi(credentials?: ComponentCredentials): Promise<ComponentAuthApi> {
  const c = credentials ?? (await componentCredentials());
  return onceFor(componentAuthApi, c, () => new ComponentAuthApi(wechatClient(), c));
}

export async function componentAccessToken(credentials?: ComponentCredentials): Promise<ComponentAccessToken> {
  const c = credentials ?? (await componentCredentials());
  const authApi = await componentAuthApi(c);
  return onceFor(componentAccessToken, c, () => new ComponentAccessToken({ componentAppId: c.appId, tokens: componentTokenStore(), tickets: verifyTicketStore(), authApi }));
}

export async function componentApi(credentials?: ComponentCredentials): Promise<ComponentApi> {
  const c = credentials ?? (await componentCredentials());
  const token = await componentAccessToken(c);
  return onceFor(componentApi, c, () => new ComponentApi(wechatClient(), c.appId, token));
}

export async function authorizerAccessTokens(credentials?: ComponentCredentials): Promise<AuthorizerAccessTokens> {
  const c = credentials ?? (await componentCredentials());
  const api = await componentApi(c);
  return onceFor(authorizerAccessTokens, c, () =>
    new AuthorizerAccessTokens({ componentAppId: c.appId, tokens: authorizerTokenStore(), profiles: authorizerProfileStore(), status: authorizerStatusStore(), componentApi: api }),
  );
}
