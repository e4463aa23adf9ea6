import * as z from 'zod';
import { ROLES } from '../lib/http/roles';
import { AUTH_TYPES } from '../lib/authorization/authorization-links';
import { route } from '../lib/http/api-route';
import { AUTHORIZER_STATUSES } from '../lib/store/authorizer-profile-store';
import { Release } from './releases-contract';
import { AppId, AppParams, AuditRecordOut } from './weapp/contract';

/** Contracts of the platform-level admin routes (component, authorization, registry). */

const RefresherRun = z.object({
  startedAt: z.string(),
  durationMs: z.number(),
  outcome: z.enum(['ok', 'partial', 'failed']),
  ticket: z.enum(['fresh', 'missing', 'stale']),
  component: z.enum(['fresh', 'refreshed', 'no_ticket', 'failed']),
  authorizers: z.object({ due: z.number(), refreshed: z.number(), repaired: z.number(), failed: z.number(), reauthorizationRequired: z.number(), unauthorized: z.number(), deferred: z.number().optional() }),
  error: z.string().optional(),
});

const AuthorizerSummary = z.object({
  appId: z.string(),
  componentAppId: z.string(),
  status: z.enum(AUTHORIZER_STATUSES),
  statusReason: z.string().optional(),
  funcInfo: z.array(z.number()),
  nickname: z.string().optional(),
  headImg: z.string().optional(),
  principalName: z.string().optional(),
  userName: z.string().optional(),
  signature: z.string().optional(),
  serviceTypeId: z.number().optional(),
  verifyTypeId: z.number().optional(),
  miniProgram: z.object({ network: z.record(z.string(), z.array(z.string())), categories: z.array(z.object({ first: z.string(), second: z.string() })), visitStatus: z.number().optional() }).optional(),
  authorizedAt: z.string().optional(),
  lastAuthorizedAt: z.string().optional(),
  updatedAt: z.string(),
});

const AuditTrailEntry = z.object({
  at: z.string(),
  requestId: z.string(),
  actor: z.string(),
  actorSub: z.string().optional(),
  role: z.enum(ROLES).optional(),
  method: z.string(),
  route: z.string(),
  appId: z.string().optional(),
  releaseId: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
  status: z.number(),
  errorCode: z.string().optional(),
  sourceIp: z.string().optional(),
});

const HealthPart = z.object({ status: z.enum(['ok', 'degraded', 'failing']), reason: z.string().optional() }).catchall(z.unknown());

