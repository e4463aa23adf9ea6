import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ADMIN_API_ROUTES } from '../../../functions/admin/routes';
import { routeKey, type ApiRoute } from '../../../functions/lib/http/api-route';
import type { Role } from '../../../functions/lib/http/roles';
import { AUDIT_TRAIL_RETENTION_DAYS, type AuditTrailRecord } from '../../../functions/lib/store/audit-trail-store';
import { useWorld } from '../../helpers/world';

/** Every route that is not a GET, from the contracts: a route added later is walked too. */
const MUTATING = ADMIN_API_ROUTES.filter((route) => route.method !== 'GET');

type Page = { items: AuditTrailRecord[]; nextCursor?: string };

/** What one request was answered, as the caller saw it. */
interface Sent {
  role: Role;
  route: ApiRoute;
  requestId: string;
  status: number;
  code?: string;
  appId?: string;
  releaseId?: string;
}

describe('the admin audit trail', () => {
  const world = useWorld({ ticket: true, refresh: true, apps: 2, template: true });
  const sent: Sent[] = [];

  const params = (): Record<string, string> => ({ appId: world.appIds[0]!, releaseId: 'rel-audit-test', registrationId: 'reg-audit-test', templateId: '1', tester: 'someone' });
  const concretePath = (route: ApiRoute, values: Record<string, string>) => route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));

  async function send(role: Role, route: ApiRoute, values = params(), body = '{}'): Promise<Sent> {
    const response = await world.platform.as(role, concretePath(route, values), { method: route.method, headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    const answer = (() => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    const requestId = response.headers.get('apigw-requestid');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const record: Sent = {
      role,
      route,
      requestId: requestId!,
      status: response.status,
      ...(response.status >= 400 ? { code: String(answer.code) } : {}),
      ...(route.path.includes('{appId}') ? { appId: values.appId } : {}),
      ...(route.path.includes('{releaseId}') ? { releaseId: values.releaseId } : typeof answer.releaseId === 'string' && response.status < 300 ? { releaseId: answer.releaseId } : {}),
    };
    sent.push(record);
    return record;
  }

  const list = async (query: Record<string, string | number>, role: Role = 'operator'): Promise<Page> => {
    const response = await world.platform.as(role, `/admin/audit-log?${new URLSearchParams(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])))}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };
  const listAll = async (query: Record<string, string> = {}, limit = 100): Promise<AuditTrailRecord[]> => {
    const items: AuditTrailRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };

  // First: the walk below deletes the template.
  it('records who started a release under the release’s id, from the answer', async () => {
    const start = MUTATING.find((r) => routeKey(r) === 'POST /admin/releases')!;
    const started = await send('operator', start, params(), JSON.stringify({ templateId: world.templateId, userVersion: '1.0.0', targets: { appIds: [world.appIds[1]] } }));
    if (started.status !== 202) throw new Error(`release not started: ${started.status} ${started.code}`);
    const [record] = (await list({ releaseId: started.releaseId!, limit: 5 })).items;
    expect(record).toMatchObject({ requestId: started.requestId, actor: 'operator', route: 'POST /admin/releases', status: 202 });
  });

  it('records every mutating route exactly once per request: actor, route, outcome, request id — refused and invalid ones too', async () => {
    const before = await listAll();
    // A viewer is refused every one of them (403); an admin reaches the handler (mostly a 400 for `{}`).
    for (const route of MUTATING) await send('viewer', route);
    for (const route of MUTATING) await send('admin', route);
    // A read is not recorded.
    const read = await world.platform.as('operator', `/admin/authorizers/${world.appIds[0]}`);
    const readId = read.headers.get('apigw-requestid');

    const after = await listAll();
    expect(after.length - before.length).toBe(2 * MUTATING.length);
    expect(after.filter((r) => r.requestId === readId)).toEqual([]);
    const statuses = new Set<number>();
    for (const request of sent) {
      const records = after.filter((r) => r.requestId === request.requestId);
      expect(records).toHaveLength(1);
      const expected: Partial<AuditTrailRecord> = {
        requestId: request.requestId,
        actor: request.role,
        actorSub: `local-${request.role}`,
        role: request.role,
        method: request.route.method,
        route: routeKey(request.route),
        status: request.status,
        ...(request.code ? { errorCode: request.code } : {}),
        ...(request.appId ? { appId: request.appId } : {}),
        ...(request.releaseId ? { releaseId: request.releaseId } : {}),
      };
      expect(records[0]).toMatchObject(expected);
      if (!request.code) expect(records[0]).not.toHaveProperty('errorCode');
      expect(Date.parse(records[0]!.at)).toBeGreaterThan(Date.now() - 10 * 60_000);
      statuses.add(request.status);
      if (request.role === 'viewer') expect([request.status, records[0]!.errorCode]).toEqual([403, 'forbidden']);
    }
    // The walk saw refusals, invalid requests and successes alike.
    expect([...statuses]).toEqual(expect.arrayContaining([403, 400]));
    expect([...statuses].some((s) => s < 300)).toBe(true);
    // Never a body: the payment route carries keys.
    expect(JSON.stringify(after)).not.toMatch(/apiKey|p12Password|apiV3Key/);
  });

  it('lists newest first, a page at a time by an opaque cursor', async () => {
    const all = await listAll();
    expect(all.length).toBeGreaterThan(20);
    const paged = await listAll({}, 7);
    expect(paged.map((r) => r.requestId)).toEqual(all.map((r) => r.requestId));
    expect(new Set(paged.map((r) => r.requestId)).size).toBe(paged.length);
    const times = all.map((r) => r.at);
    expect(times).toEqual([...times].sort().reverse());
    const first = await list({ limit: 7 });
    expect(first.items).toHaveLength(7);
    expect(first.nextCursor).toEqual(expect.any(String));
  });

  it('filters by app, by actor, by release, and by several at once', async () => {
    const all = await listAll();
    const appId = world.appIds[0]!;
    const byApp = await listAll({ appId }, 5);
    expect(byApp.length).toBeGreaterThan(5);
    expect(byApp.map((r) => r.requestId)).toEqual(all.filter((r) => r.appId === appId).map((r) => r.requestId));
    expect(await listAll({ appId: world.appIds[1]! })).toEqual([]);

    const byActor = await listAll({ actor: 'viewer' }, 9);
    expect(byActor.map((r) => r.requestId)).toEqual(all.filter((r) => r.actor === 'viewer').map((r) => r.requestId));
    expect(byActor.length).toBe(MUTATING.length);

    const byRelease = await listAll({ releaseId: 'rel-audit-test' });
    expect(byRelease.map((r) => r.requestId)).toEqual(all.filter((r) => r.releaseId === 'rel-audit-test').map((r) => r.requestId));
    expect(byRelease.length).toBe(2 * MUTATING.filter((r) => r.path.includes('{releaseId}')).length);

    const both = await listAll({ appId, actor: 'admin' }, 3);
    expect(both.map((r) => r.requestId)).toEqual(all.filter((r) => r.appId === appId && r.actor === 'admin').map((r) => r.requestId));
    expect(both.length).toBeGreaterThan(3);
  });

  it('keeps each record at least a year (TTL)', async () => {
    const items = ((await world.platform.scanTable({ withAuditTrail: true })) as Record<string, AttributeValue>[]).map((item) => unmarshall(item));
    const records = items.filter((item) => item.type === 'AuditTrail' || item.type === 'AuditTrailCopy');
    expect(records.length).toBeGreaterThan(2 * MUTATING.length);
    for (const item of records) {
      const keptSeconds = Number(item.ttl) - Date.parse(String(item.at)) / 1000;
      expect(keptSeconds).toBeGreaterThanOrEqual(365 * 24 * 3600);
      expect(keptSeconds).toBeCloseTo(AUDIT_TRAIL_RETENTION_DAYS * 24 * 3600, -1);
    }
  });

  it('refuses a cursor it did not hand out, or one of another filter (400)', async () => {
    const forged = await world.platform.as('operator', '/admin/audit-log?cursor=bm90LWEta2V5');
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: 'invalid_cursor' });
    const { nextCursor } = await list({ limit: 2 });
    const elsewhere = await world.platform.as('operator', `/admin/audit-log?actor=admin&cursor=${nextCursor}`);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it('is not shown to a viewer', async () => {
    const response = await world.platform.as('viewer', '/admin/audit-log');
    expect(response.status).toBe(403);
  });
});
