import { ConfigurationError } from '../errors';
import { AlreadyInProgressError } from '../in-progress-error';
import { isInProgressRecord, type OnceRecord } from '../once-record';
import { logger } from '../logger';
import type { AuditEvent, AuditStatus, AuditStore } from '../store/audit-store';
import type { ReleaseRecord, ReleaseStore } from '../store/release-store';
import { toWeChatDomains } from '../weapp/domain-kinds';
import type { ServerDomainLists } from '../weapp/domains';
import type { MiniProgramService } from '../weapp/mini-program-service';
import { privacyForApp } from '../weapp/privacy-to-wechat';
import { AuditPush } from '../wechat/authorizer-push';
import { WeChatApiError } from '../wechat/errors';
import { ERR } from '../wechat/errcodes';
import { describeFailure, isRetryable, PRIVACY_GUIDE_REFUSED, PrivacyGuideRefusedError } from './step-errors';
import { MOVES, moveTarget, openTargets, stepOf, TERMINAL_STATES, type TargetState } from './target-lifecycle';

export interface StepInput {
  step: string;
  releaseId: string;
  waveIndex?: number;
  appId?: string;
  taskToken?: string;
  error?: { Error?: string; Cause?: string };
}

/** What the steps work with; the pipeline handler builds it once per invocation. */
export interface StepContext {
  releases: ReleaseStore;
  audits: AuditStore;
  /** Built on first use: only the steps that call WeChat need the component's secrets. */
  miniPrograms: () => Promise<MiniProgramService>;
}

/** What a release asks for never changes once it started, so a warm Lambda reads it once. */
const releases = new Map<string, ReleaseRecord>();

async function load(ctx: StepContext, releaseId: string, { fresh = false } = {}): Promise<ReleaseRecord> {
  const cached = releases.get(releaseId);
  if (cached && !fresh) return cached;
  const release = await ctx.releases.get(releaseId);
  if (!release) throw new ConfigurationError(`no release ${releaseId}`);
  if (releases.size > 100) releases.clear();
  releases.set(releaseId, release);
  return release;
}

/**
 * The steps of the release state machine for one target app. Each is idempotent: it looks
 * at the target's recorded state first, so re-running a step after a crash (same release,
 * same app) neither commits twice nor submits a second audit.
 */
