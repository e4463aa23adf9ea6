import { config } from '../config';
import { WeChatClient } from '../wechat/client';
import { once } from './process-scope';

/** The one HTTP client to WeChat's API per process (axios: only handlers that call WeChat load it). */
export function wechatClient(): WeChatClient {
  return once(wechatClient, () => {
    const { WECHAT_API_BASE, WECHAT_API_TIMEOUT_MS } = config();
    return new WeChatClient({ baseURL: WECHAT_API_BASE, timeoutMs: WECHAT_API_TIMEOUT_MS });
  });
}
