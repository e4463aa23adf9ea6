import '../../helpers/signals-on';
import { logger } from '../../../functions/lib/logger';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../../functions/lib/observability/metric-names';
import { FUNCTIONS, ROUTES, type RouteDefinition } from '../../../infra/manifest';
import type { TestPlatform } from '../../helpers/platform';
import { addTemplate, authorizeApp, startWorld } from '../../helpers/world';
import { signedPush, ticketXml, type SignedPush } from '../../helpers/push';
import { OutputCapture, type EmfRecord } from '../../helpers/output-capture';
import { waitUntil } from '../../helpers/wait';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const AUTHORIZER_TOKEN_API = '/cgi-bin/component/api_authorizer_token';

/** The dimension sets of a record's only metric directive. */
const dimensionSets = (record: EmfRecord) => record._aws.CloudWatchMetrics[0]!.Dimensions;

/**
 * The platform's metrics (EMF on stdout) and correlated log lines, read from what the real
 * handlers write while real flows run: refresher, refused pushes, audits, releases.
 */
describe('signals', () => {
  let platform: TestPlatform;
  const out = new OutputCapture();

  beforeAll(async () => {
    // Tokens living 25 minutes: authorizer tokens are always due (renewed under 30 minutes left),
    // the component token is not (renewed under 20).
    ({ platform } = await startWorld({ settings: { simAccessTokenTtlSeconds: 1500 }, simulator: { auditDelayMs: 150, pushRetryDelayMs: 20 }, stepFunctionsTimeScale: 0.0001, ticket: true }));
    out.start();
  });
  afterAll(async () => {
    out.stop();
    logger.setLogLevel('SILENT');
    await platform.stop();
  });
  beforeEach(() => out.clear());

  describe('refresher run', () => {
    it('emits the gauges and counts the alarms read, under service alone', async () => {
      const sim = platform.simulator!;
      for (let i = 0; i < 3; i++) await authorizeApp(platform, { nickname: `shop-${i}` });
      // One refresh token dead (61023, and WeChat's list holds no other), one unexpected refusal, one renewed.
      sim.script(AUTHORIZER_TOKEN_API, [{ errcode: 61023 }, { errcode: 48001 }]);
      out.clear();

      const run = await platform.scheduler.runNow('refreshTokens');
      expect(run).toMatchObject({ ok: true, result: { authorizers: { due: 3, refreshed: 1, failed: 1, reauthorizationRequired: 1 } } });

      const [gauges] = out.metrics(METRIC.ticketAge);
      expect(gauges).toBeDefined();
      expect(gauges!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [['service']] });
      expect(gauges!.service).toBe(METRICS_SERVICE);
      expect(gauges![METRIC.ticketAge]).toBeGreaterThanOrEqual(0);
      expect(gauges![METRIC.ticketAge]).toBeLessThan(60);
      // The simulator issues tokens for 1,500 s, obtained moments ago.
      expect(gauges![METRIC.componentTokenSecondsToExpiry]).toBeGreaterThan(1400);
      expect(gauges![METRIC.componentTokenSecondsToExpiry]).toBeLessThanOrEqual(1500);
      expect(gauges![METRIC.authorizerRefreshOk]).toBe(1);
      expect(gauges![METRIC.authorizerRefreshFailed]).toBe(1);
      expect(gauges![METRIC.authorizersNeedingReauthorization]).toBe(1);
      expect(gauges![METRIC.oldestRunningReleaseAge]).toBe(0);
      const units = Object.fromEntries(gauges!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]));
      expect(units).toMatchObject({ [METRIC.ticketAge]: 'Seconds', [METRIC.componentTokenSecondsToExpiry]: 'Seconds', [METRIC.authorizerRefreshOk]: 'Count' });
      // Nothing else of the run leaked a dimension onto them.
      expect(Object.keys(gauges!).filter((k) => !k.startsWith('_') && typeof gauges![k] === 'string')).toEqual(['service']);
    });

    it('reports how long the oldest running release has run, so one stuck for days raises an alarm', async () => {
      const { platformStores } = await import('../../../functions/lib/platform');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000).toISOString();
      await platformStores().releases.create(
        { releaseId: 'rel-signals-old', templateId: '1', userVersion: '0.0.1', userDesc: 'old', createdBy: 'test', createdAt: twoHoursAgo, options: { autoRelease: false, maxConcurrency: 1 } },
        [],
      );
      out.clear();
      await platform.scheduler.runNow('refreshTokens');
      const [gauges] = out.metrics(METRIC.oldestRunningReleaseAge);
      expect(gauges![METRIC.oldestRunningReleaseAge]).toBeGreaterThanOrEqual(7200);
      expect(gauges![METRIC.oldestRunningReleaseAge]).toBeLessThan(7260);
      await platformStores().releases.finish('rel-signals-old', 'cancelled');
    });

    it('still reports the oldest running release after more than 20 newer ones', async () => {
      const { platformStores } = await import('../../../functions/lib/platform');
      const { releases } = platformStores();
      const base = { templateId: '1', userVersion: '0.0.1', userDesc: 'buried', createdBy: 'test', options: { autoRelease: false, maxConcurrency: 1 } };
      await releases.create({ ...base, releaseId: 'rel-signals-buried', createdAt: new Date(Date.now() - 3 * 3600 * 1000).toISOString() }, []);
      for (let i = 0; i < 21; i++) {
        await releases.create({ ...base, releaseId: `rel-signals-after-${i}`, createdAt: new Date(Date.now() - 1000 + i).toISOString() }, []);
        await releases.finish(`rel-signals-after-${i}`, 'succeeded');
      }
      out.clear();
      await platform.scheduler.runNow('refreshTokens');
      const [gauges] = out.metrics(METRIC.oldestRunningReleaseAge);
      expect(gauges![METRIC.oldestRunningReleaseAge]).toBeGreaterThanOrEqual(10_800);
      expect(gauges![METRIC.oldestRunningReleaseAge]).toBeLessThan(10_860);
      await releases.finish('rel-signals-buried', 'cancelled');
    });

    it('counts and logs every WeChat call by API path and errcode, never with a token', async () => {
      const requestsBefore = platform.simulator!.requests.length;
      platform.simulator!.script(AUTHORIZER_TOKEN_API, [{ errcode: 48001 }]);
      await platform.scheduler.runNow('refreshTokens');
      const calls = out.metrics(METRIC.wechatCalls);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      for (const record of calls) expect(dimensionSets(record)).toEqual([['service', 'Api', 'Errcode']]);
      expect(out.total(METRIC.wechatCalls, { Api: AUTHORIZER_TOKEN_API, Errcode: '48001' })).toBe(1);
      expect(out.total(METRIC.wechatCalls, { Api: AUTHORIZER_TOKEN_API, Errcode: '0' })).toBeGreaterThanOrEqual(1);

      const failed = out.logs('WeChat call failed').find((l) => l.api === AUTHORIZER_TOKEN_API);
      expect(failed).toMatchObject({ level: 'WARN', errcode: 48001, durationMs: expect.any(Number), function_name: 'refreshTokens', componentAppId: platform.settings.component.appId });
      const ok = out.logs('WeChat call').find((l) => l.api === AUTHORIZER_TOKEN_API);
      expect(ok).toMatchObject({ level: 'INFO', errcode: 0, durationMs: expect.any(Number) });
      expect(ok!.function_request_id).toEqual(failed!.function_request_id);

      const tokens = platform.simulator!.requests.slice(requestsBefore).flatMap((r) => [r.query.component_access_token, r.query.access_token]).filter(Boolean) as string[];
      expect(tokens.length).toBeGreaterThan(0);
      for (const line of out.lines) {
        expect(line).not.toMatch(/access_token=/);
        for (const token of tokens) expect(line).not.toContain(token);
      }
    });

    it('counts a WeChat answer without an errcode as "http"', async () => {
      platform.simulator!.script(AUTHORIZER_TOKEN_API, [{ httpStatus: 400 }]);
      await platform.scheduler.runNow('refreshTokens');
      expect(out.total(METRIC.wechatCalls, { Api: AUTHORIZER_TOKEN_API, Errcode: 'http' })).toBe(1);
      expect(out.logs('WeChat call failed').find((l) => l.errcode === 'http')).toMatchObject({ api: AUTHORIZER_TOKEN_API });
    });

    it('clears the invocation keys once the run is over', async () => {
      await platform.scheduler.runNow('refreshTokens');
      expect(out.logs('token refresher finished')[0]).toMatchObject({ componentAppId: platform.settings.component.appId });
      logger.info('between invocations');
      const probe = out.logs('between invocations')[0]!;
      expect(probe).not.toHaveProperty('componentAppId');
      expect(probe).not.toHaveProperty('requestId');
    });
  });

  describe('pushes', () => {
    const post = (url: string, push: SignedPush) => fetch(`${url}?${push.query}`, { method: 'POST', body: push.body, headers: { 'content-type': 'text/xml' } });
    const componentUrl = () => `${platform.gatewayUrl}/wechat/component/events`;
    const now = () => Math.floor(Date.now() / 1000);
    const ticketPush = (options: Parameters<typeof signedPush>[2] = {}, appId = platform.settings.component.appId) =>
      signedPush(platform.settings.component, ticketXml(appId, `ticket@@@${now()}`, now()), options);

    it('counts a received push by type', async () => {
      expect((await post(componentUrl(), ticketPush())).status).toBe(200);
      const [record] = out.metrics(METRIC.pushesReceived);
      expect(dimensionSets(record!)).toEqual([['service'], ['service', 'Type']]);
      expect(record).toMatchObject({ Type: 'component_verify_ticket', [METRIC.pushesReceived]: 1, service: METRICS_SERVICE });
    });

    it.each([
      ['signature', () => ({ ...ticketPush(), query: ticketPush().query.replace(/msg_signature=[^&]+/, 'msg_signature=0000') }), 401],
      ['timestamp', () => ticketPush({ timestamp: String(now() - 3600) }), 401],
      ['appid', () => ticketPush({ appId: 'wx1111111111111111' }), 401],
      ['appid', () => ticketPush({}, 'wx2222222222222222'), 400],
      ['body_too_large', () => ({ ...ticketPush(), body: `<xml><Encrypt>${'A'.repeat(70 * 1024)}</Encrypt></xml>` }), 413],
      ['malformed', () => ({ ...ticketPush(), body: '<xml><AppId>x</AppId></xml>' }), 400],
    ] as const)('counts a push refused for its %s', async (reason, build, status) => {
      expect((await post(componentUrl(), build())).status).toBe(status);
      const records = out.metrics(METRIC.pushesRejected);
      expect(records).toHaveLength(1);
      expect(dimensionSets(records[0]!)).toEqual([['service'], ['service', 'Reason']]);
      expect(records[0]).toMatchObject({ Reason: reason, [METRIC.pushesRejected]: 1 });
      expect(out.metrics(METRIC.pushesReceived)).toHaveLength(0);
    });

    it('counts refusals on the message-event URL too, and logs them with the request and app', async () => {
      const appId = 'wx3333333333333333';
      const push = signedPush(platform.settings.component, '<xml><ToUserName>gh_1</ToUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>');
      const response = await post(`${platform.gatewayUrl}/wechat/authorizers/${appId}/events`, { ...push, query: push.query.replace(/msg_signature=[^&]+/, 'msg_signature=0000') });
      expect(response.status).toBe(401);
      expect(out.total(METRIC.pushesRejected, { Reason: 'signature' })).toBe(1);
      const rejected = out.logs('request rejected')[0];
      expect(rejected).toMatchObject({
        function_name: 'authorizerEvents',
        requestId: expect.any(String),
        componentAppId: platform.settings.component.appId,
        authorizerAppId: appId,
        code: 'invalid_signature',
      });
      // Locally the gateway's request id is the Lambda request id, as one invocation per request.
      expect(rejected!.function_request_id).toBe(rejected!.requestId);
    });
  });

  describe('every HTTP function', () => {
    it('flushes its metrics once per invocation, with its Lambda context and request id on the lines', async () => {
      const byFunction = new Map<string, RouteDefinition>();
      for (const route of ROUTES) if (!byFunction.has(route.function)) byFunction.set(route.function, route);
      const requested: string[] = [];
      for (const [name, route] of byFunction) {
        const path = route.path.replace(/\{appId\}/g, 'wx0000000000000000').replace(/\{[^}]+\}/g, 'none');
        const init: RequestInit = { method: route.method, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }) };
        await (route.auth === 'admin' ? platform.admin(path, init) : fetch(`${platform.gatewayUrl}${path}`, init));
        requested.push(name);
      }
      const flushes = out.logs(/^No application metrics/).filter((l) => l.source === 'metrics');
      for (const name of requested) {
        const own = flushes.filter((l) => l.function_name === name);
        expect({ name, flushes: own.length }).toEqual({ name, flushes: 1 });
        expect(own[0]).toMatchObject({ level: 'DEBUG', requestId: own[0]!.function_request_id, componentAppId: platform.settings.component.appId });
      }
      // The handlers behind the routes, apart from the state machine's task and the schedule.
      expect(requested.sort()).toEqual(Object.keys(FUNCTIONS).filter((name) => name !== 'pipelineStep' && name !== 'refreshTokens').sort());
    });
  });

  describe('overlapping invocations', () => {
    it('keep their own request, app and Lambda context on every line', async () => {
      const apps = [];
      for (let i = 0; i < 3; i++) apps.push(await authorizeApp(platform));
      out.clear();
      // WeChat answers slowly, so every request is in flight while the others log.
      platform.simulator!.script('/cgi-bin/account/getaccountbasicinfo', apps.flatMap(() => [{ delayMs: 150, passThrough: true as const }, { delayMs: 50, passThrough: true as const }]));
      const responses = await Promise.all([...apps, ...apps].map((appId) => platform.admin(`/admin/authorizers/${appId}/basic-info`)));
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));

      const calls = out.logs('WeChat call').filter((l) => l.api === '/cgi-bin/account/getaccountbasicinfo');
      expect(calls).toHaveLength(6);
      for (const line of calls) expect(line).toMatchObject({ function_name: 'adminWeapp', function_request_id: line.requestId });
      expect(new Set(calls.map((l) => l.requestId)).size).toBe(6);
      expect(calls.map((l) => l.authorizerAppId).sort()).toEqual([...apps, ...apps].sort());
    });
  });

  describe('audits and releases', () => {
    let templateId: number;
    beforeAll(async () => {
      templateId = await addTemplate(platform);
    });

    const releaseOne = async (userDesc: string) => {
      const appId = await authorizeApp(platform);
      out.clear();
      const response = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '3.0.0', userDesc, targets: { appIds: [appId] } }) });
      const { releaseId } = (await response.json()) as { releaseId: string };
      // Polled through the admin API, whose requests overlap the push and the pipeline's steps.
      await waitUntil(async () => ((await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as Json).status !== 'running', 'the release to finish', { timeoutMs: 25_000, intervalMs: 100 });
      return { appId, releaseId };
    };

    it('a passed audit pushed during a release: counted once, and the target released', async () => {
      const { appId, releaseId } = await releaseOne('spring');
      expect(out.total(METRIC.pushesReceived, { Type: 'weapp_audit_success' })).toBe(1);
      expect(out.total(METRIC.auditsPassed)).toBe(1);
      expect(out.total(METRIC.auditsRejected)).toBe(0);
      for (const record of out.metrics(METRIC.auditsPassed)) expect(dimensionSets(record)).toEqual([['service']]);
      const final = out.metrics(METRIC.releaseTargetsFinal);
      expect(final).toHaveLength(1);
      expect(dimensionSets(final[0]!)).toEqual([['service'], ['service', 'State']]);
      expect(final[0]).toMatchObject({ State: 'released', [METRIC.releaseTargetsFinal]: 1 });

      const recorded = out.logs('audit outcome recorded')[0];
      expect(recorded).toMatchObject({ function_name: 'authorizerEvents', authorizerAppId: appId, status: 'passed', requestId: expect.any(String) });
      const steps = out.logs().filter((l) => l.function_name === 'pipelineStep');
      expect(steps.length).toBeGreaterThan(0);
      const commit = steps.find((l) => l.step === 'commit' && l.api === '/wxa/commit');
      expect(commit).toMatchObject({ releaseId, authorizerAppId: appId, componentAppId: platform.settings.component.appId, errcode: 0, durationMs: expect.any(Number) });
      expect(out.logs('release started')[0]).toMatchObject({ releaseId, function_name: 'adminReleases' });
    });

    it('a rejected audit: AuditsRejected, and the target final as failed', async () => {
      await releaseOne('autumn [fail]');
      expect(out.total(METRIC.auditsRejected)).toBe(1);
      expect(out.total(METRIC.auditsPassed)).toBe(0);
      expect(out.total(METRIC.pushesReceived, { Type: 'weapp_audit_fail' })).toBe(1);
      expect(out.total(METRIC.releaseTargetsFinal, { State: 'failed' })).toBe(1);
      expect(out.total(METRIC.releaseTargetsFinal, { State: 'released' })).toBe(0);
    });
  });
});
