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
 * credentials change (a rotated secret). Each may be given the credentials to build for
 * (default: the current ones) and hands them to the services it is made of, so a service and
 * its parts always share one set.
 */
export async function componentAuthApi(credentials?: ComponentCredentials): Promise<ComponentAuthApi> {
  const current = credentials ?? (await componentCredentials());
  return onceFor(componentAuthApi, current, () => new ComponentAuthApi(wechatClient(), current));
}

export async function componentAccessToken(credentials?: ComponentCredentials): Promise<ComponentAccessToken> {
  const current = credentials ?? (await componentCredentials());
  const authApi = await componentAuthApi(current);
  return onceFor(componentAccessToken, current, () => new ComponentAccessToken({ componentAppId: current.appId, tokens: componentTokenStore(), tickets: verifyTicketStore(), authApi }));
}

export async function componentApi(credentials?: ComponentCredentials): Promise<ComponentApi> {
  const current = credentials ?? (await componentCredentials());
  const token = await componentAccessToken(current);
  return onceFor(componentApi, current, () => new ComponentApi(wechatClient(), current.appId, token));
}

export async function authorizerAccessTokens(credentials?: ComponentCredentials): Promise<AuthorizerAccessTokens> {
  const current = credentials ?? (await componentCredentials());
  const api = await componentApi(current);
  return onceFor(authorizerAccessTokens, current, () =>
    new AuthorizerAccessTokens({ componentAppId: current.appId, tokens: authorizerTokenStore(), profiles: authorizerProfileStore(), status: authorizerStatusStore(), componentApi: api }),
  );
}
