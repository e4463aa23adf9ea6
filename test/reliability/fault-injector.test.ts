import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, faultSettingsFromEnv } from '../../local/wechat-sim/faults';
import { SeededRandom } from '../../local/wechat-sim/seeded-random';
import { WeChatSimulator } from '../../local/wechat-sim/server';
import { generateCredentials } from '../../local/settings';

describe('seeded PRNG', () => {
  it('replays the same sequence for the same seed and another for another seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('FaultInjector', () => {
  it('injects errors and timeouts at the configured rates, the same way for the same seed', () => {
    const decide = () => {
      const injector = new FaultInjector({ seed: 7, api: { '*': { errorRate: 0.2, timeoutRate: 0.1, errors: [-1, 45009, 502] } } });
      return Array.from({ length: 10_000 }, () => injector.forApi('/wxa/commit').fault);
    };
    const first = decide();
    expect(decide()).toEqual(first);
    const errors = first.filter((f) => f?.kind === 'error' || f?.kind === 'http').length;
    const timeouts = first.filter((f) => f?.kind === 'timeout').length;
    expect(errors / 10_000).toBeGreaterThan(0.18);
    expect(errors / 10_000).toBeLessThan(0.22);
    expect(timeouts / 10_000).toBeGreaterThan(0.08);
    expect(timeouts / 10_000).toBeLessThan(0.12);
    // Every configured kind is used.
    expect(new Set(first.map((f) => (f?.kind === 'error' ? f.errcode : f?.kind === 'http' ? f.status : undefined)))).toEqual(new Set([-1, 45009, 502, undefined]));
  });

  it('prefers an exact path over "*" and leaves unlisted paths alone', () => {
    const injector = new FaultInjector({ api: { '/wxa/commit': { errorRate: 1, errors: [45009] }, '/wxa/release': { latencyMs: 30 } } });
    expect(injector.forApi('/wxa/commit')).toEqual({ latencyMs: 0, fault: { kind: 'error', errcode: 45009 } });
    expect(injector.forApi('/wxa/release')).toEqual({ latencyMs: 30, fault: undefined });
    expect(injector.forApi('/wxa/submit_audit')).toEqual({ latencyMs: 0, fault: undefined });
    expect(injector.counts.errors).toBe(1);
  });

  it('stops after maxFaults on a rule', () => {
    const injector = new FaultInjector({ api: { '/wxa/submit_audit': { timeoutRate: 1, maxFaults: 2 } } });
    const faults = Array.from({ length: 5 }, () => injector.forApi('/wxa/submit_audit').fault?.kind);
    expect(faults).toEqual(['timeout', 'timeout', undefined, undefined, undefined]);
  });

  it('drops pushes of one kind at its rate and no other kind', () => {
    const injector = new FaultInjector({ seed: 3, dropPushes: { audit: 0.5 } });
    const dropped = Array.from({ length: 2000 }, () => injector.dropPush('audit')).filter(Boolean).length;
    expect(dropped).toBeGreaterThan(900);
    expect(dropped).toBeLessThan(1100);
    expect(Array.from({ length: 100 }, () => injector.dropPush('ticket')).some(Boolean)).toBe(false);
    expect(injector.counts.droppedPushes).toMatchObject({ audit: dropped, ticket: 0 });
  });

  it.each([
    ['an errcode other than -1 and 45009', { api: { '*': { errorRate: 0.1, errors: [40001] } } }],
    ['a rate over 1', { api: { '*': { errorRate: 1.5 } } }],
    ['a path without a leading slash', { api: { 'wxa/commit': { errorRate: 0.1 } } }],
    ['an unknown push kind', { dropPushes: { message: 0.1 } }],
    ['an unknown field', { api: { '*': { errorRte: 0.1 } } }],
  ])('refuses %s', (_, settings) => {
    expect(() => new FaultInjector(settings as never)).toThrow();
    expect(() => faultSettingsFromEnv(JSON.stringify(settings))).toThrow(/WECHAT_SIM_FAULTS/);
  });

  it('reads WECHAT_SIM_FAULTS: unset is no faults, bad JSON is an error, defaults filled in', () => {
    expect(faultSettingsFromEnv(undefined)).toBeUndefined();
    expect(faultSettingsFromEnv('  ')).toBeUndefined();
    expect(() => faultSettingsFromEnv('{errorRate')).toThrow('WECHAT_SIM_FAULTS is not valid JSON');
    expect(faultSettingsFromEnv('{"seed":9,"api":{"*":{"errorRate":0.2}},"dropPushes":{"ticket":0.5}}')).toEqual({
      seed: 9,
      api: { '*': { errorRate: 0.2, errors: [-1], latencyMs: 0, timeoutRate: 0, timeoutMode: 'destroy', holdMs: 15_000, timeoutPhase: 'before' } },
      dropPushes: { ticket: 0.5 },
    });
  });
});

describe('simulator with faults', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  let sim: WeChatSimulator;
  let receiver: Server;
  let received = 0;

  beforeAll(async () => {
    sim = new WeChatSimulator({ component });
    await sim.start();
    receiver = createServer((req, res) => {
      received++;
      req.resume().on('end', () => res.end('success'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    sim.setComponentEventsUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    await sim.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });
  afterEach(() => sim.faults({}));

  const tokenCall = (init: RequestInit = {}) =>
    fetch(`${sim.url}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({ component_appid: component.appId, component_appsecret: component.appSecret, component_verify_ticket: sim.state.issueTicket() }),
      ...init,
    });

  it('answers errcode -1 and HTTP 5xx as configured, and normal service after faults({})', async () => {
    sim.faults({ api: { '/cgi-bin/component/api_component_token': { errorRate: 1, errors: [-1] } } });
    expect(await (await tokenCall()).json()).toMatchObject({ errcode: -1 });
    sim.faults({ api: { '*': { errorRate: 1, errors: [503] } } });
    expect((await tokenCall()).status).toBe(503);
    expect(sim.faultCounts.http).toBe(1);
    sim.faults({});
    expect(await (await tokenCall()).json()).toHaveProperty('component_access_token');
  });

  it('adds latency', async () => {
    sim.faults({ api: { '*': { latencyMs: 150 } } });
    const started = Date.now();
    await tokenCall();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection, before or after acting on the request', async () => {
    const tokensBefore = sim.state.componentTokens.size;
    sim.faults({ api: { '*': { timeoutRate: 1, timeoutMode: 'destroy' } } });
    await expect(tokenCall()).rejects.toThrow();
    expect(sim.state.componentTokens.size).toBe(tokensBefore);
    sim.faults({ api: { '*': { timeoutRate: 1, timeoutMode: 'destroy', timeoutPhase: 'after' } } });
    await expect(tokenCall()).rejects.toThrow();
    expect(sim.state.componentTokens.size).toBe(tokensBefore + 1);
  });

  it('holds the answer longer than the caller waits', async () => {
    sim.faults({ api: { '*': { timeoutRate: 1, timeoutMode: 'hold', holdMs: 2000 } } });
    await expect(tokenCall({ signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
  });

  it('loses ticket pushes on the way: the platform never sees them', async () => {
    sim.faults({ dropPushes: { ticket: 1 } });
    const before = received;
    expect(await sim.ticketPusher.pushNow()).toMatchObject({ status: 'unreachable' });
    expect(received).toBe(before);
    expect(sim.faultCounts.droppedPushes.ticket).toBe(1);
    sim.faults({});
    expect(await sim.ticketPusher.pushNow()).toMatchObject({ status: 200, body: 'success' });
    expect(received).toBe(before + 1);
  });
});
