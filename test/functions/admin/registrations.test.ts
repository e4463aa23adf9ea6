import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Fast registration: request → WeChat task → pushed result → new app authorized with tokens. */
describe('fast registration', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ simulator: { fastRegisterDelayMs: 600_000 } });
    await platform.simulator!.ticketPusher.pushNow();
  });
  afterAll(() => platform.stop());

  const valid = (overrides: Json = {}) => ({
    name: '深圳市示例科技有限公司',
    code: '91440300MA5FXXXX0Q',
    codeType: 'unified_social_credit_code',
    legalPersonaWechat: `legal_${Math.random().toString(36).slice(2, 8)}`,
    legalPersonaName: '张三',
    componentPhone: '13800138000',
    ...overrides,
  });
  const create = async (body: Json) => {
    const response = await platform.admin('/admin/registrations', { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Json };
  };

  it('creates the task, and on success the new mini program arrives authorized with tokens', async () => {
    const { status, json } = await create(valid());
    expect(status).toBe(201);
    expect(json).toMatchObject({ state: 'pending', codeType: 1 });
    const fastRegisterCalls = platform.simulator!.requests.filter((r) => r.path === '/cgi-bin/component/fastregisterweapp');
    expect(fastRegisterCalls.at(-1)).toMatchObject({ query: { action: 'create' }, body: expect.objectContaining({ name: '深圳市示例科技有限公司', code_type: 1, legal_persona_name: '张三' }) });

    const searched = await platform.admin(`/admin/registrations/${json.registrationId}/search`, { method: 'POST' });
    expect(searched.status).toBe(200);
    // While pending, WeChat answers the search with 89251: a status, kept on the record.
    const searchedRecord = (await searched.json()) as Json;
    expect(searchedRecord.lastSearch.answer).toMatchObject({ errcode: 89251 });
    // The whole record as stored, not only the attributes the search wrote.
    expect(searchedRecord).toEqual(await (await platform.admin(`/admin/registrations/${json.registrationId}`)).json());
    expect(searchedRecord).toMatchObject({ registrationId: json.registrationId, state: 'pending', name: '深圳市示例科技有限公司' });
    expect(Object.keys(searchedRecord).filter((key) => /^(pk|sk|type|gsi1pk|gsi1sk)$/.test(key))).toEqual([]);

    await platform.simulator!.completeFastRegistrations();
    const done = (await (await platform.admin(`/admin/registrations/${json.registrationId}`)).json()) as Json;
    expect(done).toMatchObject({ state: 'succeeded', appId: expect.stringMatching(/^wx/), result: { status: 0 } });
    const authorizer = (await (await platform.admin(`/admin/authorizers/${done.appId}`)).json()) as Json;
    expect(authorizer).toMatchObject({ status: 'authorized', token: { expiresAt: expect.any(String) } });
    expect(authorizer.history[0]).toMatchObject({ event: 'authorized', source: 'push' });
  });

  it('records a failure with the meaning of WeChat’s status', async () => {
    const { json } = await create(valid({ name: '示例公司 [reject]' }));
    await platform.simulator!.completeFastRegistrations();
    const done = (await (await platform.admin(`/admin/registrations/${json.registrationId}`)).json()) as Json;
    expect(done.state).toBe('failed');
    expect(done.result.status).not.toBe(0);
    expect(done.result.message.length).toBeGreaterThan(5);
    expect(done.appId).toBeUndefined();
  });

  it.each([
    ['an empty name', { name: '   ' }],
    ['an unknown code type', { codeType: 'passport' }],
    ['a malformed credit code', { code: '123' }],
    ['a bad phone', { componentPhone: '12a45' }],
    ['an empty legal person', { legalPersonaName: '' }],
  ])('refuses %s before calling WeChat', async (_, overrides) => {
    const before = platform.simulator!.requests.filter((r) => r.path === '/cgi-bin/component/fastregisterweapp').length;
    const { status, json } = await create(valid(overrides));
    expect(status).toBe(400);
    expect(json.code).toBe('invalid_request');
    expect(platform.simulator!.requests.filter((r) => r.path === '/cgi-bin/component/fastregisterweapp').length).toBe(before);
  });

  it('surfaces WeChat’s refusals with their meaning and stores nothing', async () => {
    const legal = valid();
    expect((await create(legal)).status).toBe(201);
    const duplicate = await create({ ...legal, name: 'Another Co' });
    expect(duplicate.json.code).toBe('WECHAT_89249');
    expect(duplicate.json.message).toMatch(/already in progress/);
    const unknownWechat = await create(valid({ legalPersonaWechat: 'unknown_person' }));
    expect(unknownWechat.json.code).toBe('WECHAT_86004');
    const mismatch = await create(valid({ legalPersonaName: 'mismatch 李四' }));
    expect(mismatch.json.code).toBe('WECHAT_61070');
    const list = (await (await platform.admin('/admin/registrations?limit=100')).json()) as Json;
    expect(list.registrations.filter((r: Json) => r.legalPersonaWechat === 'unknown_person')).toHaveLength(0);
  });
});
