import { createHash } from 'node:crypto';
import type { SimState } from './state';
import type { PushResult, PushSender } from './ticket-pusher';

/**
 * The platform's "message and event URL": one per platform, configured with `$APPID$`, which
 * WeChat replaces with the mini program's appid. A function form lets tests route per app.
 */
export type AuthorizerEventsUrl = string | ((appId: string) => string | undefined);

export interface AuthorizerEventPush {
  appId: string;
  /** `weapp_audit_success`, `weapp_audit_fail`, `weapp_audit_delay`. */
  event: string;
  auditId?: number;
  /** The decrypted XML (every attempt carries the same message, encrypted anew). */
  xml: string;
  /** One entry per delivery attempt, in order. */
  attempts: PushResult[];
  /** The platform answered `success` to one of the attempts. */
  delivered: boolean;
}

/** WeChat tries a push three times in all before giving up. */
export const PUSH_ATTEMPTS = 3;

/** The platform must answer exactly this (trimmed, HTTP 2xx) for a push to count as delivered. */
const isDelivered = (result: PushResult) => typeof result.status === 'number' && result.status >= 200 && result.status < 300 && result.body.trim() === 'success';

/**
 * Sends an authorizer's message events (audit results) the way WeChat does: encrypted with the
 * component's key (trailing appid = component appid), envelope addressed to the mini program's
 * original id, retried while the platform does not answer `success`.
 */
export class AuthorizerEventPusher {
  /** Every event push (newest last, bounded) with each attempt's answer. */
  readonly pushes: AuthorizerEventPush[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Pauses between attempts, so `stop()` can end them at once. */
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(
    private readonly state: SimState,
    private readonly sender: PushSender,
    private readonly eventsUrl: () => AuthorizerEventsUrl | undefined,
  ) {}

  /** Where events of `appId` go, or undefined while the platform has not configured a URL. */
  urlFor(appId: string): string | undefined {
    const url = this.eventsUrl();
    if (url === undefined) return undefined;
    return typeof url === 'function' ? url(appId) : url.replaceAll('$APPID$', appId);
  }

  /**
   * Pushes one event; resolves once delivered or out of attempts. Undefined (nothing sent, nothing
   * recorded) when no URL is known, or the authorizer is unknown or has revoked the platform:
   * WeChat sends a mini program's events only to a platform it is authorized to.
   */
  push(appId: string, event: string, fields: Record<string, string | number>, auditId?: number): Promise<AuthorizerEventPush | undefined> {
    const run = this.deliver(appId, event, fields, auditId);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Resolves when every push started so far has finished (retries included). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying (simulator shutdown); pushes in their pause end without further attempts. */
  stop(): void {
    this.stopped = true;
    for (const [timer, wake] of this.sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.sleepers.clear();
  }

  private async deliver(appId: string, event: string, fields: Record<string, string | number>, auditId: number | undefined): Promise<AuthorizerEventPush | undefined> {
    const url = this.urlFor(appId);
    const authorizer = this.state.authorizers.get(appId);
    if (!url || authorizer?.status !== 'authorized') return undefined;
    const xml =
      `<xml><ToUserName><![CDATA[${authorizer.userName}]]></ToUserName><FromUserName><![CDATA[${fromUserName(appId)}]]></FromUserName>` +
      `<CreateTime>${Math.floor(this.state.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>` +
      Object.entries(fields)
        .map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value}]]></${name}>`))
        .join('') +
      '</xml>';
    const push: AuthorizerEventPush = { appId, event, xml, attempts: [], delivered: false, ...(auditId !== undefined ? { auditId } : {}) };
    this.pushes.push(push);
    if (this.pushes.length > 1000) this.pushes.shift();
    for (let attempt = 1; attempt <= PUSH_ATTEMPTS && !this.stopped; attempt++) {
      const result = await this.sender.push(url, xml, { element: 'ToUserName', value: authorizer.userName }, 'audit');
      push.attempts.push(result);
      if (isDelivered(result)) {
        push.delivered = true;
        break;
      }
      if (attempt < PUSH_ATTEMPTS) await this.sleep(this.state.options.pushRetryDelayMs);
    }
    return push;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.sleepers.set(timer, resolve);
    });
  }
}

/**
 * The sender WeChat names in audit events: an openid-like id of the mini program's system
 * account, stable per app so repeated pushes look alike.
 */
function fromUserName(appId: string): string {
  return `o${createHash('sha256').update(`sim-system:${appId}`).digest('base64url').slice(0, 27)}`;
}
