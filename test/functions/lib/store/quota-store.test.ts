import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { QuotaExceededError } from '../../../../functions/lib/errors';
import { DynamoQuotaStore, quotaPeriod } from '../../../../functions/lib/store/quota-store';
import { WeChatApiError, WeChatTransportError } from '../../../../functions/lib/wechat/errors';

describe('Class: QuotaStore', () => {
  const tableName = `quota-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const quotas = new DynamoQuotaStore(db, tableName);
  // 2026-11-26 10:00 in China Standard Time.
  const now = Date.UTC(2026, 10, 26, 2, 0, 0);

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  describe('Method: quotaPeriod', () => {
    it('counts days and months in China Standard Time', () => {
      // 23:30 UTC on the 30th is already the 1st of the next month in Beijing.
      const late = Date.UTC(2026, 10, 30, 23, 30);
      expect(quotaPeriod('month', late)).toEqual({ period: '2026-12', resetsAt: Date.UTC(2026, 11, 31, 16, 0) });
      expect(quotaPeriod('day', now)).toEqual({ period: '2026-11-26', resetsAt: Date.UTC(2026, 10, 26, 16, 0) });
    });
  });

  it('allows 5 undos a day and reports when it resets, without counting the refused try', async () => {
    for (let undo = 0; undo < 5; undo++) await quotas.consume('wxaaaaaaaaaaaaaaa1', 'undoAudit', now);
    const error = (await quotas.consume('wxaaaaaaaaaaaaaaa1', 'undoAudit', now).catch((e: unknown) => e)) as QuotaExceededError;
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ statusCode: 429, code: 'QUOTA_EXCEEDED', resetsAt: '2026-11-26T16:00:00.000Z' });
    // Next day: allowed again (month counter at 5 of 10, the refused try not counted).
    await expect(quotas.consume('wxaaaaaaaaaaaaaaa1', 'undoAudit', now + 86_400_000)).resolves.toBeUndefined();
  });

  it('stops undo at 10 a month even across days', async () => {
    const appId = 'wxaaaaaaaaaaaaaaa2';
    const start = Date.UTC(2026, 10, 1, 2);
    for (let day = 0; day < 10; day++) await quotas.consume(appId, 'undoAudit', start + day * 86_400_000);
    const error = await quotas.consume(appId, 'undoAudit', start + 10 * 86_400_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', resetsAt: '2026-11-30T16:00:00.000Z' });
  });

  it('takes exactly the limit under concurrent calls', async () => {
    const appId = 'wxaaaaaaaaaaaaaaa3';
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => quotas.consume(appId, 'domainModification', now)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof QuotaExceededError)).toBe(true);
  });

  it('guard gives the use back when WeChat refuses the call, but not after a timeout', async () => {
    const appId = 'wxaaaaaaaaaaaaaaa4';
    await expect(quotas.guard(appId, 'undoAudit', async () => { throw new WeChatApiError('/wxa/undocodeaudit', 87013, 'quota'); }, now)).rejects.toBeInstanceOf(WeChatApiError);
    await expect(quotas.guard(appId, 'undoAudit', async () => { throw new WeChatTransportError('/wxa/undocodeaudit', 'timeout', false); }, now)).rejects.toBeInstanceOf(WeChatTransportError);
    // The refunded use is free again; the timed-out one still counts: 4 of the day's 5 are left.
    for (let undo = 0; undo < 4; undo++) await expect(quotas.consume(appId, 'undoAudit', now)).resolves.toBeUndefined();
    await expect(quotas.consume(appId, 'undoAudit', now)).rejects.toBeInstanceOf(QuotaExceededError);
  });
});
