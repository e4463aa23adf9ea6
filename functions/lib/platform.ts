import { dynamoDocumentClient } from './aws/clients';
import { config } from './config';
import { ComponentTokenStore } from './store/component-token-store';
import { VerifyTicketStore } from './store/verify-ticket-store';
import { ComponentAccessToken } from './tokens/component-access-token';
import { WeChatClient } from './wechat/client';
import { ComponentAuthApi } from './wechat/component';
import { componentCredentials, type ComponentCredentials } from './wechat/component-credentials';
import { WeChatMessageCrypto } from './wechat/crypto';

/**
 * Composition root: builds the stores and services a handler needs from configuration, once
 * per process. Handlers call these instead of wiring dependencies themselves.
 */
export interface Stores {
  tickets: VerifyTicketStore;
  componentTokens: ComponentTokenStore;
}

let stores: Stores | undefined;
let wechat: WeChatClient | undefined;
let messageCrypto: { credentials: ComponentCredentials; crypto: WeChatMessageCrypto } | undefined;

export function platformStores(): Stores {
  if (!stores) {
    const db = dynamoDocumentClient();
    const { TABLE_NAME } = config();
    stores = { tickets: new VerifyTicketStore(db, TABLE_NAME), componentTokens: new ComponentTokenStore(db, TABLE_NAME) };
  }
  return stores;
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

export async function componentServices(): Promise<{ authApi: ComponentAuthApi; componentToken: ComponentAccessToken }> {
  const credentials = await componentCredentials();
  const { tickets, componentTokens } = platformStores();
  const authApi = new ComponentAuthApi(wechatClient(), credentials);
  const componentToken = new ComponentAccessToken({ componentAppId: credentials.appId, tokens: componentTokens, tickets, authApi });
  return { authApi, componentToken };
}

/** For tests and the local runtime after the environment changed. */
export function resetPlatform(): void {
  stores = undefined;
  wechat = undefined;
  messageCrypto = undefined;
}
