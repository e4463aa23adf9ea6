import { ADMIN_API_ROUTES } from '../../../functions/admin/routes';
import { routeKey, type ApiRoute } from '../../../functions/lib/http/api-route';
import { ROLES, roleIncludes, type Role } from '../../../functions/lib/http/roles';
import { ROUTES } from '../../../infra/manifest';
import { useWorld } from '../../helpers/world';

/** A value for each path parameter; a wrong one is a 400 or 404, which is fine here: only 401/403 matter. */
const PARAM_VALUES: Record<string, string> = {
  appId: 'wx0123456789abcdef',
  releaseId: 'rel-roles-test',
  registrationId: 'reg-roles-test',
  templateId: '1',
  auditId: '1',
  tester: 'someone',
};

/** The reads a viewer may not make: the audit trail names people, their addresses and their refused attempts. */
const READS_ABOVE_VIEWER: Record<string, Role> = { 'GET /admin/audit-log': 'operator' };

const concretePath = (route: ApiRoute) => route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => encodeURIComponent(PARAM_VALUES[name] ?? 'x'));

describe('roles: every admin route × every role', () => {
  const world = useWorld();

  it('covers every admin route the gateway serves, each declaring its role (reads the viewer’s)', () => {
    const contracts = new Map(ADMIN_API_ROUTES.map((r) => [routeKey(r), r]));
    const served = ROUTES.filter((r) => r.auth === 'admin').map((r) => `${r.method} ${r.path}`);
    expect(served.filter((key) => !contracts.has(key))).toEqual([]);
    expect([...contracts.keys()].filter((key) => !served.includes(key))).toEqual([]);
    for (const route of ADMIN_API_ROUTES) {
      expect(ROLES).toContain(route.role);
      if (route.method === 'GET') expect([routeKey(route), route.role]).toEqual([routeKey(route), READS_ABOVE_VIEWER[routeKey(route)] ?? 'viewer']);
    }
  });

  const cases = ADMIN_API_ROUTES.flatMap((route) => ROLES.map((role) => [routeKey(route), role, route] as const));

  it.each(cases)('%s as %s: 403 exactly when the role is too low', async (_, role: Role, route: ApiRoute) => {
    const response = await world.platform.as(role, concretePath(route), {
      method: route.method,
      ...(route.method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
    });
    const text = await response.text();
    expect(text).not.toBe('{"message":"Not Found"}'); // reached the handler, not lost in the gateway
    if (roleIncludes(role, route.role)) {
      expect([response.status, text]).not.toEqual([401, expect.anything()]);
      expect([response.status, text]).not.toEqual([403, expect.anything()]);
    } else {
      expect(response.status).toBe(403);
      expect(JSON.parse(text)).toEqual({ code: 'forbidden', message: `${routeKey(route)} needs the ${route.role} role; you are ${role === 'viewer' ? 'a' : 'an'} ${role}` });
    }
  });

  describe('a release to the whole fleet', () => {
    const fleet = { templateId: '1', userVersion: '1.0.0', targets: { allAuthorized: true } };
    const post = (role: Role, body: unknown) =>
      world.platform.as(role, '/admin/releases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('needs the admin role, though the route is the operator’s', async () => {
      const response = await post('operator', fleet);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ code: 'forbidden', message: 'a release to every authorized app (targets.allAuthorized) needs the admin role; you are an operator' });
    });

    it('is not refused to an admin', async () => {
      const response = await post('admin', fleet);
      expect([401, 403]).not.toContain(response.status);
    });

    it('to listed apps is not refused to an operator', async () => {
      const response = await post('operator', { ...fleet, targets: { appIds: [PARAM_VALUES.appId] } });
      expect([401, 403]).not.toContain(response.status);
    });
  });

  it('shows each route’s role in /openapi.json', async () => {
    const document = (await (await fetch(`${world.platform.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-role': string; security: unknown; description: string }>> };
    for (const route of ADMIN_API_ROUTES) {
      const operation = document.paths[route.path]![route.method.toLowerCase()]!;
      expect(operation['x-role']).toBe(route.role);
      expect(operation.security).toEqual([{ adminAuth: [route.role] }]);
      expect(operation.description).toMatch(new RegExp(`^Role: ${route.role}`));
    }
  });
});

describe('GET /admin/me', () => {
  const world = useWorld();

  it.each(ROLES)('tells a %s its role', async (role) => {
    const response = await world.platform.as(role, '/admin/me');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ role });
  });
});
