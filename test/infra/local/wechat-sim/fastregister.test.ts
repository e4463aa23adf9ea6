import { createServer } from 'node:http';
import { generateCredentials } from '../../../../infra/local/settings';
import { WeChatSimulator, type WeChatSimulatorOptions } from '../../../../infra/local/wechat-sim/server';
import { DEFAULT_FUNC_INFO } from '../../../../infra/local/wechat-sim/state';
import { startPlatform, type Json, type ReceivedEvent } from './weapp-helpers';

/**
 * Fast registration of enterprise mini programs (fastregisterweapp) over HTTP: the create
 * checks, search, and the `notify_third_fasteregister` push whose auth code works with
 * api_query_auth.
 */
describe('WeChat simulator: fast registration (fastregisterweapp)', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let sim: WeChatSimulator;
  let componentToken: string;
  let now: number;

  beforeAll(async () => {
    platform = await startPlatform(component);
  });
  afterAll(() => platform.close());

  /** Default: a delay long enough that only completeFastRegistrations() ends a task. */
  async function startSim(options: Partial<WeChatSimulatorOptions> = {}): Promise<void> {
    sim = new WeChatSimulator({ component, fastRegisterDelayMs: 60_000, ...options });
    now = Date.UTC(2025, 2, 3, 4, 0, 0);
    sim.state.now = () => now;
    await sim.start();
    sim.setComponentEventsUrl(`${platform.url}/wechat/component/events`);
    componentToken = sim.state.issueComponentToken().token;
  }

  beforeEach(async () => {
    platform.events.length = 0;
    platform.answers.length = 0;
    await startSim();
  });
  afterEach(() => sim.stop());

  const COMPANY = {
    name: '深圳市示例科技有限公司',
    code: '91440300MA5G8XXK2Q',
    code_type: 1,
    legal_persona_wechat: 'zhangsan_wx',
    legal_persona_name: '张三',
    component_phone: '13800000000',
  };

  const fastRegister = (action: string, body: unknown, query: Record<string, string> = { component_access_token: componentToken }) =>
    fetch(`${sim.url}/cgi-bin/component/fastregisterweapp?${new URLSearchParams({ action, ...query })}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }).then((r) => r.json() as Promise<Json>);
  const create = (body: unknown) => fastRegister('create', body);
  const search = (body: Json = { name: COMPANY.name, legal_persona_wechat: COMPANY.legal_persona_wechat, legal_persona_name: COMPANY.legal_persona_name }) =>
    fastRegister('search', body);
  const componentApi = (name: string, body: Json) =>
    fetch(`${sim.url}/cgi-bin/component/${name}?component_access_token=${encodeURIComponent(componentToken)}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }).then((r) => r.json() as Promise<Json>);
  const fastRegisterPushes = () => platform.events.filter((e) => e.field('InfoType') === 'notify_third_fasteregister');

  describe('create and the success push', () => {
    it('accepts a valid task, answers search 89251 while the legal person has not confirmed, and pushes nothing yet', async () => {
      expect(await create(COMPANY)).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(sim.fastRegistrations).toEqual([
        expect.objectContaining({
          name: COMPANY.name,
          code: COMPANY.code,
          codeType: 1,
          legalPersonaWechat: COMPANY.legal_persona_wechat,
          legalPersonaName: COMPANY.legal_persona_name,
          componentPhone: COMPANY.component_phone,
          state: 'pending',
        }),
      ]);
      expect(await search()).toMatchObject({ errcode: 89251, errmsg: expect.stringMatching(/^legal person checking/) });
      await new Promise((r) => setTimeout(r, 50));
      expect(platform.events).toHaveLength(0);
      expect(sim.authorizers).toHaveLength(0);
    });

    it('pushes notify_third_fasteregister with appid, status 0, auth_code, msg OK and the request in <info>, exactly as WeChat shows it', async () => {
      await create(COMPANY);
      now += 5_000;
      expect(await sim.completeFastRegistrations()).toBe(1);
      const pushes = fastRegisterPushes();
      expect(pushes).toHaveLength(1);
      const push = pushes[0]!;
      expect(push.path).toBe('/wechat/component/events');
      expect(push.query.get('encrypt_type')).toBe('aes');
      expect(push.envelope).toMatch(new RegExp(`^<xml><AppId><!\\[CDATA\\[${component.appId}\\]\\]></AppId><Encrypt>`));

      const [authorizer] = sim.authorizers;
      const task = sim.fastRegistrations[0]!;
      expect(task).toMatchObject({ state: 'succeeded', status: 0, msg: 'OK', appId: authorizer!.appId });
      expect(authorizer).toMatchObject({ appId: expect.stringMatching(/^wx[0-9a-f]{16}$/), nickname: COMPANY.name, principalName: COMPANY.name, status: 'authorized', funcInfo: [...DEFAULT_FUNC_INFO] });
      expect(task.authCode).toMatch(/^queryauthcode@@@[\w-]+$/);
      expect(push.xml).toBe(
        `<xml><AppId><![CDATA[${component.appId}]]></AppId><CreateTime>${Math.floor(now / 1000)}</CreateTime>` +
          `<InfoType><![CDATA[notify_third_fasteregister]]></InfoType>` +
          `<appid>${authorizer!.appId}</appid><status>0</status><auth_code>${task.authCode}</auth_code><msg>OK</msg>` +
          `<info><name><![CDATA[${COMPANY.name}]]></name><code><![CDATA[${COMPANY.code}]]></code><code_type>1</code_type>` +
          `<legal_persona_wechat><![CDATA[${COMPANY.legal_persona_wechat}]]></legal_persona_wechat>` +
          `<legal_persona_name><![CDATA[${COMPANY.legal_persona_name}]]></legal_persona_name>` +
          `<component_phone><![CDATA[${COMPANY.component_phone}]]></component_phone></info></xml>`,
      );
      expect(task.push).toMatchObject({ status: 200, body: 'success' });
    });

    it('issues a single-use auth code that api_query_auth exchanges for the new mini program', async () => {
      await create(COMPANY);
      await sim.completeFastRegistrations();
      const push = fastRegisterPushes()[0]!;
      const appId = push.field('appid')!;
      const authCode = push.field('auth_code')!;
      const exchanged = await componentApi('api_query_auth', { component_appid: component.appId, authorization_code: authCode });
      expect(exchanged.authorization_info).toMatchObject({
        authorizer_appid: appId,
        authorizer_access_token: expect.any(String),
        authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/),
        func_info: DEFAULT_FUNC_INFO.map((id) => ({ funcscope_category: { id } })),
      });
      expect(await componentApi('api_query_auth', { component_appid: component.appId, authorization_code: authCode })).toMatchObject({ errcode: 61010 });
      const info = await componentApi('api_get_authorizer_info', { component_appid: component.appId, authorizer_appid: appId });
      expect(info.authorizer_info).toMatchObject({ nick_name: COMPANY.name, principal_name: COMPANY.name });
      expect(await search()).toEqual({ errcode: 0, errmsg: 'ok' });
    });

    it('ends the task by itself after fastRegisterDelayMs', async () => {
      await sim.stop();
      await startSim({ fastRegisterDelayMs: 30 });
      await create(COMPANY);
      const events = await platform.received(1, 3000);
      expect(events.map((e) => [e.field('InfoType'), e.field('status')])).toEqual([['notify_third_fasteregister', '0']]);
      expect(sim.fastRegistrations[0]!.state).toBe('succeeded');
      // Nothing left for a late completeFastRegistrations() to push again.
      expect(await sim.completeFastRegistrations()).toBe(0);
      expect(platform.events).toHaveLength(1);
    });

    it('completeFastRegistrations() also waits for a push a timer already started', async () => {
      // A platform that takes 300 ms to answer: the timer's push is still in flight when asked.
      const slow = createServer((req, res) => {
        req.resume();
        req.on('end', () => setTimeout(() => res.end('success'), 300));
      });
      await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
      try {
        await sim.stop();
        await startSim({ fastRegisterDelayMs: 20 });
        sim.setComponentEventsUrl(`http://127.0.0.1:${(slow.address() as { port: number }).port}/events`);
        await create(COMPANY);
        const task = sim.fastRegistrations[0]!;
        while (task.state === 'pending') await new Promise((r) => setTimeout(r, 2));
        expect(task.push).toBeUndefined();
        expect(await sim.completeFastRegistrations()).toBe(0);
        expect(task.push).toMatchObject({ status: 200, body: 'success' });
      } finally {
        await new Promise<void>((r) => slow.close(() => r()));
      }
    });

    it('accepts the organisation code and business licence number formats, and an optional or landline phone (WeChat does not require 11 digits)', async () => {
      const variants = [
        { ...COMPANY, name: 'A 公司', legal_persona_wechat: 'a_wx', code_type: 2, code: '12345678-9', component_phone: '0592-7181661' },
        { ...COMPANY, name: 'B 公司', legal_persona_wechat: 'b_wx', code_type: 2, code: 'MA1234567', component_phone: '1234567' },
        { ...COMPANY, name: 'C 公司', legal_persona_wechat: 'c_wx', code_type: 3, code: '440301123456789', component_phone: '' },
        { name: 'D 公司', code: '91440300MA5G8XXK2D', code_type: 1, legal_persona_wechat: 'd_wx', legal_persona_name: '李四' },
      ];
      for (const body of variants) expect([body.name, await create(body)]).toEqual([body.name, { errcode: 0, errmsg: 'ok' }]);
      await sim.completeFastRegistrations();
      const byName = new Map(fastRegisterPushes().map((e) => [e.field('name'), e] as [string, ReceivedEvent]));
      expect(byName.get('D 公司')!.xml).toContain('<component_phone><![CDATA[]]></component_phone>');
      expect(byName.get('A 公司')!.field('code_type')).toBe('2');
      expect(byName.get('C 公司')!.field('code')).toBe('440301123456789');
    });

    it('completes over the /sim/ control endpoint and lists tasks', async () => {
      await create(COMPANY);
      const listed = (await (await fetch(`${sim.url}/sim/fast-registrations`)).json()) as Json[];
      expect(listed).toEqual([expect.objectContaining({ name: COMPANY.name, state: 'pending' })]);
      const response = await fetch(`${sim.url}/sim/fast-registrations/complete`, { method: 'POST' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ completed: 1 });
      expect(fastRegisterPushes()).toHaveLength(1);
      const after = (await (await fetch(`${sim.url}/sim/fast-registrations`)).json()) as Json[];
      expect(after[0]).toMatchObject({ state: 'succeeded', status: 0, appId: fastRegisterPushes()[0]!.field('appid') });
    });

    it('still creates the mini program when no events URL is known (nothing to push to)', async () => {
      await sim.stop();
      sim = new WeChatSimulator({ component, fastRegisterDelayMs: 60_000 });
      await sim.start();
      componentToken = sim.state.issueComponentToken().token;
      await create(COMPANY);
      await sim.completeFastRegistrations();
      expect(platform.events).toHaveLength(0);
      expect(sim.fastRegistrations[0]).toMatchObject({ state: 'succeeded', xml: expect.stringContaining('<status>0</status>') });
      expect(sim.fastRegistrations[0]!.push).toBeUndefined();
      expect(sim.authorizers).toHaveLength(1);
    });
  });

  describe('create errors', () => {
    const without = (field: string) => Object.fromEntries(Object.entries(COMPANY).filter(([k]) => k !== field));
    const cases: [string, unknown, number][] = [
      ['no name', without('name'), 89253],
      ['empty code', { ...COMPANY, code: '' }, 89253],
      ['no code_type', without('code_type'), 89253],
      ['blank legal_persona_wechat', { ...COMPANY, legal_persona_wechat: '  ' }, 89253],
      ['no legal_persona_name', without('legal_persona_name'), 89253],
      ['empty body', {}, 89253],
      ['code_type 4', { ...COMPANY, code_type: 4 }, 89248],
      ['code_type 0', { ...COMPANY, code_type: 0 }, 89248],
      ['code_type as a string', { ...COMPANY, code_type: '1' }, 47001],
      ['name not a string', { ...COMPANY, name: 42 }, 47001],
      ['body an array', [COMPANY], 47001],
      ['credit code of 15 characters', { ...COMPANY, code: '440301123456789' }, 89255],
      ['organisation code of 18 characters', { ...COMPANY, code_type: 2 }, 89255],
      ['licence number with letters', { ...COMPANY, code_type: 3, code: '44030112345678X' }, 89255],
      ['phone with letters', { ...COMPANY, component_phone: 'call me' }, 40097],
      ['phone of 3 digits', { ...COMPANY, component_phone: '123' }, 40097],
      ['unknown WeChat id', { ...COMPANY, legal_persona_wechat: 'unknown_person' }, 86004],
      ['name does not match the WeChat id', { ...COMPANY, legal_persona_name: 'mismatch 王五' }, 61070],
    ];
    it.each(cases)('%s → %d, and no task is stored', async (_label, body, errcode) => {
      const answer = await create(body);
      expect(answer).toMatchObject({ errcode, errmsg: expect.stringContaining('rid:') });
      expect(sim.fastRegistrations).toHaveLength(0);
    });

    it('uses WeChat hints as errmsg', async () => {
      expect((await create(without('name'))).errmsg).toMatch(/^lack of some params/);
      expect((await create({ ...COMPANY, code_type: 9 })).errmsg).toMatch(/^invalid code type/);
      expect((await create({ ...COMPANY, legal_persona_wechat: 'unknownX' })).errmsg).toMatch(/^invalid wechat/);
      expect((await create({ ...COMPANY, legal_persona_name: 'Mismatch' })).errmsg).toMatch(/^name, wechat name not in accordance/);
    });

    it('checks the component token first, and the action', async () => {
      expect(await fastRegister('create', COMPANY, {})).toMatchObject({ errcode: 41001 });
      expect(await fastRegister('create', COMPANY, { component_access_token: 'forged' })).toMatchObject({ errcode: 40001 });
      now += 7201_000;
      expect(await create(COMPANY)).toMatchObject({ errcode: 42001 });
      now -= 7201_000;
      expect(await fastRegister('register', COMPANY)).toMatchObject({ errcode: 40097 });
      expect(sim.fastRegistrations).toHaveLength(0);
      expect(await fastRegister('create', COMPANY, { component_access_token: componentToken })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(sim.fastRegistrations).toHaveLength(1);
    });
  });

  describe('one running task per company and legal person (89249)', () => {
    it('refuses a second task for the same legal person, or the same company, while the first is pending', async () => {
      expect(await create(COMPANY)).toMatchObject({ errcode: 0 });
      const sameLegalPerson = { ...COMPANY, name: '另一家公司', code: '91110000MA00ABCD1X' };
      const sameCompany = { ...COMPANY, legal_persona_wechat: 'other_wx', legal_persona_name: '赵六' };
      expect(await create(sameLegalPerson)).toMatchObject({ errcode: 89249, errmsg: expect.stringMatching(/^task running/) });
      expect(await create(sameCompany)).toMatchObject({ errcode: 89249 });
      expect(await create(COMPANY)).toMatchObject({ errcode: 89249 });
      expect(sim.fastRegistrations).toHaveLength(1);
      const unrelated = { ...COMPANY, name: '第三家公司', code: '91310000MA1FL0XY3Z', legal_persona_wechat: 'third_wx', legal_persona_name: '钱七' };
      expect(await create(unrelated)).toMatchObject({ errcode: 0 });
    });

    it('accepts the same information again once the task ended', async () => {
      await create({ ...COMPANY, name: `${COMPANY.name}[reject]` });
      await sim.completeFastRegistrations();
      expect(await create({ ...COMPANY, name: `${COMPANY.name}[reject]` })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(sim.fastRegistrations.map((t) => t.state)).toEqual(['failed', 'pending']);
    });
  });

  describe('search', () => {
    it('answers 89253 for missing fields and 89250 for a task that does not exist', async () => {
      expect(await search({ name: COMPANY.name, legal_persona_wechat: COMPANY.legal_persona_wechat })).toMatchObject({ errcode: 89253 });
      expect(await search()).toMatchObject({ errcode: 89250, errmsg: expect.stringMatching(/^task not found/) });
      await create(COMPANY);
      expect(await search({ name: COMPANY.name, legal_persona_wechat: COMPANY.legal_persona_wechat, legal_persona_name: '别人' })).toMatchObject({ errcode: 89250 });
      expect(await search({ name: '别的公司', legal_persona_wechat: COMPANY.legal_persona_wechat, legal_persona_name: COMPANY.legal_persona_name })).toMatchObject({ errcode: 89250 });
      expect(await search()).toMatchObject({ errcode: 89251 });
    });

    it('follows the task: 89251 pending, 0 created, 89250 after a failure', async () => {
      const rejected = { ...COMPANY, name: '拒绝公司 [reject]', code: '91440300MA5G8XXK2R', legal_persona_wechat: 'r_wx' };
      await create(COMPANY);
      await create(rejected);
      const searchFor = (c: typeof COMPANY) => search({ name: c.name, legal_persona_wechat: c.legal_persona_wechat, legal_persona_name: c.legal_persona_name });
      expect((await searchFor(COMPANY)).errcode).toBe(89251);
      expect((await searchFor(rejected)).errcode).toBe(89251);
      await sim.completeFastRegistrations();
      expect(await searchFor(COMPANY)).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await searchFor(rejected)).toMatchObject({ errcode: 89250, errmsg: expect.stringContaining('status 100003') });
    });

    it('needs the component token', async () => {
      expect(await fastRegister('search', { name: 'x', legal_persona_wechat: 'y', legal_persona_name: 'z' }, { component_access_token: 'forged' })).toMatchObject({ errcode: 40001 });
    });
  });

  describe('failure push', () => {
    it('[reject] in the company name: status 100003, no appid or auth_code, msg explains, no mini program', async () => {
      const body = { ...COMPANY, name: '深圳市拒绝科技有限公司 [reject]' };
      expect(await create(body)).toEqual({ errcode: 0, errmsg: 'ok' });
      await sim.completeFastRegistrations();
      const [push] = fastRegisterPushes();
      expect(push).toBeDefined();
      expect(push!.field('status')).toBe('100003');
      expect(push!.xml).not.toContain('<appid>');
      expect(push!.xml).not.toContain('<auth_code>');
      expect(push!.field('msg')).toMatch(/^已下发的模板消息法人并未确认且已超时（24h） \(simulated: company name carries \[reject\]\)$/);
      expect(push!.field('name')).toBe(body.name);
      expect(push!.field('legal_persona_wechat')).toBe(COMPANY.legal_persona_wechat);
      expect(sim.authorizers).toHaveLength(0);
      expect(sim.fastRegistrations[0]).toMatchObject({ state: 'failed', status: 100003 });
      expect([sim.fastRegistrations[0]!.appId, sim.fastRegistrations[0]!.authCode]).toEqual([undefined, undefined]);
    });

    it('[reject:103] picks the status', async () => {
      await create({ ...COMPANY, name: '某某公司[reject:103]' });
      await create({ ...COMPANY, name: '另一个公司[reject:-1]', code: '91440300MA5G8XXK2Z', legal_persona_wechat: 'x_wx' });
      await sim.completeFastRegistrations();
      const statuses = Object.fromEntries(fastRegisterPushes().map((e) => [e.field('name'), [e.field('status'), e.field('msg')]]));
      expect(statuses).toEqual({
        '某某公司[reject:103]': ['103', expect.stringMatching(/^工商数据返回：“企业法定代表人姓名不一致”/)],
        '另一个公司[reject:-1]': ['-1', expect.stringMatching(/^企业与法人姓名不一致/)],
      });
    });

    it('keeps a company name with CDATA-breaking characters intact', async () => {
      const name = 'A]]>B & <C> 公司';
      await create({ ...COMPANY, name });
      await sim.completeFastRegistrations();
      const push = fastRegisterPushes()[0]!;
      expect(push.xml).toContain('<name><![CDATA[A]]]]><![CDATA[>B & <C> 公司]]></name>');
    });
  });
});
