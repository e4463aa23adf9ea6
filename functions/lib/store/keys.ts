/**
 * Every single-table key in one place. Component items are keyed by component appid so one
 * deployment can serve several platform accounts without one overwriting another.
 */
export type ItemKey = { pk: string; sk: string };

/** Expiry as a sortable string: zero-padded epoch milliseconds. */
export function sortableTime(epochMs: number): string {
  return String(Math.max(0, Math.floor(epochMs))).padStart(15, '0');
}

/** An item as its record: without the table's key and index attributes and its item type. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...record } = item;
  return record as T;
}

/** Sort-key prefixes of the item kinds that share an authorizer's partition. */
export const SK = {
  authorizerProfile: 'PROFILE',
  authorizerToken: 'TOKEN',
  authorizerHistory: 'HISTORY#',
  audit: 'AUDIT#',
} as const;

export const keys = {
  verifyTicket: (componentAppId: string): ItemKey => ({ pk: `COMPONENT#${componentAppId}`, sk: 'TICKET' }),
  componentToken: (componentAppId: string): ItemKey => ({ pk: `COMPONENT#${componentAppId}`, sk: 'TOKEN' }),
  refresherStatus: (componentAppId: string): ItemKey => ({ pk: `COMPONENT#${componentAppId}`, sk: 'REFRESHER' }),
  authorizerPartition: (appId: string): string => `AUTHORIZER#${appId}`,
  authorizerProfile: (appId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: SK.authorizerProfile }),
  authorizerToken: (appId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: SK.authorizerToken }),
  authorizerHistory: (appId: string, at: string, id: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: `${SK.authorizerHistory}${at}#${id}` }),
  /** The app's last code commit, kept to skip a commit that would change nothing. */
  lastCommit: (appId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: 'CODE#LAST_COMMIT' }),
  /** One audit; sorted by submission time so the newest is first in a reverse query. */
  audit: (appId: string, submittedAt: string, auditId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: `${SK.audit}${submittedAt}#${auditId}` }),
  /** One window of one quota of one app. */
  quotaWindow: (appId: string, quota: string, window: string, period: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: `QUOTA#${quota}#${window}#${period}` }),
  /** WeChat Pay settings (metadata only; the secrets live in Secrets Manager and S3). */
  payment: (appId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: 'PAYMENT' }),
  registration: (registrationId: string): ItemKey => ({ pk: `REGISTRATION#${registrationId}`, sk: 'META' }),
  /** WeChat's task id to our registration id: the push names only the task. */
  registrationTask: (taskId: string): ItemKey => ({ pk: `REGISTRATION_TASK#${taskId}`, sk: 'TASK' }),
  /** gsi1: authorizers of one component, sorted by status then appid. */
  authorizersIndex: (componentAppId: string, status: string, appId: string) => ({
    gsi1pk: `AUTHORIZERS#${componentAppId}`,
    gsi1sk: `${status}#${appId}`,
  }),
  /** gsi1: live authorizer tokens of one component, sorted by expiry (sparse: only refreshable tokens). */
  tokenExpiryIndex: (componentAppId: string, expiresAt: number, appId: string) => ({
    gsi1pk: `TOKEN_EXPIRY#${componentAppId}`,
    gsi1sk: `${sortableTime(expiresAt)}#${appId}`,
  }),
  /**
   * gsi1: every audit, sorted by its last change: the fleet-wide "recent audits" view reads one
   * query instead of one per app. Audits are a few per app per release, far below what one
   * index partition takes.
   */
  recentAuditsIndex: (at: string, appId: string, auditId: string) => ({
    gsi1pk: 'AUDITS#RECENT',
    gsi1sk: `${at}#${appId}#${auditId}`,
  }),
  /**
   * The admin audit trail: every record in one partition, sorted by time then API Gateway's
   * request id, so a reverse query is newest first and no two records share a key. Admin
   * actions are people and CI jobs, a few a minute, far below one partition's write limit.
   */
  auditTrail: (at: string, requestId: string): ItemKey => ({ pk: 'AUDIT_TRAIL', sk: `${at}#${requestId}` }),
  /** A copy of one audit-trail record in the partition of the app or release it concerns: the appId/releaseId filters. */
  auditTrailOf: (subject: 'APP' | 'RELEASE', id: string, at: string, requestId: string): ItemKey => ({ pk: `AUDIT_TRAIL#${subject}#${id}`, sk: `${at}#${requestId}` }),
  /** gsi1: the audit-trail records of one actor, newest first (only the main record carries it). */
  auditTrailActorIndex: (actor: string, at: string, requestId: string) => ({
    gsi1pk: `AUDIT_TRAIL#ACTOR#${actor}`,
    gsi1sk: `${at}#${requestId}`,
  }),
  /** gsi1: registrations, newest first. */
  registrationsIndex: (createdAt: string, registrationId: string) => ({
    gsi1pk: 'REGISTRATIONS',
    gsi1sk: `${createdAt}#${registrationId}`,
  }),
} as const;
