import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../aws/clients';
import { logger } from '../logger';
import type { AuditStatus } from '../store/audit-store';
import type { ReleaseStore } from '../store/release-store';
import { MOVES, moveTarget, type TargetState } from './target-lifecycle';

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
