import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QuotaExceededError } from '../errors';
import { WeChatApiError } from '../wechat/errors';
import { keys } from './keys';

export type QuotaWindow = 'day' | 'month' | 'total';

export interface QuotaLimit {
  window: QuotaWindow;
  max: number;
}

/**
 * Limits WeChat documents per mini program, guarded before WeChat sees the call. The
 * numbers are WeChat's (reference §5); the windows are calendar days and months in China
 * Standard Time, which is how WeChat counts them.
 */
export const QUOTAS = {
  /** modify_domain: 50 modification requests per month. */
  domainModification: [{ window: 'month', max: 50 }],
  /** undocodeaudit: 1 per day and 10 per month. */
  // 5 a day, 10 a month: WeChat's undocodeaudit page (our reference said once a day).
  undoAudit: [
    { window: 'day', max: 5 },
    { window: 'month', max: 10 },
  ],
  /** getwxacode and createwxaqrcode: 100,000 codes per mini program, ever. */
  limitedWxaCode: [{ window: 'total', max: 100_000 }],
} as const satisfies Record<string, readonly QuotaLimit[]>;

export type QuotaName = keyof typeof QUOTAS;

const CST_OFFSET_MS = 8 * 3600 * 1000;

/** The window's key and when it starts over. */
export function quotaPeriod(window: QuotaWindow, now: number): { period: string; resetsAt: number } {
  if (window === 'total') return { period: 'all', resetsAt: Number.MAX_SAFE_INTEGER };
  const cst = new Date(now + CST_OFFSET_MS);
  const y = cst.getUTCFullYear();
  const m = cst.getUTCMonth();
  if (window === 'day') {
    const d = cst.getUTCDate();
    return { period: `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`, resetsAt: Date.UTC(y, m, d + 1) - CST_OFFSET_MS };
  }
  return { period: `${y}-${String(m + 1).padStart(2, '0')}`, resetsAt: Date.UTC(y, m + 1, 1) - CST_OFFSET_MS };
}

/**
 * Atomic per-app counters: all windows of a quota are taken in one transaction, or none.
 * A use that WeChat then refused can be given back.
 */
export interface QuotaStore {
  /** Takes one use of `quota` for `appId`, or throws `QuotaExceededError` (nothing taken). */
  consume(appId: string, quota: QuotaName, now: number, limits?: readonly QuotaLimit[]): Promise<void>;
  /** Gives back one use. */
  refund(appId: string, quota: QuotaName, now: number, limits?: readonly QuotaLimit[]): Promise<void>;
  /** Runs `call` under one use of the quota, given back when WeChat refused the call. */
  guard<T>(appId: string, quota: QuotaName, call: () => Promise<T>, now?: number): Promise<T>;
}

export class DynamoQuotaStore implements QuotaStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Takes one use of `quota` for `appId`, or throws `QuotaExceededError` (nothing taken). */
  async consume(appId: string, quota: QuotaName, now: number, limits: readonly QuotaLimit[] = QUOTAS[quota]): Promise<void> {
    const windows = limits.map((limit) => ({ limit, ...quotaPeriod(limit.window, now) }));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: windows.map(({ limit, period, resetsAt }) => ({
            Update: {
              TableName: this.tableName,
              Key: this.key(appId, quota, limit.window, period),
              // Window counters expire a day after their window ends; 'total' counters are kept.
              UpdateExpression: `ADD used :one SET quota = :quota, maxUses = :max${limit.window === 'total' ? '' : ', #ttl = if_not_exists(#ttl, :ttl)'}`,
              ConditionExpression: 'attribute_not_exists(used) OR used < :max',
              ...(limit.window === 'total' ? {} : { ExpressionAttributeNames: { '#ttl': 'ttl' } }),
              ExpressionAttributeValues: {
                ':one': 1,
                ':max': limit.max,
                ':quota': quota,
                ...(limit.window === 'total' ? {} : { ':ttl': Math.floor(resetsAt / 1000) + 86400 }),
              },
            },
          })),
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (index < 0) throw error;
      const hit = windows[index]!;
      const windowText = hit.limit.window === 'total' ? 'in all' : `per ${hit.limit.window}`;
      throw new QuotaExceededError(
        `${quota}: at most ${hit.limit.max} ${windowText} for ${appId}`,
        hit.limit.window === 'total' ? 'never' : new Date(hit.resetsAt).toISOString(),
      );
    }
  }

  /** Gives back one use (WeChat refused the call, so it did not count there either). */
  async refund(appId: string, quota: QuotaName, now: number, limits: readonly QuotaLimit[] = QUOTAS[quota]): Promise<void> {
    await Promise.all(
      limits.map(({ window }) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(appId, quota, window, quotaPeriod(window, now).period),
            UpdateExpression: 'ADD used :minusOne',
            ConditionExpression: 'used > :zero',
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
          }),
        ).catch(() => undefined),
      ),
    );
  }

  /**
   * Runs `call` under one use of the quota. The use is given back when WeChat refused the
   * call with an errcode (it did not count it either); not after a timeout, which it may have.
   */
  async guard<T>(appId: string, quota: QuotaName, call: () => Promise<T>, now = Date.now()): Promise<T> {
    await this.consume(appId, quota, now);
    try {
      return await call();
    } catch (error) {
      if (error instanceof WeChatApiError) await this.refund(appId, quota, now);
      throw error;
    }
  }

  private key(appId: string, quota: string, window: QuotaWindow, period: string) {
    return keys.quotaWindow(appId, quota, window, period);
  }
}
