import { dynamoClient, dynamoDocumentClient } from './aws/clients';
import { AuthorizationService } from './authorization/authorization-service';
import { config } from './config';
import { AttributeCipher } from './crypto-at-rest/attribute-cipher';
import type { DataKeyProvider } from './crypto-at-rest/data-keys';
import { ConfigurationError } from './errors';
import { idempotencyPersistence } from './idempotency';
import { countAuditOutcome } from './observability/release-signals';
import { DynamoAuditStore, type AuditStore } from './store/audit-store';
import { DynamoAuditTrailStore, type AuditTrailStore } from './store/audit-trail-store';
import { DynamoAuthorizerProfileStore, type AuthorizerProfileStore } from './store/authorizer-profile-store';
import { DynamoAuthorizerStatusStore, type AuthorizerStatusStore } from './store/authorizer-status-store';
import { DynamoAuthorizerTokenStore, type AuthorizerTokenStore } from './store/authorizer-token-store';
import { DynamoPaymentStore, type PaymentStore } from './store/payment-store';
import { DynamoQuotaStore, type QuotaStore } from './store/quota-store';
import { ReleaseStore } from './store/release-store';
import { DynamoRegistrationStore, type RegistrationStore } from './store/registration-store';
import { RegistrationService } from './registration/registration-service';
import { DynamoComponentTokenStore, type ComponentTokenStore } from './store/component-token-store';
import { RefreshLease } from './store/refresh-lease';
import { DynamoRefresherStatusStore, type RefresherStatusStore } from './store/refresher-status-store';
import { DynamoVerifyTicketStore, type VerifyTicketStore } from './store/verify-ticket-store';
import { AuthorizerAccessTokens } from './tokens/authorizer-access-token';
import { ComponentAccessToken } from './tokens/component-access-token';
import { WeChatClient } from './wechat/client';
import { ComponentApi, ComponentAuthApi } from './wechat/component';
import { componentCredentials, type ComponentCredentials } from './wechat/component-credentials';
import { WeChatMessageCrypto } from './wechat/crypto';
import { TemplateApi } from './wechat/weapp';
import { MiniProgramService } from './weapp/mini-program-service';

/**
 * Composition root: builds the stores and services a handler needs from configuration, once
 * per process. Handlers call these instead of wiring dependencies themselves.
 */
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

let stores: Stores | undefined;
let cipher: AttributeCipher | undefined;
let tokenKeySource: (() => DataKeyProvider) | undefined;
let wechat: WeChatClient | undefined;
let messageCrypto: { credentials: ComponentCredentials; crypto: WeChatMessageCrypto } | undefined;
let services: { credentials: ComponentCredentials; services: ComponentServices } | undefined;

export function platformStores(): Stores {
  if (!stores) {
    const db = dynamoDocumentClient();
    const { TABLE_NAME } = config();
    const lease = new RefreshLease(db, TABLE_NAME);
    const tokens = tokenCipher();
    stores = {
      tickets: new DynamoVerifyTicketStore(db, TABLE_NAME),
      componentTokens: new DynamoComponentTokenStore(db, TABLE_NAME, lease, tokens),
      authorizers: new DynamoAuthorizerProfileStore(db, TABLE_NAME),
      authorizerTokens: new DynamoAuthorizerTokenStore(db, TABLE_NAME, lease, tokens),
      authorizerStatus: new DynamoAuthorizerStatusStore(db, TABLE_NAME, tokens),
      refresher: new DynamoRefresherStatusStore(db, TABLE_NAME),
      audits: new DynamoAuditStore(db, TABLE_NAME, countAuditOutcome),
      quotas: new DynamoQuotaStore(db, TABLE_NAME),
      releases: new ReleaseStore(db, TABLE_NAME),
      registrations: new DynamoRegistrationStore(db, TABLE_NAME),
      payments: new DynamoPaymentStore(db, TABLE_NAME),
      auditTrail: new DynamoAuditTrailStore(db, TABLE_NAME),
    };
  }
  return stores;
}

/**
 * Called once at load by the handlers of the functions that use merchant tokens (manifest
 * `tokenKey`, test/infra/token-key-reach.test.ts) with `configuredTokenKey`: the others
 * neither bundle the KMS client nor can open a token.
 */
export function enableTokenKey(source: () => DataKeyProvider): void {
  tokenKeySource = source;
}

/**
 * Encrypts and decrypts tokens at rest, its data key cached for the life of the process. The
 * key is looked up on first use, so a function that never touches a token needs none.
 */
export function tokenCipher(): AttributeCipher {
  if (!cipher) {
    let key: DataKeyProvider | undefined;
    cipher = new AttributeCipher(() => {
      if (!tokenKeySource) throw new ConfigurationError('this function does not hold the token key (manifest tokenKey): it may not read or write merchant tokens');
      return (key ??= tokenKeySource());
    });
  }
  return cipher;
}

export function wechatClient(): WeChatClient {
  const { WECHAT_API_BASE, WECHAT_API_TIMEOUT_MS } = config();
  wechat ??= new WeChatClient({ baseURL: WECHAT_API_BASE, timeoutMs: WECHAT_API_TIMEOUT_MS });
  return wechat;
}

/** The crypto for pushes, keyed by the component's Token and EncodingAESKey. */
export async function pushCrypto(): Promise<WeChatMessageCrypto> {
  const credentials = await componentCredentials();
  if (messageCrypto?.credentials !== credentials) {
    messageCrypto = {
      credentials,
      crypto: new WeChatMessageCrypto({ token: credentials.token, encodingAesKey: credentials.aesKey, appId: credentials.appId }),
    };
  }
  return messageCrypto.crypto;
}

export async function componentServices(): Promise<ComponentServices> {
  const credentials = await componentCredentials();
  if (services?.credentials === credentials) return services.services;
  const { tickets, componentTokens, authorizers, authorizerTokens: authorizerTokenStore, authorizerStatus, audits, quotas, registrations: registrationStore } = platformStores();
  const client = wechatClient();
  const authApi = new ComponentAuthApi(client, credentials);
  const componentToken = new ComponentAccessToken({ componentAppId: credentials.appId, tokens: componentTokens, tickets, authApi });
  const componentApi = new ComponentApi(client, credentials.appId, componentToken);
  const authorizerTokens = new AuthorizerAccessTokens({ componentAppId: credentials.appId, tokens: authorizerTokenStore, profiles: authorizers, status: authorizerStatus, componentApi });
  const env = config();
  const authorization = new AuthorizationService({
    componentAppId: credentials.appId,
    componentApi,
    profiles: authorizers,
    tokens: authorizerTokenStore,
    status: authorizerStatus,
    persistence: idempotencyPersistence(dynamoClient()),
    links: { redirectUri: () => authorizationRedirectUri(requirePublicBaseUrl()), mpBase: env.WECHAT_MP_BASE, openBase: env.WECHAT_OPEN_BASE },
  });
  const miniPrograms = new MiniProgramService({ client, tokens: authorizerTokens, quotas, audits });
  const templates = new TemplateApi(client, componentToken);
  const registrations = new RegistrationService(registrationStore, componentApi, authorization);
  const built = { credentials, authApi, componentToken, componentApi, authorizerTokens, authorization, miniPrograms, templates, registrations };
  services = { credentials, services: built };
  return built;
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

/** For tests and the local runtime after the environment changed. */
export function resetPlatform(): void {
  stores = undefined;
  cipher = undefined;
  wechat = undefined;
  messageCrypto = undefined;
  services = undefined;
}
