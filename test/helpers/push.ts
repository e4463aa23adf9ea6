import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import type { LocalSettings } from '../../local/settings';

export interface SignedPush {
  query: string;
  body: string;
}

/** Builds a push exactly as WeChat would post it, with knobs for breaking it. */
export function signedPush(
  component: LocalSettings['component'],
  innerXml: string,
  { timestamp = String(Math.floor(Date.now() / 1000)), nonce = '1320562132', appId = component.appId } = {},
): SignedPush {
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId });
  const envelope = crypto.encryptAndSign(innerXml, timestamp, nonce);
  const query = new URLSearchParams({
    signature: crypto.signature(timestamp, nonce, ''),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: envelope.msgSignature,
  }).toString();
  return { query, body: `<xml><AppId><![CDATA[${component.appId}]]></AppId><Encrypt><![CDATA[${envelope.encrypt}]]></Encrypt></xml>` };
}

export function ticketXml(appId: string, ticket: string, createTime: number): string {
  return (
    `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${createTime}</CreateTime>` +
    `<InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[${ticket}]]></ComponentVerifyTicket></xml>`
  );
}