export const STEPS: Record<string, (input: StepInput, ctx: StepContext) => Promise<Record<string, unknown>>> = {
  /**
   * Before each wave after the first: every app of the earlier waves must be released. If
   * not, this wave's apps are cancelled and the release stops here.
   */
  async gateWave({ releaseId, waveIndex = 0 }, ctx) {
    const release = await load(ctx, releaseId);
    const waves = release.options.waves;
    if (!waves || waveIndex === 0) return { proceed: true, ...(await auditQuota(ctx, releaseId, release)) };
    const earlier = new Set(waves.slice(0, waveIndex).flat());
    const items = await ctx.releases.allTargets(releaseId);
    // A gray release's canary is live for its share of users: that is as far as this release takes it.
    const notReleased = items.filter((t) => earlier.has(t.appId) && t.state !== 'released' && t.state !== 'gray_released');
    if (notReleased.length === 0) return { proceed: true, ...(await auditQuota(ctx, releaseId, release)) };
    for (const appId of waves[waveIndex] ?? []) {
      await moveTarget(ctx.releases, releaseId, appId, MOVES.cancelWave, { detail: `canary wave not released (${notReleased.map((t) => `${t.appId}: ${t.state}`).join(', ')})` });
    }
    return { proceed: false };
  },

  async setDomains({ releaseId, appId }, ctx) {
    const target = await ctx.releases.getTarget(releaseId, appId!);
    if (target?.state !== 'pending') return { outcome: 'skipped' };
    const release = await load(ctx, releaseId);
    const miniPrograms = await ctx.miniPrograms();
    if (release.options.domains) await miniPrograms.modifyDomains(appId!, 'set', toWeChatDomains(release.options.domains as ServerDomainLists));
    if (release.options.webviewDomains) await miniPrograms.setWebviewDomains(appId!, release.options.webviewDomains);
    await moveTarget(ctx.releases, releaseId, appId!, MOVES.setDomains, { knownState: target.state });
    return { outcome: 'done' };
  },

  async commit({ releaseId, appId }, ctx) {
    const target = await ctx.releases.getTarget(releaseId, appId!);
    if (target?.state !== 'domains_set') return { outcome: 'skipped' };
    const release = await load(ctx, releaseId);
    const last = await ctx.audits.lastCommit(appId!);
    // Committed by this release before a crash: don't commit again.
    if (!(last?.releaseId === releaseId)) {
      const miniPrograms = await ctx.miniPrograms();
      await miniPrograms.commit(appId!, {
        templateId: release.templateId,
        userVersion: release.userVersion,
        userDesc: release.userDesc,
        extJsonBase: release.options.extJsonBase,
        extJson: release.options.extJsonOverrides?.[appId!],
        releaseId,
      });
    }
    // Setting the same guide again is harmless, so a re-run after a crash simply sets it again.
    if (release.options.privacy) await applyPrivacy(ctx, appId!, release);
    if (release.options.testers?.length || release.options.trialQrcode) await prepareTrial(ctx, releaseId, appId!, release);
    await moveTarget(ctx.releases, releaseId, appId!, MOVES.commit, { knownState: target.state });
    return { outcome: 'done' };
  },

  async submitAudit({ releaseId, appId }, ctx) {
    const target = await ctx.releases.getTarget(releaseId, appId!);
    if (!target || !['committed', 'waiting_quota'].includes(target.state)) return { outcome: 'skipped' };
    const miniPrograms = await ctx.miniPrograms();
    const latest = await ctx.audits.latest(appId!);
    let auditId: string;
    if (latest && latest.releaseId === releaseId) {
      // Submitted by this release before a crash.
      auditId = latest.auditId;
    } else {
      try {
        // WeChat may decide and push before the submission below is recorded: from here until
        // then, the push is held for this submission, which then carries its outcome.
        await ctx.audits.beginSubmission(appId!, { releaseId, at: Date.now() });
        // The audit quota is the platform's, read once per wave by gateWave; 85085 still lands here.
        auditId = (await miniPrograms.submitAudit(appId!, { versionDesc: (await load(ctx, releaseId)).userDesc }, releaseId, { checkQuota: false })).auditId;
      } catch (error) {
        const quota = (error instanceof WeChatApiError && error.errcode === ERR.AUDIT_QUOTA) || (error as { code?: string }).code === 'QUOTA_EXCEEDED';
        if (!quota) throw error;
        await moveTarget(ctx.releases, releaseId, appId!, MOVES.waitForQuota, { detail: 'audit quota used up; retrying later', knownState: target.state });
        return { outcome: 'waiting_quota' };
      }
    }
    await moveTarget(ctx.releases, releaseId, appId!, MOVES.submitAudit, { auditId, knownState: target.state });
    return { outcome: 'done', auditId };
  },

  async awaitAudit({ releaseId, appId, taskToken }, ctx) {
    if (!taskToken) throw new ConfigurationError('awaitAudit needs the task token');
    await ctx.releases.saveAuditWait(appId!, { releaseId, taskToken });
    // The push may already have come and gone before the token was stored.
    const latest = await ctx.audits.latest(appId!);
    if (latest?.releaseId === releaseId) await resumeReleaseOnAudit(ctx.releases, appId!, latest.status, latest.reason);
    return { outcome: 'waiting' };
  },

  async pollAudit({ releaseId, appId }, ctx) {
    const target = await ctx.releases.getTarget(releaseId, appId!);
    if (!target?.auditId) return { status: 'rejected' };
    const miniPrograms = await ctx.miniPrograms();
    const status = (await miniPrograms.auditStatus(appId!, target.auditId)) as { status: AuditStatus; reason: string };
    if (status.status === 'passed' || status.status === 'rejected') {
      await ctx.audits.recordOutcome(appId!, { status: status.status, event: { at: new Date().toISOString(), event: 'status_polled', ...(status.reason ? { reason: status.reason } : {}) } });
    }
    await applyAuditOutcome(ctx.releases, releaseId, appId!, status.status, status.reason, target.state);
    return { status: status.status };
  },

  async release({ releaseId, appId }, ctx) {
    const target = await ctx.releases.getTarget(releaseId, appId!);
    if (target?.state !== 'audit_passed') return { outcome: 'skipped' };
    const release = await load(ctx, releaseId);
    if (!release.options.autoRelease) {
      await moveTarget(ctx.releases, releaseId, appId!, MOVES.hold, { detail: 'waiting for approval', knownState: target.state });
      return { outcome: 'held' };
    }
    const goLive = { releases: ctx.releases, miniPrograms: await ctx.miniPrograms() };
    try {
      await releaseApp(goLive, releaseId, appId!, release, 'audit_passed', target.state);
    } catch (error) {
      // release says 85020 and grayrelease 85080 when the audit has not passed.
      const notPassed = error instanceof WeChatApiError && (error.errcode === ERR.AUDIT_STATE_FORBIDS_RELEASE || error.errcode === ERR.VERSION_NOT_PASSED_AUDIT);
      if (!notPassed || !target.auditId) throw error;
      const status = await recheckAudit(ctx, releaseId, appId!, target.auditId);
      if (status === 'auditing' || status === 'delayed') return { outcome: 'audit_pending' };
      // It passed between WeChat's refusal and this read: release it now, once.
      if (status !== 'passed') throw error;
      await releaseApp(goLive, releaseId, appId!, release, 'audit_passed', target.state);
    }
    return { outcome: grayPercentageOf(release) === undefined ? 'released' : 'gray_released' };
  },

  async recordFailure({ releaseId, appId, error }, ctx) {
    const { reason, errcode } = describeFailure(error);
    const target = await ctx.releases.getTarget(releaseId, appId!);
    if (!target || TERMINAL_STATES.has(target.state)) return { outcome: 'skipped' };
    // Step Functions hands over the error's name: a refused privacy guide fails inside the commit step.
    const step = error?.Error === PRIVACY_GUIDE_REFUSED ? 'privacy' : stepOf(target.state);
    await moveTarget(ctx.releases, releaseId, appId!, MOVES.fail(target.state), { failure: { step, reason, ...(errcode !== undefined ? { errcode } : {}) } });
    logger.warn('release target failed', { releaseId, authorizerAppId: appId, errcode, reason });
    return { outcome: 'recorded' };
  },

  async finalize({ releaseId }, ctx) {
    const release = await load(ctx, releaseId, { fresh: true });
    // Held apps keep the release running: approving them finishes it.
    if (openTargets(release) === 0) await ctx.releases.finish(releaseId, release.counts.failed > 0 ? 'completed_with_failures' : 'succeeded');
    return { status: (await load(ctx, releaseId, { fresh: true })).status, counts: release.counts };
  },
};

