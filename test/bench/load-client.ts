import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';

/**
 * The load generator of `npm run bench -- load`, in a process of its own so its CPU is not the
 * gateway's: autocannon posting valid, distinct, encrypted pushes, half verify tickets to the
 * component route, half audit results to authorizers' route. Prints autocannon's result as JSON.
 */
interface LoadConfig {
  url: string;
  durationS: number;
  connections: number;
  pushes: number;
  component: { appId: string; token: string; aesKey: string };
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadConfig;
const crypto = new WeChatMessageCrypto({ token: config.component.token, encodingAesKey: config.component.aesKey, appId: config.component.appId });

/** Generated before the clock starts, so the client spends the run sending. */
function signedPushes(count: number): { path: string; body: string }[] {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const pushes: { path: string; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const nonce = String(1_000_000_000 + i);
    const createTime = Number(timestamp) + i;
    let path: string;
    let inner: string;
    let envelope: string;
    if (i % 2 === 0) {
      path = '/wechat/component/events';
      inner = `<xml><AppId><![CDATA[${config.component.appId}]]></AppId><CreateTime>${createTime}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@load-${i}]]></ComponentVerifyTicket></xml>`;
      envelope = 'AppId';
    } else {
      const appId = `wx${(0xa000000000000000n + BigInt(i % 500)).toString(16)}`;
      path = `/wechat/authorizers/${appId}/events`;
      inner =
        `<xml><ToUserName><![CDATA[gh_load${i % 500}]]></ToUserName><FromUserName><![CDATA[osystem]]></FromUserName><CreateTime>${createTime}</CreateTime>` +
        `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_delay]]></Event><Reason><![CDATA[load ${i}]]></Reason><DelayTime>${createTime}</DelayTime></xml>`;
      envelope = 'ToUserName';
    }
    const sealed = crypto.encryptAndSign(inner, timestamp, nonce);
    const query = new URLSearchParams({ signature: crypto.signature(timestamp, nonce, ''), timestamp, nonce, encrypt_type: 'aes', msg_signature: sealed.msgSignature });
    pushes.push({ path: `${path}?${query}`, body: `<xml><${envelope}><![CDATA[x]]></${envelope}><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt></xml>` });
  }
  return pushes;
}

const pushes = signedPushes(config.pushes);
let next = 0;
const instance = autocannon(
  {
    url: config.url,
    connections: config.connections,
    duration: config.durationS,
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    requests: [
      {
        // Each request takes the next push: every push is distinct while the pool lasts.
        setupRequest: (request) => {
          const push = pushes[next++ % pushes.length]!;
          return { ...request, method: 'POST', path: push.path, body: push.body };
        },
      },
    ],
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`autocannon failed: ${error.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${JSON.stringify({ ...result, pushesSent: next, distinctPushes: pushes.length })}\n`);
  },
);
process.once('SIGTERM', () => instance.stop());
