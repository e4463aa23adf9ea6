import { componentCredentials } from '../wechat/component-credentials';
import { WeChatMessageCrypto } from '../wechat/crypto';
import { onceFor } from './process-scope';

/** The crypto for pushes, keyed by the component's Token and EncodingAESKey. */
export async function pushCrypto(): Promise<WeChatMessageCrypto> {
  const credentials = await componentCredentials();
  return onceFor(pushCrypto, credentials, () => new WeChatMessageCrypto({ token: credentials.token, encodingAesKey: credentials.aesKey, appId: credentials.appId }));
}
