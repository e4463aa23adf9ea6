import { createServer } from 'node:http';
import { generateCredentials } from '../../../local/settings';
import { WeChatSimulator, type WeChatSimulatorOptions } from '../../../local/wechat-sim/server';
import { DEFAULT_FUNC_INFO } from '../../../local/wechat-sim/state';
import { startPlatform, type Json, type ReceivedEvent } from './weapp-helpers';

/**
 * Fast registration of enterprise mini programs as WeChat serves it since 2026-04-30
 * (`fastregisterenterpriseweapp`, new_version): create answers a taskid and an authorize_url,
 * the legal person opens it, query reports the task status, and `notify_third_fasteregister`
 * (with info.taskid) carries the outcome. The retired fastregisterweapp answers -1.
 */
describe('WeChat simulator: fast registration (fastregisterenterpriseweapp)', () => {
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

  async function startSim(options: Partial<WeChatSimulatorOptions> = {}): Promise<void> {
    sim = new WeChatSimulator({ component, ...options });
    now = Date.UTC(2026, 5, 3, 4, 0, 0);
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

  const COMPANY = { name: '深圳市示例科技有限公司', code: '91440300MA5G8XXK2Q', component_phone: '13800000000', new_version: true };

  const post = (path: string, query: Record<string, string>, body: unknown) =>
    fetch(`${sim.url}${path}?${new URLSearchParams(query)}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then((r) => r.json() as Promise<Json>);
  const fastRegister = (action: string, body: unknown, query: Record<string, string> = { access_token: componentToken }) => post('/wxa/component/fastregisterenterpriseweapp', { action, ...query }, body);
  const create = (body: unknown) => fastRegister('create', body);
  const query = (taskid: unknown) => fastRegister('query', { taskid, new_version: true });
  const componentApi = (name: string, body: Json) => post(`/cgi-bin/component/${name}`, { component_access_token: componentToken }, body);
  const fastRegisterPushes = () => platform.events.filter((e) => e.field('InfoType') === 'notify_third_fasteregister');

  describe('create, authorize_url and query', () => {
    it('answers taskid, authorize_url and status 0, stores the task, and pushes nothing yet', async () => {
      const answer = await create(COMPANY);
      expect(answer).toEqual({ errcode: 0, errmsg: 'ok', taskid: expect.any(String), authorize_url: expect.stringMatching(/^http:\/\//), status: 0 });
      expect(answer.authorize_url).toBe(`${sim.url}/sim/fast-registrations/${answer.taskid}/authorize`);
      expect(sim.fastRegistrations).toEqual([
        expect.objectContaining({ taskId: answer.taskid, name: COMPANY.name, code: COMPANY.code, componentPhone: COMPANY.component_phone, state: 'pending', status: 0, expiresAt: now + 24 * 3600_000 }),
      ]);
      expect(await query(answer.taskid)).toEqual({ errcode: 0, errmsg: 'ok', taskid: answer.taskid, authorize_url: answer.authorize_url, status: 0 });
      await new Promise((r) => setTimeout(r, 50));
      expect(platform.events).toHaveLength(0);
      expect(sim.authorizers).toHaveLength(0);
    });

    it('opening authorize_url shows the legal person a page to confirm or refuse', async () => {
      const { authorize_url: url, taskid } = await create(COMPANY);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain(COMPANY.name);
      expect(html).toContain(`action="/sim/fast-registrations/${taskid}/approve?page=1"`);
      expect(html).toContain(`action="/sim/fast-registrations/${taskid}/reject?page=1"`);
      expect(sim.fastRegistrations[0]!.openedAt).toBe(now);
      expect((await fetch(`${sim.url}/sim/fast-registrations/nope/authorize`)).status).toBe(404);
    });

    it('confirming on the page creates the mini program: push with appid, status 0, auth_code and info.taskid; query says 12', async () => {
      const { taskid } = await create(COMPANY);
      now += 5_000;
      const confirmed = await fetch(`${sim.url}/sim/fast-registrations/${taskid}/approve?page=1`, { method: 'POST' });
      expect(await confirmed.text()).toContain('data-state="succeeded"');
      const pushes = fastRegisterPushes();
      expect(pushes).toHaveLength(1);
      const push = pushes[0]!;
      expect(push.path).toBe('/wechat/component/events');
      expect(push.query.get('encrypt_type')).toBe('aes');
      const task = sim.fastRegistrations[0]!;
      const [authorizer] = sim.authorizers;
      expect(task).toMatchObject({ state: 'succeeded', status: 12, pushStatus: 0, msg: 'OK', appId: authorizer!.appId });
      expect(authorizer).toMatchObject({ nickname: COMPANY.name, principalName: COMPANY.name, status: 'authorized', funcInfo: [...DEFAULT_FUNC_INFO] });
      expect(push.xml).toBe(
        `<xml><AppId><![CDATA[${component.appId}]]></AppId><CreateTime>${Math.floor(now / 1000)}</CreateTime>` +
          `<InfoType><![CDATA[notify_third_fasteregister]]></InfoType>` +
          `<appid>${authorizer!.appId}</appid><status>0</status><auth_code>${task.authCode}</auth_code><msg>OK</msg>` +
          `<info><taskid><![CDATA[${taskid}]]></taskid><name><![CDATA[${COMPANY.name}]]></name><code><![CDATA[${COMPANY.code}]]></code>` +
          `<component_phone><![CDATA[${COMPANY.component_phone}]]></component_phone></info></xml>`,
      );
      expect(task.push).toMatchObject({ status: 200, body: 'success' });
      expect(await query(taskid)).toMatchObject({ errcode: 0, status: 12 });
      // An ended task cannot be answered again.
      const again = await fetch(`${sim.url}/sim/fast-registrations/${taskid}/reject`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(fastRegisterPushes()).toHaveLength(1);
    });

    it('issues a single-use auth code that api_query_auth exchanges for the new mini program', async () => {
      const { taskid } = await create(COMPANY);
      await sim.answerFastRegistration(taskid, { approve: true });
      const push = fastRegisterPushes()[0]!;
      const appId = push.field('appid')!;
      const authCode = push.field('auth_code')!;
      const exchanged = await componentApi('api_query_auth', { component_appid: component.appId, authorization_code: authCode });
      expect(exchanged.authorization_info).toMatchObject({ authorizer_appid: appId, authorizer_access_token: expect.any(String), func_info: DEFAULT_FUNC_INFO.map((id) => ({ funcscope_category: { id } })) });
      expect(await componentApi('api_query_auth', { component_appid: component.appId, authorization_code: authCode })).toMatchObject({ errcode: 61010 });
    });

    it('refusing pushes a failure without appid or auth_code (status 2), and creates nothing', async () => {
      const { taskid } = await create(COMPANY);
      const refused = await fetch(`${sim.url}/sim/fast-registrations/${taskid}/reject`, { method: 'POST' });
      expect(refused.status).toBe(200);
      expect(await refused.json()).toMatchObject({ taskId: taskid, state: 'failed', status: 2 });
      const [push] = fastRegisterPushes();
      expect(push!.field('status')).toBe('2');
      expect(push!.field('msg')).toBe('任务已经被用户拒绝');
      expect(push!.field('taskid')).toBe(taskid);
      expect(push!.xml).not.toContain('<appid>');
      expect(push!.xml).not.toContain('<auth_code>');
      expect(sim.authorizers).toHaveLength(0);
      expect(await query(taskid)).toMatchObject({ errcode: 0, status: 2 });
    });

    it('a refusal can name WeChat’s failure status (over HTTP or in-process)', async () => {
      const first = await create(COMPANY);
      const second = await create({ ...COMPANY, code: '91440300MA5G8XXK2R' });
      await fetch(`${sim.url}/sim/fast-registrations/${first.taskid}/reject?status=1001`, { method: 'POST' });
      await sim.answerFastRegistration(second.taskid, { approve: false, status: 14 });
      expect(fastRegisterPushes().map((e) => [e.field('taskid'), e.field('status'), e.field('msg')])).toEqual([
        [first.taskid, '1001', '主体创建小程序数量达到上限'],
        [second.taskid, '14', '验证失败'],
      ]);
      expect((await fetch(`${sim.url}/sim/fast-registrations/${first.taskid}/reject?status=abc`, { method: 'POST' })).status).toBe(400);
    });

    it('times out after 24 h: query answers 1 and the failure is pushed; a late confirmation is a timeout too', async () => {
      const late = await create(COMPANY);
      const unanswered = await create({ ...COMPANY, code: '91440300MA5G8XXK2R' });
      now += 24 * 3600_000 + 1;
      componentToken = sim.state.issueComponentToken().token;
      expect(await query(unanswered.taskid)).toMatchObject({ errcode: 0, status: 1 });
      const confirmed = await fetch(`${sim.url}/sim/fast-registrations/${late.taskid}/approve`, { method: 'POST' });
      expect(confirmed.status).toBe(409);
      await sim.completeFastRegistrations();
      expect(fastRegisterPushes().map((e) => [e.field('taskid'), e.field('status')]).sort()).toEqual([[late.taskid, '1'], [unanswered.taskid, '1']].sort());
      expect(sim.authorizers).toHaveLength(0);
    });

    it('completeFastRegistrations(): every pending task ends ([reject] refuses, [reject:1001] names the status)', async () => {
      await create(COMPANY);
      await create({ ...COMPANY, name: '拒绝公司 [reject]', code: '91440300MA5G8XXK2R' });
      await create({ ...COMPANY, name: '超限公司 [reject:1001]', code: '91440300MA5G8XXK2T' });
      expect(await sim.completeFastRegistrations()).toBe(3);
      const byName = new Map(fastRegisterPushes().map((e) => [e.field('name'), e] as [string, ReceivedEvent]));
      expect(byName.get(COMPANY.name)!.field('status')).toBe('0');
      expect(byName.get('拒绝公司 [reject]')!.field('status')).toBe('2');
      expect(byName.get('超限公司 [reject:1001]')!.field('status')).toBe('1001');
      expect(await sim.completeFastRegistrations()).toBe(0);
    });

    it('completes over the /sim/ control endpoint and lists tasks', async () => {
      await create(COMPANY);
      const listed = (await (await fetch(`${sim.url}/sim/fast-registrations`)).json()) as Json[];
      expect(listed).toEqual([expect.objectContaining({ name: COMPANY.name, state: 'pending' })]);
      const response = await fetch(`${sim.url}/sim/fast-registrations/complete`, { method: 'POST' });
      expect(await response.json()).toEqual({ completed: 1 });
      expect(fastRegisterPushes()).toHaveLength(1);
    });

    it('fastRegisterDelayMs makes the legal person answer by themselves; by default nobody does', async () => {
      await sim.stop();
      await startSim({ fastRegisterDelayMs: 30 });
      await create(COMPANY);
      const events = await platform.received(1, 3000);
      expect(events.map((e) => [e.field('InfoType'), e.field('status')])).toEqual([['notify_third_fasteregister', '0']]);
      expect(await sim.completeFastRegistrations()).toBe(0);
    });

    it('completeFastRegistrations() also waits for a push a timer already started', async () => {
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

    it('keeps a company name with CDATA-breaking characters intact', async () => {
      const name = 'A]]>B & <C> 公司';
      const { taskid } = await create({ ...COMPANY, name });
      await sim.answerFastRegistration(taskid, { approve: true });
      expect(fastRegisterPushes()[0]!.xml).toContain('<name><![CDATA[A]]]]><![CDATA[>B & <C> 公司]]></name>');
    });
  });

  describe('WeChat’s refusals', () => {
    const without = (field: string) => Object.fromEntries(Object.entries(COMPANY).filter(([k]) => k !== field));
    const cases: [string, unknown, number][] = [
      ['no new_version (the retired old version)', without('new_version'), -1],
      ['new_version false', { ...COMPANY, new_version: false }, -1],
      ['no name', without('name'), 89253],
      ['blank name', { ...COMPANY, name: '  ' }, 89253],
      ['empty code', { ...COMPANY, code: '' }, 89253],
      ['no component_phone (required in the new version)', without('component_phone'), 89253],
      ['a 15-digit licence number as code', { ...COMPANY, code: '440301123456789' }, 89247],
      ['a 9-character organisation code', { ...COMPANY, code: '12345678-9' }, 89247],
      ['new_version as a string', { ...COMPANY, new_version: 'true' }, 47001],
      ['name not a string', { ...COMPANY, name: 42 }, 47001],
      ['body an array', [COMPANY], 47001],
      ['phone with letters', { ...COMPANY, component_phone: 'call me' }, 40097],
      ['phone of 3 digits', { ...COMPANY, component_phone: '123' }, 40097],
    ];
    it.each(cases)('%s → %d, and no task is stored', async (_label, body, errcode) => {
      expect(await create(body)).toMatchObject({ errcode, errmsg: expect.stringContaining('rid:') });
      expect(sim.fastRegistrations).toHaveLength(0);
    });

    it('accepts a landline phone', async () => {
      expect(await create({ ...COMPANY, component_phone: '0592-7181661' })).toMatchObject({ errcode: 0 });
    });

    it('uses WeChat’s hints as errmsg', async () => {
      expect((await create(without('name'))).errmsg).toMatch(/^lack of some params/);
      expect((await create({ ...COMPANY, code: '123' })).errmsg).toMatch(/^inner error/);
      expect((await create(without('new_version'))).errmsg).toMatch(/^system error/);
    });

    it('refuses a second task for the same company while the first is pending (89249), and accepts it once ended', async () => {
      const first = await create(COMPANY);
      expect(await create({ ...COMPANY, name: '另一个名字' })).toMatchObject({ errcode: 89249, errmsg: expect.stringMatching(/^task running/) });
      expect(await create({ ...COMPANY, code: '91310000MA1FL0XY3Z' })).toMatchObject({ errcode: 0 });
      await sim.answerFastRegistration(first.taskid, { approve: false });
      expect(await create(COMPANY)).toMatchObject({ errcode: 0 });
      expect(sim.fastRegistrations.map((t) => t.state)).toEqual(['failed', 'pending', 'pending']);
    });

    it('query: 89253 without taskid, 89250 for an unknown one, -1 without new_version', async () => {
      expect(await fastRegister('query', { new_version: true })).toMatchObject({ errcode: 89253 });
      expect(await query('no-such-task')).toMatchObject({ errcode: 89250, errmsg: expect.stringMatching(/^task not found/) });
      const { taskid } = await create(COMPANY);
      expect(await fastRegister('query', { taskid })).toMatchObject({ errcode: -1 });
    });

    it('reads the component token from access_token only: under component_access_token it is missing (41001)', async () => {
      expect(await fastRegister('create', COMPANY, { component_access_token: componentToken })).toMatchObject({ errcode: 41001 });
      expect(await fastRegister('create', COMPANY, {})).toMatchObject({ errcode: 41001 });
      expect(await fastRegister('create', COMPANY, { access_token: 'forged' })).toMatchObject({ errcode: 40001 });
      now += 7201_000;
      expect(await create(COMPANY)).toMatchObject({ errcode: 42001 });
      now -= 7201_000;
      expect(await fastRegister('register', COMPANY)).toMatchObject({ errcode: 40097 });
      expect(sim.fastRegistrations).toHaveLength(0);
    });
  });

  describe('the retired fastregisterweapp', () => {
    it.each([
      ['create', { action: 'create', component_access_token: 'any' }],
      ['search', { action: 'search', access_token: 'any' }],
      ['no token at all', { action: 'create' }],
    ])('answers -1 system error (%s), as WeChat does since 2026-04-30', async (_label, queryParams) => {
      const answer = await post('/cgi-bin/component/fastregisterweapp', queryParams, {
        name: COMPANY.name, code: COMPANY.code, code_type: 1, legal_persona_wechat: 'zhangsan_wx', legal_persona_name: '张三', component_phone: COMPANY.component_phone,
      });
      expect(answer).toEqual({ errcode: -1, errmsg: expect.stringMatching(/^system error rid: /) });
      expect(sim.fastRegistrations).toHaveLength(0);
    });
  });
});
