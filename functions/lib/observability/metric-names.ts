/**
 * The platform's CloudWatch metrics (embedded metric format, Powertools Metrics), named once
 * so the functions that emit them and the CDK alarms and dashboard that read them cannot drift.
 * Every metric carries the `service` dimension (Powertools' default, METRICS_SERVICE);
 * the metrics alarms read carry no other dimension, so an alarm's dimension set is exact.
 */
export const METRICS_NAMESPACE = 'WeappFleet';
export const METRICS_SERVICE = 'weapp-fleet';

export const METRIC = {
  /** Gauge (Seconds), emitted by each refresher run: age of the newest component_verify_ticket. */
  ticketAge: 'TicketAgeSeconds',
  /** Gauge (Seconds), emitted by each refresher run: time left on the component_access_token. */
  componentTokenSecondsToExpiry: 'ComponentTokenSecondsToExpiry',
  /** Count: authorizer access tokens refreshed / failed to refresh. */
  authorizerRefreshOk: 'AuthorizerRefreshOk',
  authorizerRefreshFailed: 'AuthorizerRefreshFailed',
  /** Gauge (Count), emitted by each refresher run: authorizers whose refresh token is dead. */
  authorizersNeedingReauthorization: 'AuthorizersNeedingReauthorization',
  /** Count with dimensions Api and Errcode ("0" on success, "http" / "network" when no errcode came back). */
  wechatCalls: 'WeChatCalls',
  /** Count with dimension Type (component_verify_ticket, authorized, weapp_audit_success, ...). */
  pushesReceived: 'PushesReceived',
  /** Count with dimension Reason (signature, timestamp, appid, body_too_large, malformed, ...). */
  pushesRejected: 'PushesRejected',
  /** Count: audit outcomes pushed or polled. */
  auditsPassed: 'AuditsPassed',
  auditsRejected: 'AuditsRejected',
  auditsDelayed: 'AuditsDelayed',
  /**
   * Gauge (Seconds), emitted by each refresher run: age of the oldest release still running (0 when none).
   * A fleet release that sits in audit or awaiting approval for days is otherwise silent.
   */
  oldestRunningReleaseAge: 'OldestRunningReleaseAgeSeconds',
  /** Count with dimension State (released, held, failed, cancelled, ...): release targets reaching a final state. */
  releaseTargetsFinal: 'ReleaseTargetsFinal',
  /** Count: mutating admin requests whose audit-trail record could not be written (the record is in the error log line). */
  auditTrailWriteFailures: 'AuditTrailWriteFailures',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * Where the alarms on the refresher's gauges fire, in seconds. The dashboard draws them and
 * GET /admin/health uses the same limits by default, so all three agree on what is late.
 */
export const ALARM_THRESHOLD_SECONDS = {
  /** ticketAge above this: WeChat pushes every 10 minutes, so three pushes were missed. */
  ticketAge: 30 * 60,
  /** componentTokenSecondsToExpiry below this: the token is normally renewed well before. */
  componentTokenExpiry: 15 * 60,
  /** oldestRunningReleaseAge above this: audits usually take 1–7 days, most well under 3. */
  oldestRunningRelease: 3 * 24 * 3600,
} as const;
