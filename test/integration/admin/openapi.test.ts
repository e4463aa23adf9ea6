import { ADMIN_API_ROUTES } from '../../../functions/admin/routes';
import { ROUTES } from '../../../infra/manifest';
import { useWorld } from '../../helpers/world';

describe('GET /openapi.json', () => {
  const world = useWorld();

  it('describes every admin route with its parameters, body and answer', async () => {
    const response = await fetch(`${world.platform.gatewayUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    const adminRoutes = ROUTES.filter((r) => r.auth === 'admin');
    expect(adminRoutes.length).toBe(ADMIN_API_ROUTES.length);
    for (const route of adminRoutes) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      for (const param of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(operation!.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param)).toBe(true);
      }
    }
    const commit = doc.paths['/admin/authorizers/{appId}/code:commit']!.post!;
    expect(JSON.stringify(commit.requestBody)).toContain('userVersion');
    expect(Object.keys(commit.responses)).toContain('200');
    const code = doc.paths['/admin/authorizers/{appId}/wxacode']!.post!;
    expect(JSON.stringify(code.responses['200'])).toContain('image/png');
  });

  it('routes every contract to a deployed function', () => {
    const deployed = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    for (const route of ADMIN_API_ROUTES) expect(deployed.has(`${route.method} ${route.path}`)).toBe(true);
  });
});

describe('GET /openapi.json with only the environment its function gets in AWS', () => {
  const saved = { ...process.env };
  afterEach(async () => {
    process.env = { ...saved };
    (await import('../../../functions/lib/config')).resetConfig();
  });

  it('answers 200 without a table or WeChat settings', async () => {
    // The stack gives the OpenAPI function no table: nothing on its path may need one.
    for (const name of ['TABLE_NAME', 'WECHAT_COMPONENT_APPID', 'WECHAT_API_BASE']) delete process.env[name];
    (await import('../../../functions/lib/config')).resetConfig();
    const { handler } = await import('../../../functions/admin/openapi');
    const { apiEvent } = await import('../../helpers/api-event');
    const result = (await handler(apiEvent('GET /openapi.json', { rawPath: '/openapi.json' }), {} as never)) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).openapi).toBe('3.1.0');
  });
});
