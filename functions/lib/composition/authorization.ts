import { dynamoClient } from '../aws/dynamodb';
import { AuthorizationService } from '../authorization/authorization-service';
import { config } from '../config';
import { ConfigurationError } from '../errors';
import { idempotencyPersistence } from '../idempotency';
import { RegistrationService } from '../registration/registration-service';
import { componentCredentials, type ComponentCredentials } from '../wechat/component-credentials';
import { componentApi } from './component-services';
import { onceFor } from './process-scope';
import { authorizerProfileStore } from './stores/authorizer-profile';
import { authorizerStatusStore } from './stores/authorizer-status';
import { authorizerTokenStore } from './stores/authorizer-token';
import { registrationStore } from './stores/registration';

/**
 * Authorizing mini programs and registering new ones. Its own module because it is the one
 * that needs Powertools idempotency (and so jmespath): only handlers that authorize load it.
 */
export async function authorizationService(credentials?: ComponentCredentials): Promise<AuthorizationService> {
  const current = credentials ?? (await componentCredentials());
  const api = await componentApi(current);
  return onceFor(authorizationService, current, () => {
    const env = config();
    return new AuthorizationService({
      componentAppId: current.appId,
      componentApi: api,
      profiles: authorizerProfileStore(),
      tokens: authorizerTokenStore(),
      status: authorizerStatusStore(),
      persistence: idempotencyPersistence(dynamoClient()),
      links: { redirectUri: () => authorizationRedirectUri(requirePublicBaseUrl()), mpBase: env.WECHAT_MP_BASE, openBase: env.WECHAT_OPEN_BASE },
    });
  });
}

/** Fast registration of new mini programs; a registered app is authorized at once. */
export async function registrationService(credentials?: ComponentCredentials): Promise<RegistrationService> {
  const current = credentials ?? (await componentCredentials());
  const [api, authorization] = await Promise.all([componentApi(current), authorizationService(current)]);
  return onceFor(registrationService, current, () => new RegistrationService(registrationStore(), api, authorization));
}

/** The public redirect target of the authorization flow. */
export function authorizationRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/wechat/authorize/callback`;
}

/** Only functions that create authorization links need it, so it is checked when used. */
export function requirePublicBaseUrl(): string {
  const { PUBLIC_BASE_URL } = config();
  if (!PUBLIC_BASE_URL) throw new ConfigurationError('PUBLIC_BASE_URL is not configured');
  return PUBLIC_BASE_URL;
}
