import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../../local/dynamodb';
import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ENDPOINT = '/wxa/component/fastregisterenterpriseweapp';

/**
 * Fast registration (fastregisterenterpriseweapp, new version): request → WeChat task with its
 * authorize URL → the legal person opens it → pushed result (matched by info.taskid) → new app
 * authorized with tokens.
 */
describe('fast registration', () => {
  const world = useWorld({ ticket: true });
  let codes = 0;

  /** A fresh credit code per call: WeChat allows one running task per company. */
  const creditCode = () => `91440300MA5F${String(++codes).padStart(5, '0')}Q`;
  const valid = (overrides: Json = {}) => ({ name: '深圳市示例科技有限公司', code: creditCode(), componentPhone: '13800138000', ...overrides });
  const create = async (body: Json) => {
    const response = await world.platform.admin('/admin/registrations', { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const get = async (registrationId: string) => (await (await world.platform.admin(`/admin/registrations/${registrationId}`)).json()) as Json;
  const wechatCalls = () => world.sim.requests.filter((r) => r.path === ENDPOINT);
  const sim = () => world.sim;

  it('creates the task with the new version’s fields and keeps its taskid, authorize URL and 24 h expiry', async () => {
    const body = valid();
    const { status, json } = await create(body);
    expect(status).toBe(201);
    const task = sim().fastRegistrations.at(-1)!;
    expect(json).toMatchObject({
      state: 'pending',
      name: body.name,
      code: body.code,
      componentPhone: body.componentPhone,
      taskId: task.taskId,
      authorizeUrl: task.authorizeUrl,
      wechatStatus: { status: 0, message: expect.stringMatching(/waiting for the legal person/) },
    });
    expect(Date.parse(json.authorizeUrlExpiresAt) - Date.parse(json.createdAt)).toBeGreaterThan(24 * 3600_000 - 5_000);
    expect(Date.parse(json.authorizeUrlExpiresAt) - Date.parse(json.createdAt)).toBeLessThanOrEqual(24 * 3600_000);
    const call = wechatCalls().at(-1)!;
    // The component token travels as access_token; the body is exactly the new version's.
    expect(call.query).toEqual({ action: 'create', access_token: expect.any(String) });
    expect(call.body).toEqual({ name: body.name, code: body.code, component_phone: body.componentPhone, new_version: true });
    expect(await get(json.registrationId)).toEqual(json);
    expect(world.sim.requests.filter((r) => r.path === '/cgi-bin/component/fastregisterweapp')).toHaveLength(0);
  });

  it('query stores WeChat’s task status; once the legal person confirms, the new mini program arrives authorized with tokens', async () => {
    const { json } = await create(valid());
    const queried = await world.platform.admin(`/admin/registrations/${json.registrationId}/query`, { method: 'POST' });
    expect(queried.status).toBe(200);
    const record = (await queried.json()) as Json;
    expect(wechatCalls().at(-1)).toMatchObject({ query: { action: 'query' }, body: { taskid: json.taskId, new_version: true } });
    expect(record.wechatStatus).toEqual({ status: 0, message: expect.any(String), at: expect.any(String) });
    expect(record).toEqual(await get(json.registrationId));
    expect(Object.keys(record).filter((key) => /^(pk|sk|type|gsi1pk|gsi1sk)$/.test(key))).toEqual([]);

    // The legal person opens the link and confirms.
    expect((await fetch(json.authorizeUrl)).status).toBe(200);
    await fetch(json.authorizeUrl.replace(/\/authorize$/, '/approve'), { method: 'POST' });
    const done = await get(json.registrationId);
    expect(done).toMatchObject({ state: 'succeeded', appId: sim().fastRegistrations.find((t) => t.taskId === json.taskId)!.appId, result: { status: 0, message: 'registered' } });
    const authorizer = (await (await world.platform.admin(`/admin/authorizers/${done.appId}`)).json()) as Json;
    expect(authorizer).toMatchObject({ status: 'authorized', token: { expiresAt: expect.any(String) } });
    expect(authorizer.history[0]).toMatchObject({ event: 'authorized', source: 'push' });

    const after = (await (await world.platform.admin(`/admin/registrations/${json.registrationId}/query`, { method: 'POST' })).json()) as Json;
    expect(after.wechatStatus).toMatchObject({ status: 12, message: 'mini program created' });
    expect(after).toMatchObject({ state: 'succeeded', appId: done.appId });
  });

  it('records a failure pushed without appid: WeChat’s status and its meaning', async () => {
    const { json } = await create(valid());
    await sim().answerFastRegistration(json.taskId, { approve: false, status: 1001 });
    const done = await get(json.registrationId);
    expect(done).toMatchObject({ state: 'failed', result: { status: 1001, message: 'the company has reached its limit of mini programs' } });
    expect(done.appId).toBeUndefined();
  });

  it('records a refusal (completeFastRegistrations with [reject] in the name)', async () => {
    const { json } = await create(valid({ name: '示例公司 [reject]' }));
    await sim().completeFastRegistrations();
    expect(await get(json.registrationId)).toMatchObject({ state: 'failed', result: { status: 2, message: 'refused by the legal person' } });
  });

  it('acknowledges a push for a task it does not know (created elsewhere) without storing a registration', async () => {
    const before = ((await (await world.platform.admin('/admin/registrations?limit=100')).json()) as Json).registrations.length;
    const token = sim().state.issueComponentToken().token;
    const answer = (await (
      await fetch(`${sim().url}${ENDPOINT}?action=create&access_token=${encodeURIComponent(token)}`, { method: 'POST', body: JSON.stringify({ name: 'Elsewhere Co', code: creditCode(), component_phone: '13800138000', new_version: true }) })
    ).json()) as Json;
    const task = await sim().answerFastRegistration(answer.taskid, { approve: false, status: 14 });
    expect(task.push).toMatchObject({ status: 200, body: 'success' });
    expect(((await (await world.platform.admin('/admin/registrations?limit=100')).json()) as Json).registrations).toHaveLength(before);
  });

  it.each([
    ['an empty name', { name: '   ' }],
    ['a 15-digit licence number instead of a credit code', { code: '440301123456789' }],
    ['a credit code with a letter it never contains (I)', { code: '91440300MA5FIIII0Q' }],
    ['a lower-case credit code', { code: '91440300ma5fxxxx0q' }],
    ['a bad phone', { componentPhone: '12a45' }],
    ['no phone', { componentPhone: undefined }],
    ['the retired code type field', { codeType: 'unified_social_credit_code' }],
    ['the retired legal-person fields', { legalPersonaWechat: 'zhangsan', legalPersonaName: '张三' }],
  ])('refuses %s before calling WeChat', async (_, overrides) => {
    const before = wechatCalls().length;
    const { status, json } = await create(valid(overrides));
    expect(status).toBe(400);
    expect(json.code).toBe('invalid_request');
    expect(wechatCalls().length).toBe(before);
  });

  it('surfaces WeChat’s refusal with its meaning and stores nothing', async () => {
    const first = valid();
    expect((await create(first)).status).toBe(201);
    const tableBefore = await world.platform.scanTable();
    const duplicate = await create({ ...first, name: 'Another name' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.code).toBe('WECHAT_89249');
    expect(duplicate.json.message).toMatch(/already has a registration task running/);
    expect(await world.platform.scanTable()).toEqual(tableBefore);
  });

  it('answers 404 for a query of an unknown registration, without calling WeChat', async () => {
    const before = wechatCalls().length;
    const response = await world.platform.admin('/admin/registrations/reg-000000000000/query', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(wechatCalls().length).toBe(before);
    expect((await world.platform.admin('/admin/registrations/reg-000000000000/search', { method: 'POST' })).status).toBe(404);
  });

  it('still lists a record of the retired fastregisterweapp, and refuses to query it (no WeChat task)', async () => {
    const at = '2026-04-01T00:00:00.000Z';
    const legacy = { registrationId: 'reg-0123456789ab', name: '旧公司', code: '91440300MA5FXXXX0Q', codeType: 1, legalPersonaWechat: 'legal_wx', legalPersonaName: '张三', componentPhone: '13800138000', state: 'failed', createdAt: at, updatedAt: at, result: { status: 100003, message: 'not confirmed' } };
    const client = localDynamoClient(world.platform.dynamoDbEndpoint);
    try {
      const item = { pk: `REGISTRATION#${legacy.registrationId}`, sk: 'META', type: 'Registration', gsi1pk: 'REGISTRATIONS', gsi1sk: `${at}#${legacy.registrationId}`, ...legacy };
      await DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: world.platform.settings.tableName, Item: item }));
    } finally {
      client.destroy();
    }
    const listed = ((await (await world.platform.admin('/admin/registrations?limit=100')).json()) as Json).registrations as Json[];
    expect(listed.find((r) => r.registrationId === legacy.registrationId)).toEqual({ registrationId: legacy.registrationId, name: '旧公司', code: legacy.code, componentPhone: legacy.componentPhone, state: 'failed', createdAt: at, updatedAt: at, result: legacy.result });
    const before = wechatCalls().length;
    const queried = await world.platform.admin(`/admin/registrations/${legacy.registrationId}/query`, { method: 'POST' });
    expect(queried.status).toBe(409);
    expect(((await queried.json()) as Json).code).toBe('no_wechat_task');
    expect(wechatCalls().length).toBe(before);
  });
});
