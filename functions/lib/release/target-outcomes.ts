import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../aws/clients';
import { isInProgressRecord, type OnceRecord } from '../idempotency';
import { logger } from '../logger';
import type { AuditEvent, AuditStatus, AuditStore } from '../store/audit-store';
import type { ReleaseRecord, ReleaseStore } from '../store/release-store';
import type { MiniProgramService } from '../weapp/mini-program-service';
import { AuditPush } from '../wechat/authorizer-push';
import { MOVES, moveTarget, type TargetState } from './target-lifecycle';

/**
 * What becomes of a release target once WeChat has decided its audit: the push recorded on the
 * app's audit history, the waiting execution resumed, the target moved on and, once passed,
 * put live. One module, so the way back from WeChat's push is one file to read.
 */

/**
 * Moves a release target on once its audit is decided. A caller that has just read the
 * target passes its state (`knownState`), which saves the transition a read.
 */
export async function applyAuditOutcome(releases: ReleaseStore, releaseId: string, appId: string, status: AuditStatus, reason?: string, knownState?: TargetState): Promise<void> {
  const known = knownState ? { knownState } : {};
  if (status === 'passed') {
    await moveTarget(releases, releaseId, appId, MOVES.auditPassed, known);
  } else if (status === 'rejected' || status === 'withdrawn') {
    await moveTarget(releases, releaseId, appId, MOVES.auditFailed, {
      failure: { step: 'audit', reason: status === 'rejected' ? `audit rejected: ${reason ?? 'no reason given'}` : 'audit withdrawn' },
      ...known,
    });
  }
}

/**
 * An audit push for an app a release is waiting on: record the outcome on the target and
 * resume the waiting execution with its task token. Delays keep it waiting.
 */
export async function resumeReleaseOnAudit(releases: ReleaseStore, appId: string, status: AuditStatus, reason?: string): Promise<void> {
  if (status !== 'passed' && status !== 'rejected') return;
  const wait = await releases.takeAuditWait(appId);
  if (!wait) return;
  await applyAuditOutcome(releases, wait.releaseId, appId, status, reason);
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ status }) }));
  } catch (error) {
    // The execution may have moved on (timed out into polling, or was stopped): polling decides then.
    logger.warn('could not resume the release execution', { authorizerAppId: appId, releaseId: wait.releaseId, message: (error as Error).message });
  }
  await releases.clearAuditWait(appId, wait.taskToken);
}

const epochToIso = (seconds: number | undefined, fallback: number) => new Date((seconds ?? Math.floor(fallback / 1000)) * 1000).toISOString();

/**
 * `weapp_audit_success` / `weapp_audit_fail` / `weapp_audit_delay`: the outcome lands on the
 * app's audit history once however often the push comes (`once` commits with it), a rejection
 * with WeChat's reason text and screenshot media ids.
 */
export async function recordAuditPush(appId: string, push: unknown, once: OnceRecord, audits: AuditStore, releases: ReleaseStore): Promise<void> {
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

/**
 * The share of users a release puts its apps live for through `grayrelease`, or undefined for
 * a full `release`. 100 % is everyone: that is `release` itself.
 */
export function grayPercentageOf(release: Pick<ReleaseRecord, 'options'>): number | undefined {
  const percentage = release.options.grayPercentage;
  return percentage !== undefined && percentage < 100 ? percentage : undefined;
}

/**
 * Puts one app whose audit passed live: the pipeline's release step, and an admin approving
 * held apps. A gray release calls `grayrelease` *instead of* `release` (which would ship to
 * everyone) and leaves the app gray-released until an operator completes the rollout. WeChat
 * gray-releases only over a version already online: an app with none fails here with
 * WeChat's 85079 and its reason, rather than going out to everyone unasked.
 * (grayrelease: https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_grayrelease)
 */
export async function releaseApp(
  deps: { releases: ReleaseStore; miniPrograms: MiniProgramService },
  releaseId: string,
  appId: string,
  release: ReleaseRecord,
  from: 'audit_passed' | 'held' = 'audit_passed',
  knownState?: TargetState,
): Promise<void> {
  const known = knownState ? { knownState } : {};
  const percentage = grayPercentageOf(release);
  if (percentage === undefined) {
    await deps.miniPrograms.releaseVersion(appId);
    await moveTarget(deps.releases, releaseId, appId, MOVES.goLive(from, false), known);
    return;
  }
  const reached = await deps.miniPrograms.grayRelease(appId, percentage);
  await moveTarget(deps.releases, releaseId, appId, MOVES.goLive(from, true), { ...known, gray: { percentage: reached, at: new Date().toISOString() }, detail: `live for ${reached}% of users` });
}
