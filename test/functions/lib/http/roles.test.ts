import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { implement, route } from '../../../../functions/lib/http/api-route';
import { callerGroups, callerRole, roleIncludes } from '../../../../functions/lib/http/roles';
import { serveRoutes } from '../../../../functions/lib/http/serve-routes';
import { apiEvent } from '../../../helpers/api-event';

const withGroups = (groups: unknown, routeKey = 'POST /admin/thing'): APIGatewayProxyEventV2 => {
  const event = apiEvent(routeKey, { rawPath: '/admin/thing', contentType: 'application/json' });
  return { ...event, requestContext: { ...event.requestContext, ...(groups === undefined ? {} : { authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': groups }, scopes: null } } }) } } as APIGatewayProxyEventV2;
};

describe('roles from the JWT', () => {
  it.each([
    ['[admin]', ['admin']],
    ['[viewer operator]', ['viewer', 'operator']],
    ['["operator","viewer"]', ['operator', 'viewer']],
    [['viewer'], ['viewer']],
    ['viewer,operator', ['viewer', 'operator']],
    ['', []],
    [undefined, []],
  ])('reads cognito:groups %j as API Gateway passes it', (groups, expected) => {
    expect(callerGroups(withGroups(groups))).toEqual(expected);
  });

  it('takes the highest role and ignores other groups', () => {
    expect(callerRole(withGroups('[viewer support admin]'))).toBe('admin');
    expect(callerRole(withGroups('[support]'))).toBeUndefined();
  });

  it('ranks admin ⊃ operator ⊃ viewer', () => {
    expect(roleIncludes('admin', 'operator')).toBe(true);
    expect(roleIncludes('operator', 'viewer')).toBe(true);
    expect(roleIncludes('operator', 'admin')).toBe(false);
    expect(roleIncludes('viewer', 'operator')).toBe(false);
    expect(roleIncludes(undefined, 'viewer')).toBe(false);
  });
});

describe('serveRoutes enforces the contract role', () => {
  const spec = route({ method: 'POST', role: 'operator', path: '/admin/thing', tag: 't', summary: 's', body: z.object({ n: z.number() }), response: z.object({ ok: z.boolean() }) });
  const handler = serveRoutes([implement(spec, async () => ({ ok: true }))]);
  const call = async (groups: unknown) => (await handler(withGroups(groups), {} as Context)) as { statusCode: number; body: string };

  it('answers 403 forbidden before validating the body', async () => {
    const answer = await call('[viewer]');
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ code: 'forbidden', message: 'POST /admin/thing needs the operator role; you are a viewer' });
  });

  it('answers 403 to a signed-in user in no role group', async () => {
    const answer = await call(undefined);
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ code: 'forbidden', message: 'POST /admin/thing needs the operator role; you are in no role group (viewer, operator or admin)' });
  });

  it('lets the role and higher ones through', async () => {
    expect((await call('[operator]')).statusCode).toBe(400); // reached validation: no body
    expect((await call('[admin]')).statusCode).toBe(400);
  });
});