/**
 * The platform's audit quota (`queryquota` reports the third-party platform's monthly
 * submissions, whichever authorizer asks), read once before a wave rather than per app.
 * Informational: apps over the quota still wait and retry on 85085.
 */
async function auditQuota(ctx: StepContext, releaseId: string, release: ReleaseRecord): Promise<{ quota?: { rest: number; limit: number } }> {
  const { items } = await ctx.releases.targets(releaseId, { limit: 1 });
  const probe = items[0]?.appId;
  if (!probe) return {};
  try {
    const miniPrograms = await ctx.miniPrograms();
    const quota = await miniPrograms.auditQuota(probe);
    if (quota.rest < release.total) logger.warn('audit quota below the release size; some apps will wait for quota', { releaseId, rest: quota.rest, total: release.total });
    return { quota: { rest: quota.rest, limit: quota.limit } };
  } catch (error) {
    logger.warn('queryquota failed before a wave', { releaseId, message: (error as Error).message });
    return {};
  }
}

/**
 * WeChat's audit pushes name no audit id, so a success meant for an earlier audit (one that
 * passed before a retried submission whose first answer was lost, or one submitted outside
 * the platform) can be taken for this release's. WeChat then refuses the release with 85020.
 * This asks `get_auditstatus` about this release's audit; while it is still under review the
 * target goes back to `audit_submitted` (the state machine polls it again) and the app's
 * audit record loses the outcome it was wrongly given.
 */