export const PLATFORM_ROUTES = {
  getHealth: route({
    method: 'GET', role: 'viewer', path: '/admin/health', tag: 'platform', summary: 'Overall status (ok/degraded/failing) with the reason for each part that is not ok; cheap enough to poll every minute',
    response: z.object({
      status: z.enum(['ok', 'degraded', 'failing']),
      checkedAt: z.string(),
      parts: z.object({ ticket: HealthPart, componentToken: HealthPart, refresher: HealthPart, authorizers: HealthPart, releases: HealthPart }),
    }),
  }),
  getOverview: route({
    method: 'GET', role: 'viewer', path: '/admin/overview', tag: 'platform', summary: 'The fleet at a glance: authorizers by status, running and recent releases, the latest audit outcomes of every app',
    response: z.object({
      authorizers: z.object({ total: z.number(), byStatus: z.record(z.enum(AUTHORIZER_STATUSES), z.number()) }),
      releases: z.object({ running: z.number(), recent: z.array(Release) }),
      recentAudits: z.array(AuditRecordOut.extend({ appId: z.string(), releaseId: z.string().optional() })),
    }),
  }),
  getMe: route({
    method: 'GET', role: 'viewer', path: '/admin/me', tag: 'platform', summary: 'The caller’s role (the highest of its groups viewer, operator, admin), so the console shows only what it may do',
    response: z.object({ role: z.enum(ROLES) }),
  }),
  getAuditLog: route({
    // Operator, not viewer: the trail names people, their addresses and their refused attempts,
    // which a read-only observer has no need to see; those who act (operators, admins) review it.
    method: 'GET', role: 'operator', path: '/admin/audit-log', tag: 'platform',
    summary: 'Who did what: every admin request that is not a GET (refused ones too), newest first, a page at a time',
    description: 'Filters combine; each record is kept at least a year. `actor` is the user name (Cognito `username`), or the JWT `sub` for a caller without one.',
    query: z.object({
      appId: AppId.optional(),
      actor: z.string().min(1).max(128).optional(),
      releaseId: z.string().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(2048).optional(),
    }).strict(),
    response: z.object({ items: z.array(AuditTrailEntry), nextCursor: z.string().optional() }),
  }),
  getComponent: route({
    method: 'GET', role: 'viewer', path: '/admin/component', tag: 'platform', summary: 'Verify ticket, component token and the token refresher’s last run (never their values)',
    response: z.object({
      appId: z.string(),
      ticket: z.object({ receivedAt: z.string(), state: z.enum(['fresh', 'stale']) }).nullable(),
      token: z.object({ expiresAt: z.string() }).nullable(),
      refresher: RefresherRun.nullable(),
    }),
  }),
  pushTicket: route({
    method: 'POST', role: 'admin', path: '/admin/component/ticket:push', tag: 'platform', summary: 'Ask WeChat to push a new component_verify_ticket now (it arrives on the authorization event URL within seconds)', status: 202,
    response: z.object({ requestedAt: z.string() }), wechat: ['api_start_push_ticket'],
  }),
  createAuthorization: route({
    method: 'POST', role: 'admin', path: '/admin/authorizations', tag: 'authorization', summary: 'Authorization links (PC and mobile) for a merchant', status: 201,
    body: z.object({
      authType: z.enum(Object.keys(AUTH_TYPES) as [keyof typeof AUTH_TYPES, ...(keyof typeof AUTH_TYPES)[]]).default('mini_program'),
      bizAppId: z.string().regex(/^wx[0-9a-f]{16}$/i, 'bizAppId must be a WeChat AppID (wx + 16 hex digits)').optional(),
    }).strict(),
    response: z.object({ pcUrl: z.string(), mobileUrl: z.string(), expiresAt: z.string() }), wechat: ['api_create_preauthcode'],
  }),
  listAuthorizers: route({
    method: 'GET', role: 'viewer', path: '/admin/authorizers', tag: 'authorization', summary: 'Authorizers, a page at a time',
    query: z.object({ status: z.enum(AUTHORIZER_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(2048).optional() }).strict(),
    response: z.object({ items: z.array(AuthorizerSummary), nextCursor: z.string().optional() }),
  }),
  syncAuthorizers: route({
    method: 'POST', role: 'admin', path: '/admin/authorizers:sync', tag: 'authorization', summary: 'Reconcile the registry with WeChat’s list of authorizers',
    response: z.object({ listed: z.number(), added: z.number(), repaired: z.number(), removed: z.number(), failed: z.number() }), wechat: ['api_get_authorizer_list', 'api_get_authorizer_info'],
  }),
  getAuthorizer: route({
    method: 'GET', role: 'viewer', path: '/admin/authorizers/{appId}', tag: 'authorization', summary: 'One authorizer: profile, permissions, status, token expiry and history', params: AppParams,
    response: AuthorizerSummary.extend({
      token: z.object({ expiresAt: z.string(), refreshedAt: z.string().optional() }).nullable(),
      history: z.array(z.object({ at: z.string(), event: z.string(), source: z.string(), funcInfo: z.array(z.number()).optional(), detail: z.string().optional() })),
    }),
  }),
  refreshAuthorizerToken: route({
    method: 'POST', role: 'operator', path: '/admin/authorizers/{appId}/token:refresh', tag: 'authorization', summary: 'Refresh one authorizer’s access token now', params: AppParams,
    response: z.object({ appId: z.string(), expiresAt: z.string(), outcome: z.string() }), wechat: ['api_authorizer_token'],
  }),
} as const;
