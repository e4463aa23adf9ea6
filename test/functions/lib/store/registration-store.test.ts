import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoRegistrationStore, type NewRegistration } from '../../../../functions/lib/store/registration-store';

describe('Class: DynamoRegistrationStore', () => {
  const tableName = `registrations-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const store = new DynamoRegistrationStore(db, tableName);
  const t0 = Date.UTC(2026, 0, 1);
  const input = (taskId: string): NewRegistration => ({
    name: '某某茶饮有限公司',
    code: '91440300MA5XXXXXXX',
    componentPhone: '13800000000',
    taskId,
    authorizeUrl: `https://example.test/authorize/${taskId}`,
    authorizeUrlExpiresAt: new Date(t0 + 86_400_000).toISOString(),
    wechatStatus: { status: 0, message: 'created', at: new Date(t0).toISOString() },
  });

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());

  it('creates a pending registration found by its id and by its WeChat task, once per task', async () => {
    const record = await store.create(input('task-1'), t0);
    expect(record).toMatchObject({ state: 'pending', createdAt: new Date(t0).toISOString(), registrationId: expect.stringMatching(/^reg-/) });
    expect(await store.get(record.registrationId)).toEqual(record);
    expect(await store.findIdByTask('task-1')).toBe(record.registrationId);
    expect(await store.findIdByTask('task-unknown')).toBeUndefined();
    await expect(store.create(input('task-1'), t0)).rejects.toBeInstanceOf(TransactionCanceledException);
  });

  it('lists newest first and records WeChat status and the outcome', async () => {
    const older = await store.create(input('task-2'), t0 + 1000);
    const newer = await store.create(input('task-3'), t0 + 2000);
    expect((await store.list(2)).map((r) => r.registrationId)).toEqual([newer.registrationId, older.registrationId]);
    const status = { status: 101, message: 'waiting for the legal person', at: new Date(t0 + 3000).toISOString() };
    expect(await store.recordWeChatStatus(older.registrationId, status, t0 + 3000)).toMatchObject({ wechatStatus: status, updatedAt: new Date(t0 + 3000).toISOString() });
    await store.recordOutcome(older.registrationId, { state: 'succeeded', appId: 'wxnewapp000000001', result: { status: 0, message: 'ok' } }, t0 + 4000);
    expect(await store.get(older.registrationId)).toMatchObject({ state: 'succeeded', appId: 'wxnewapp000000001', result: { status: 0, message: 'ok' } });
    await expect(store.recordWeChatStatus('reg-unknown', status)).rejects.toThrow();
  });
});