async function recheckAudit(ctx: StepContext, releaseId: string, appId: string, auditId: string): Promise<AuditStatus> {
  const miniPrograms = await ctx.miniPrograms();
  const { status } = await miniPrograms.auditStatus(appId, auditId);
  if (status !== 'auditing' && status !== 'delayed') return status;
  await moveTarget(ctx.releases, releaseId, appId, MOVES.auditAgain, { detail: `release refused (85020): audit ${auditId} is still under review` });
  const recorded = await ctx.audits.latest(appId);
  if (recorded?.auditId === auditId && recorded.status === 'passed') {
    await ctx.audits.recordOutcome(appId, { status, event: { at: new Date().toISOString(), event: 'status_polled' } });
  }
  logger.warn('audit success push was for another audit; polling this one again', { releaseId, authorizerAppId: appId, auditId, status });
  return status;
}

/**
 * Sets the release's privacy guide as the app's development version (privacy_ver 2): the audit
 * submitted next reviews it, the release after it puts it live. WeChat's "try later" answers
 * stay retryable; a refusal fails the app with WeChat's reason.
 */
async function applyPrivacy(ctx: StepContext, appId: string, release: ReleaseRecord): Promise<void> {
  const miniPrograms = await ctx.miniPrograms();
  try {
    await miniPrograms.setPrivacySetting(appId, privacyForApp(release.options.privacy!, appId));
  } catch (error) {
    if (error instanceof WeChatApiError && !isRetryable(error)) throw new PrivacyGuideRefusedError(`privacy guide refused: ${error.message}`);
    throw error;
  }
}

/** Binds the release's testers (already a tester is fine) and keeps the trial QR code. */
async function prepareTrial(ctx: StepContext, releaseId: string, appId: string, release: ReleaseRecord): Promise<void> {
  const miniPrograms = await ctx.miniPrograms();
  for (const wechatId of release.options.testers ?? []) await miniPrograms.bindTester(appId, wechatId);
  if (release.options.trialQrcode) {
    const image = await miniPrograms.trialQrcode(appId);
    await ctx.releases.saveTrialQrcode(releaseId, appId, image, `/admin/releases/${releaseId}/targets/${appId}/trial-qrcode`);
  }
}

// ---- once WeChat has decided an audit -------------------------------------------------------
// The push recorded on the app's audit history, the waiting execution (WaitForAudit) resumed,
// the target moved on and, once passed, put live: here with the steps, so the way back from
// WeChat's push is the same file as the way out.

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
    const { completeAuditWait } = await import('./resume-execution');
    await completeAuditWait(wait.taskToken, status);
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
  if (recorded.outcome === 'conflict' || (recorded.outcome === 'duplicate' && isInProgressRecord(recorded.guardItem))) throw new AlreadyInProgressError(`audit push ${once.key} is being handled`);
  if (recorded.outcome === 'recorded') logger.info('audit outcome recorded', { authorizerAppId: appId, auditId: recorded.record.auditId, status });
  if (recorded.outcome === 'held_for_submission') {
    // The submission's record, written next, carries it; its step then resumes itself (awaitAudit).
    logger.info('audit outcome held for the submission in flight', { authorizerAppId: appId, releaseId: recorded.releaseId, status });
    return;
  }
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
