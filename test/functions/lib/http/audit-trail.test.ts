import '../../../helpers/signals-on';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { AUDIT_WRITE_TIMEOUT_MS, auditRecordOf } from '../../../../functions/lib/http/audit-trail';
import { implement, route } from '../../../../functions/lib/http/api-route';
import { serveRoutes } from '../../../../functions/lib/http/serve-routes';
import { METRIC } from '../../../../functions/lib/observability/metric-names';
import type { AuditTrailRecord, AuditTrailStore } from '../../../../functions/lib/store/audit-trail-store';
import { apiEvent } from '../../../helpers/api-event';
import { OutputCapture } from '../../../helpers/output-capture';

const change = route({ method: 'POST', role: 'operator', path: '/admin/things/{appId}/poke', tag: 't', summary: 's', params: z.object({ appId: z.string() }), response: z.object({ poked: z.boolean() }) });
const read = route({ method: 'GET', role: 'viewer', path: '/admin/things', tag: 't', summary: 's', response: z.object({ n: z.number() }) });

const context = { awsRequestId: 'lambda-request', getRemainingTimeInMillis: () => 5000 } as unknown as Context;

function as(role: string, routeKey: string, rawPath: string, pathParameters?: Record<string, string>) {
  const event = apiEvent(routeKey, { rawPath, contentType: 'application/json', body: '{}', ...(pathParameters ? { pathParameters } : {}) });
  (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims: { sub: `sub-${role}`, username: `user-${role}`, 'cognito:groups': `[${role}]` }, scopes: null } };
  return event;
}

/** A store whose writes fail as asked: at once, or only when their time is up. */
class FakeTrail implements AuditTrailStore {
  readonly records: AuditTrailRecord[] = [];
  constructor(private readonly failure?: 'throws' | 'hangs') {}
  async record(entry: AuditTrailRecord, { abortSignal }: { abortSignal?: AbortSignal } = {}): Promise<void> {
    if (this.failure === 'throws') throw Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'ProvisionedThroughputExceededException' });
    if (this.failure === 'hangs') {
      // As the SDK does: the request is abandoned when the signal fires.
      await new Promise((_, reject) => abortSignal?.addEventListener('abort', () => reject(abortSignal.reason)));
    }
    this.records.push(entry);
  }
  async list(): Promise<never> {
    throw new Error('not used');
  }
}

describe('recording admin actions (serveRoutes)', () => {
  const out = new OutputCapture();
  beforeEach(() => out.start());
  afterEach(() => {
    out.stop();
    out.clear();
  });

  const handlerWith = (trail: AuditTrailStore) =>
    serveRoutes([implement(change, async () => ({ poked: true })), implement(read, async () => ({ n: 1 }))], { auditTrail: () => trail });

  it('records an answered change with who, what, where and how it ended; a read not at all', async () => {
    const trail = new FakeTrail();
    const event = as('operator', 'POST /admin/things/{appId}/poke', '/admin/things/wx1/poke', { appId: 'wx1' });
    expect(await handlerWith(trail)(event, context)).toMatchObject({ statusCode: 200 });
    await handlerWith(trail)(as('viewer', 'GET /admin/things', '/admin/things'), context);
    expect(trail.records).toEqual([
      {
        at: new Date(event.requestContext.timeEpoch).toISOString(),
        requestId: event.requestContext.requestId,
        actor: 'user-operator',
        actorSub: 'sub-operator',
        role: 'operator',
        method: 'POST',
        route: 'POST /admin/things/{appId}/poke',
        appId: 'wx1',
        status: 200,
        sourceIp: '127.0.0.1',
      },
    ]);
  });

  it('records a refusal with its code', async () => {
    const trail = new FakeTrail();
    const response = await handlerWith(trail)(as('viewer', 'POST /admin/things/{appId}/poke', '/admin/things/wx1/poke', { appId: 'wx1' }), context);
    expect(response).toMatchObject({ statusCode: 403 });
    expect(trail.records).toEqual([expect.objectContaining({ actor: 'user-viewer', role: 'viewer', status: 403, errorCode: 'forbidden' })]);
  });

  it('a failed write leaves the answer as it was: an error line with the record, and a count', async () => {
    const response = await handlerWith(new FakeTrail('throws'))(as('operator', 'POST /admin/things/{appId}/poke', '/admin/things/wx1/poke', { appId: 'wx1' }), context);
    expect(response).toMatchObject({ statusCode: 200, body: JSON.stringify({ poked: true }) });
    const [line] = out.logs('audit trail write failed');
    expect(line).toMatchObject({ level: 'ERROR', errorName: 'ProvisionedThroughputExceededException', record: expect.objectContaining({ route: 'POST /admin/things/{appId}/poke', status: 200, actor: 'user-operator' }) });
    expect(out.total(METRIC.auditTrailWriteFailures)).toBe(1);
  });

  it('a write that does not finish is given up after AUDIT_WRITE_TIMEOUT_MS', async () => {
    const started = Date.now();
    const response = await handlerWith(new FakeTrail('hangs'))(as('admin', 'POST /admin/things/{appId}/poke', '/admin/things/wx1/poke', { appId: 'wx1' }), context);
    const took = Date.now() - started;
    expect(response).toMatchObject({ statusCode: 200 });
    expect(took).toBeGreaterThanOrEqual(AUDIT_WRITE_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(AUDIT_WRITE_TIMEOUT_MS + 2000);
    expect(out.total(METRIC.auditTrailWriteFailures)).toBe(1);
  });

  describe('the record of an answer', () => {
    it('takes a new release’s id from a successful answer, never from a failed one', () => {
      const event = as('operator', 'POST /admin/releases', '/admin/releases');
      const ok = { statusCode: 202, body: JSON.stringify({ releaseId: 'rel-1' }) };
      expect(auditRecordOf(event, ok, 'x')).toMatchObject({ releaseId: 'rel-1', status: 202 });
      expect(auditRecordOf(event, { statusCode: 409, body: JSON.stringify({ code: 'conflict', releaseId: 'rel-1' }) }, 'x')).not.toHaveProperty('releaseId');
    });

    it('names a caller without a user name by its sub, and one without claims "unknown"', () => {
      const event = as('operator', 'POST /admin/releases', '/admin/releases');
      (event.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string> } } }).authorizer.jwt.claims = { sub: 'abc' };
      expect(auditRecordOf(event, { statusCode: 403, body: '{"code":"forbidden"}' }, 'x')).toMatchObject({ actor: 'abc', actorSub: 'abc', errorCode: 'forbidden' });
      const anonymous = apiEvent('POST /admin/releases', { rawPath: '/admin/releases' });
      expect(auditRecordOf(anonymous, undefined, 'x')).toMatchObject({ actor: 'unknown', status: 500, errorCode: 'unknown' });
    });

    it('keeps other path parameters, never the body', () => {
      const event = as('admin', 'DELETE /admin/templates/{templateId}', '/admin/templates/7', { templateId: '7' });
      event.body = JSON.stringify({ apiKey: 'secret' });
      const record = auditRecordOf(event, { statusCode: 200, body: '{}' }, 'x');
      expect(record).toMatchObject({ params: { templateId: '7' } });
      expect(JSON.stringify(record)).not.toContain('secret');
    });
  });
});
