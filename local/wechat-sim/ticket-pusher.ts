import { randomInt } from 'node:crypto';
import { WeChatMessageCrypto } from '../../functions/lib/wechat/crypto';
import type { FaultInjector, PushKind } from './faults';
import type { SimState } from './state';

export interface PushResult {
  at: number;
  status: number | 'unreachable';
  body: string;
}

/**
 * Posts encrypted, signed pushes to the platform the way WeChat does: XML envelope with
 * `Encrypt`, and `signature`/`timestamp`/`nonce`/`encrypt_type`/`msg_signature` in the query.
 */
export class PushSender {
  private readonly crypto: WeChatMessageCrypto;

  constructor(
    private readonly state: SimState,
    private readonly faults?: FaultInjector,
  ) {
    const { token, aesKey, appId } = state.options.component;
    this.crypto = new WeChatMessageCrypto({ token, encodingAesKey: aesKey, appId });
  }

  /**
   * `to` names the envelope's addressee: `AppId` (component appid) for authorization events,
   * `ToUserName` (the mini program's gh_ id) for an authorizer's message events. The cipher
   * text always ends with the component appid.
   */
  async push(
    url: string,
    innerXml: string,
    to: { element: 'AppId' | 'ToUserName'; value: string } = { element: 'AppId', value: this.state.options.component.appId },
    /** What kind of push this is, for injected losses; a push without a kind is never dropped. */
    kind?: PushKind,
  ): Promise<PushResult> {
    // Lost on the way: the platform never sees it and WeChat gets no answer.
    if (kind && this.faults?.dropPush(kind)) return { at: this.state.now(), status: 'unreachable', body: '' };
    const timestamp = String(Math.floor(this.state.now() / 1000));
    const nonce = String(randomInt(1_000_000_000, 9_999_999_999));
    const envelope = this.crypto.encryptAndSign(innerXml, timestamp, nonce);
    const target = new URL(url);
    target.searchParams.set('signature', this.crypto.signature(timestamp, nonce, ''));
    target.searchParams.set('timestamp', timestamp);
    target.searchParams.set('nonce', nonce);
    target.searchParams.set('encrypt_type', 'aes');
    target.searchParams.set('msg_signature', envelope.msgSignature);
    const body = `<xml><${to.element}><![CDATA[${to.value}]]></${to.element}><Encrypt><![CDATA[${envelope.encrypt}]]></Encrypt></xml>`;
    try {
      const response = await fetch(target, { method: 'POST', body, headers: { 'content-type': 'text/xml' }, signal: AbortSignal.timeout(5000) });
      return { at: this.state.now(), status: response.status, body: await response.text() };
    } catch {
      return { at: this.state.now(), status: 'unreachable', body: '' };
    }
  }
}

/** Pushes a fresh `component_verify_ticket` on an interval (WeChat: every 10 minutes). */
export class TicketPusher {
  readonly results: PushResult[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<PushResult> | undefined;

  constructor(
    private readonly state: SimState,
    private readonly sender: PushSender,
    private readonly callbackUrl: () => string | undefined,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.pushNow();
    this.timer = setInterval(() => void this.pushNow(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Issues and pushes one ticket now; resolves with the platform's answer. */
  async pushNow(): Promise<PushResult | undefined> {
    const url = this.callbackUrl();
    if (!url) return undefined;
    const ticket = this.state.issueTicket();
    const { appId } = this.state.options.component;
    const createTime = Math.floor(this.state.now() / 1000);
    const xml =
      `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${createTime}</CreateTime>` +
      `<InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[${ticket}]]></ComponentVerifyTicket></xml>`;
    this.inFlight = this.sender.push(url, xml, undefined, 'ticket');
    const result = await this.inFlight;
    this.results.push(result);
    if (this.results.length > 100) this.results.shift();
    return result;
  }
}
