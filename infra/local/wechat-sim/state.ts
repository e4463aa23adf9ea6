import { randomBytes } from 'node:crypto';

export interface SimComponent {
  appId: string;
  appSecret: string;
  token: string;
  aesKey: string;
}

export interface SimOptions {
  component: SimComponent;
  /** Lifetime of issued component/authorizer access tokens, seconds (WeChat: 7200). */
  accessTokenTtlSeconds: number;
  /** How long a pushed verify ticket is accepted, seconds (WeChat: 12 h). */
  ticketTtlSeconds: number;
  /** `api_component_token` calls allowed per day before errcode 45009. */
  componentTokenDailyQuota: number;
}

interface Issued {
  issuedAt: number;
  expiresAt: number;
}

/**
 * What the fake WeChat remembers. Time comes from `now()` so tests can move it.
 */
export class SimState {
  readonly tickets = new Map<string, Issued>();
  readonly componentTokens = new Map<string, Issued>();
  readonly quotaUsed = new Map<string, number>();
  now: () => number = Date.now;

  constructor(readonly options: SimOptions) {}

  issueTicket(): string {
    const ticket = `ticket@@@${randomBytes(24).toString('base64url')}`;
    const now = this.now();
    this.tickets.set(ticket, { issuedAt: now, expiresAt: now + this.options.ticketTtlSeconds * 1000 });
    return ticket;
  }

  issueComponentToken(): { token: string; expiresIn: number } {
    const token = randomBytes(48).toString('base64url');
    const now = this.now();
    const expiresIn = this.options.accessTokenTtlSeconds;
    this.componentTokens.set(token, { issuedAt: now, expiresAt: now + expiresIn * 1000 });
    return { token, expiresIn };
  }

  /** errcode for a component_access_token, 0 when valid. */
  checkComponentToken(token: string | undefined): number {
    if (!token) return 41001;
    const issued = this.componentTokens.get(token);
    if (!issued) return 40001;
    return issued.expiresAt <= this.now() ? 42001 : 0;
  }

  /** Counts one call against a daily quota; false once the quota is used up. */
  useQuota(api: string, dailyLimit: number): boolean {
    const day = new Date(this.now()).toISOString().slice(0, 10);
    const key = `${day}:${api}`;
    const used = this.quotaUsed.get(key) ?? 0;
    if (used >= dailyLimit) return false;
    this.quotaUsed.set(key, used + 1);
    return true;
  }
}
