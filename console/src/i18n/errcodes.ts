import { explainErrcode, type ErrcodeExplanation } from '../../../functions/lib/wechat/errcode-text';
import { currentLocale } from './index';

/**
 * The shared explanations of WeChat's errcodes (functions/lib/wechat/errcode-text.ts, bundled at
 * build time: plain data, no server code comes with it) in the console's language.
 */
export function explainWeChat(errcode: number): ErrcodeExplanation | undefined {
  return explainErrcode(errcode, currentLocale.value);
}

/** The errcode in an admin API error code (`WECHAT_85085` → 85085). */
export function errcodeOf(apiCode: string): number | undefined {
  const match = /^WECHAT_(-?\d+)$/.exec(apiCode);
  return match ? Number(match[1]) : undefined;
}
