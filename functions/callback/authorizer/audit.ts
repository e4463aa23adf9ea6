import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { isInProgressRecord, type OnceRecord } from '../../lib/idempotency';
import { logger } from '../../lib/logger';
import type { AuditEvent, AuditStatus, AuditStore } from '../../lib/store/audit-store';
import { resumeReleaseOnAudit } from '../../lib/release/audit-outcome';
import type { ReleaseStore } from '../../lib/store/release-store';
import { AuditPush } from '../../lib/wechat/authorizer-push';

const epochToIso = (seconds: number | undefined, fallback: number) => new Date((seconds ?? Math.floor(fallback / 1000)) * 1000).toISOString();

/**
 * `weapp_audit_success` / `weapp_audit_fail` / `weapp_audit_delay`: the outcome lands on the
 * app's audit history once however often the push comes (`once` commits with it), a rejection
 * with WeChat's reason text and screenshot media ids.
 */
export async function handleAuditPush(appId: string, push: unknown, once: OnceRecord, audits: AuditStore, releases: ReleaseStore): Promise<void> {
  const parsed = AuditPush.parse(push);
  const now = Date.now();
  let status: AuditStatus;
  let event: AuditEvent;
  switch (parsed.Event) {
    case 'weapp_audit_success':
      status = 'passed';
      event = { at: epochToIso(parsed.SuccTime ?? parsed.CreateTime, now), event: parsed.Event };
      break;
    case 'weapp_audit_fail':
      status = 'rejected';
      event = { at: epochToIso(parsed.FailTime ?? parsed.CreateTime, now), event: parsed.Event, reason: parsed.Reason, screenshots: parsed.ScreenShot.split('|').filter(Boolean) };
      break;
    case 'weapp_audit_delay':
      status = 'delayed';
      event = { at: epochToIso(parsed.DelayTime ?? parsed.CreateTime, now), event: parsed.Event, reason: parsed.Reason };
      break;
  }
  const recorded = await audits.recordOutcomeOnce(appId, { status, event }, once.put);
  // The same push being recorded by another delivery right now (here, or by Powertools in an
  // instance of the previous version): WeChat delivers it again later.
  if (recorded.outcome === 'conflict' || (recorded.outcome === 'duplicate' && isInProgressRecord(recorded.guardItem))) throw new IdempotencyAlreadyInProgressError(`audit push ${once.key} is being handled`);
  if (recorded.outcome === 'recorded') logger.info('audit outcome recorded', { authorizerAppId: appId, auditId: recorded.record.auditId, status });
  // Also for a re-delivery: resuming is idempotent, and a delivery that failed after recording
  // the outcome must not leave the release waiting for its poll.
  await resumeReleaseOnAudit(releases, appId, status, event.reason);
}
