import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Who may do what. Each is a Cognito group of the admin user pool; a higher role includes the
 * lower ones. Contracts only: no runtime dependencies (the CDK manifest imports the contracts).
 *
 * - `viewer`: reads (every GET).
 * - `operator`: per-app operations (`/admin/authorizers/{appId}/…`) and releases to listed
 *   apps: start (with `targets.appIds`), approve, cancel, widen, complete, retry, roll back.
 * - `admin`: fleet-wide releases (`targets.allAuthorized`), payment settings, registrations,
 *   sync, templates, the component ticket push and everything else.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const roleIncludes = (held: Role | undefined, needed: Role): boolean => held !== undefined && RANK[held] >= RANK[needed];

/**
 * The caller's groups as API Gateway's JWT authorizer passes them
 * (`requestContext.authorizer.jwt.claims['cognito:groups']`): HTTP APIs flatten an array claim
 * to `[admin operator]`; a JSON array or a plain array is accepted too.
 */
export function callerGroups(event: APIGatewayProxyEventV2): string[] {
  const raw = jwtClaims(event)?.['cognito:groups'];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || !raw.trim()) return [];
  const text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // API Gateway's own `[a b]` form, not JSON
    }
    return text.slice(1, -1).split(/[\s,]+/).filter(Boolean);
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The highest role among the caller's groups; undefined when the caller is in none. */
export function callerRole(event: APIGatewayProxyEventV2): Role | undefined {
  const groups = new Set(callerGroups(event));
  return [...ROLES].reverse().find((role) => groups.has(role));
}

/**
 * Who the caller is, from the same claims: `sub`, and the user name — `username` in a Cognito
 * access token (what the console sends), `cognito:username` in an ID token.
 */
export function callerIdentity(event: APIGatewayProxyEventV2): { sub?: string; username?: string } {
  const claims = jwtClaims(event);
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const sub = text(claims?.sub);
  const username = text(claims?.['cognito:username']) ?? text(claims?.username);
  return { ...(sub ? { sub } : {}), ...(username ? { username } : {}) };
}

function jwtClaims(event: APIGatewayProxyEventV2): Record<string, unknown> | undefined {
  return (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
}
