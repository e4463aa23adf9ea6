import type { AuthorizationService } from './authorization/authorization-service';
import { authorizationService, registrationService } from './composition/authorization';
import { authorizerAccessTokens, componentAccessToken, componentApi, componentAuthApi } from './composition/component-services';
import { auditStore } from './composition/stores/audit';
import { auditTrailStore } from './composition/stores/audit-trail';
import { authorizerProfileStore } from './composition/stores/authorizer-profile';
import { authorizerStatusStore } from './composition/stores/authorizer-status';
import { authorizerTokenStore } from './composition/stores/authorizer-token';
import { componentTokenStore } from './composition/stores/component-token';
import { paymentStore } from './composition/stores/payment';
import { quotaStore } from './composition/stores/quota';
import { refresherStatusStore } from './composition/stores/refresher-status';
import { registrationStore } from './composition/stores/registration';
import { releaseStore } from './composition/stores/release';
import { verifyTicketStore } from './composition/stores/verify-ticket';
import { miniProgramService, templateApi } from './composition/weapp-services';
import type { RegistrationService } from './registration/registration-service';
import type { AuditStore } from './store/audit-store';
import type { AuditTrailStore } from './store/audit-trail-store';
import type { AuthorizerProfileStore } from './store/authorizer-profile-store';
import type { AuthorizerStatusStore } from './store/authorizer-status-store';
import type { AuthorizerTokenStore } from './store/authorizer-token-store';
import type { ComponentTokenStore } from './store/component-token-store';
import type { PaymentStore } from './store/payment-store';
import type { QuotaStore } from './store/quota-store';
import type { RefresherStatusStore } from './store/refresher-status-store';
import type { RegistrationStore } from './store/registration-store';
import type { ReleaseStore } from './store/release-store';
import type { VerifyTicketStore } from './store/verify-ticket-store';
import type { AuthorizerAccessTokens } from './tokens/authorizer-access-token';
import type { ComponentAccessToken } from './tokens/component-access-token';
import type { ComponentApi, ComponentAuthApi } from './wechat/component';
import { componentCredentials, type ComponentCredentials } from './wechat/component-credentials';
import type { TemplateApi } from './wechat/weapp';
import type { MiniProgramService } from './weapp/mini-program-service';

/**
 * The whole platform at once: every store and every component service, for the tests, the
 * local runtime and the few handlers that use nearly all of them (health, overview). A
 * handler that needs a few imports their factories from lib/composition/ instead, so its
 * bundle holds those and no others; both hand out the same per-process instances.
 */
export { enableTokenKey } from './composition/token-key';
export { tokenCipher } from './composition/token-cipher';
export { resetPlatform } from './composition/process-scope';
export { wechatClient } from './composition/wechat-client';

export interface Stores {
  tickets: VerifyTicketStore;
  componentTokens: ComponentTokenStore;
  /** Authorizer profiles and their listing. */
  authorizers: AuthorizerProfileStore;
  authorizerTokens: AuthorizerTokenStore;
  authorizerStatus: AuthorizerStatusStore;
  refresher: RefresherStatusStore;
  audits: AuditStore;
  quotas: QuotaStore;
  releases: ReleaseStore;
  registrations: RegistrationStore;
  payments: PaymentStore;
  /** Who did what through the admin API (not WeChat's code audits: that is `audits`). */
  auditTrail: AuditTrailStore;
}

export interface ComponentServices {
  credentials: ComponentCredentials;
  authApi: ComponentAuthApi;
  componentToken: ComponentAccessToken;
  componentApi: ComponentApi;
  authorizerTokens: AuthorizerAccessTokens;
  authorization: AuthorizationService;
  miniPrograms: MiniProgramService;
  templates: TemplateApi;
  registrations: RegistrationService;
}

export function platformStores(): Stores {
  return {
    tickets: verifyTicketStore(),
    componentTokens: componentTokenStore(),
    authorizers: authorizerProfileStore(),
    authorizerTokens: authorizerTokenStore(),
    authorizerStatus: authorizerStatusStore(),
    refresher: refresherStatusStore(),
    audits: auditStore(),
    quotas: quotaStore(),
    releases: releaseStore(),
    registrations: registrationStore(),
    payments: paymentStore(),
    auditTrail: auditTrailStore(),
  };
}

export async function componentServices(): Promise<ComponentServices> {
  const credentials = await componentCredentials();
  const [authApi, componentToken, api, authorizerTokens, authorization, miniPrograms, templates, registrations] = await Promise.all([
    componentAuthApi(credentials),
    componentAccessToken(credentials),
    componentApi(credentials),
    authorizerAccessTokens(credentials),
    authorizationService(credentials),
    miniProgramService(credentials),
    templateApi(credentials),
    registrationService(credentials),
  ]);
  return { credentials, authApi, componentToken, componentApi: api, authorizerTokens, authorization, miniPrograms, templates, registrations };
}
