import { randomUUID } from 'node:crypto';
import { logger } from '../logger';
import { appendCorrelation } from '../observability/invocation';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../aws/sfn';
import { mapSettledBefore } from '../concurrency';
import { config } from '../config';
import { BadRequestError, ConfigurationError, ConflictError, NotFoundError } from '../errors';
import type { AuthorizerProfileStore } from '../store/authorizer-profile-store';
import type { ReleaseOptions, ReleaseRecord, ReleaseStore, TargetRecord } from '../store/release-store';
import type { MiniProgramService } from '../weapp/mini-program-service';
import { buildExtJson } from '../weapp/ext-json';
import { privacyTemplateProblem } from '../weapp/privacy';
import type { TemplateApi } from '../wechat/weapp';
import { releaseApp } from './steps';
import { FINAL_STATES, MOVES, moveTarget, openTargets, type TargetState } from './target-lifecycle';

/** Every authorized mini program, narrowed by what the registry knows of it. */
export interface TargetFilter {
  nicknameContains?: string;
  withFuncInfo?: number;
  excludeAppIds?: string[];
}

export interface StartReleaseInput {
  /** A first wave that must pass audit and be released before the rest start. */
  canary?: { count?: number; appIds?: string[] };
  templateId: string;
  userVersion: string;
  userDesc: string;
  targets: { appIds?: string[]; filter?: TargetFilter };
  options: ReleaseOptions;
  createdBy: string;
}

/**
 * How long approve, rollback and cancel keep starting work on apps in one admin request: what
 * is under way then still finishes inside API Gateway's 30 s, and the answer says how many are
 * left for the next call.
 */
export const SYNC_BUDGET_MS = 20_000;

/** What one budgeted admin action did: done (under its own name), failed, and not started (left for the next call). */
export type BudgetedOutcome<K extends string> = Record<K, number> & { failed: number; remaining: number };

/** Counts of a budgeted run: done, failed, and not started (left for the next call). */
function tally<K extends string>(results: (PromiseSettledResult<unknown> | undefined)[], done: K): BudgetedOutcome<K> {
  return {
    [done]: results.filter((r) => r?.status === 'fulfilled').length,
    failed: results.filter((r) => r?.status === 'rejected').length,
    remaining: results.filter((r) => r === undefined).length,
  } as BudgetedOutcome<K>;
}

/** No release, inline or distributed, takes more targets than this. */
export const MAX_TARGETS = 100_000;

/**
 * Starting, approving, cancelling and retrying releases. Everything that can be checked is
 * checked before an execution starts: the template exists, every target is authorized, every
 * app's ext_json builds.
 */
export class ReleaseService {
  constructor(
    /** The stores it reads and writes (the platform's Stores fit): its releases, and whom a release may target. */
    private readonly stores: { releases: ReleaseStore; authorizers: Pick<AuthorizerProfileStore, 'listAll'> },
    private readonly templates: TemplateApi,
    private readonly componentAppId: string,
    private readonly miniPrograms: MiniProgramService,
    private readonly now: () => number = Date.now,
  ) {}

  async start(input: StartReleaseInput): Promise<ReleaseRecord> {
    const appIds = await this.resolveTargets(input.targets);
    const { RELEASE_INLINE_TARGETS_MAX: inlineMax, RELEASE_TARGETS_BUCKET: targetsBucket } = config();
    if (appIds.length > MAX_TARGETS) throw new BadRequestError(`at most ${MAX_TARGETS} targets per release`, 'too_many_targets');
    if (appIds.length > inlineMax && !targetsBucket) throw new BadRequestError(`at most ${inlineMax} targets per release in this deployment (no target-list bucket configured)`, 'too_many_targets');
    if (appIds.length > inlineMax && input.canary) throw new BadRequestError(`a canary wave needs an inline release (at most ${inlineMax} targets)`, 'invalid_canary');
    const { template_list: templates } = await this.templates.getTemplateList();
    if (!templates.some((t) => String(t.template_id) === input.templateId)) throw new BadRequestError(`template ${input.templateId} is not in the template library`, 'unknown_template');
    for (const appId of Object.keys(input.options.extJsonOverrides ?? {})) {
      if (!appIds.includes(appId)) throw new BadRequestError(`ext_json override for ${appId}, which is not a target`, 'invalid_ext_json');
    }
    for (const appId of appIds) buildExtJson(appId, input.options.extJsonBase, input.options.extJsonOverrides?.[appId]);
    const privacyProblem = input.options.privacy && privacyTemplateProblem(input.options.privacy, appIds);
    if (privacyProblem) throw new BadRequestError(privacyProblem, 'invalid_privacy');

    const waves = canaryWaves(appIds, input.canary);
    const releaseId = `rel-${new Date(this.now()).toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
    const createdAt = new Date(this.now()).toISOString();
    const gray = input.options.grayPercentage !== undefined && input.options.grayPercentage < 100 ? { gray: { percentage: input.options.grayPercentage, at: createdAt } } : {};
    const record = await this.stores.releases.create(
      { releaseId, templateId: input.templateId, userVersion: input.userVersion, userDesc: input.userDesc, createdBy: input.createdBy, createdAt, options: { ...input.options, ...(waves.length > 1 ? { waves } : {}) }, ...gray },
      appIds,
    );
    appendCorrelation({ releaseId });
    logger.info('release started', { targets: appIds.length, waves: waves.length });
    const executionArn = waves.length > 1 ? await this.execute(releaseId, waves, releaseId, input.options.maxConcurrency) : await this.executeFor(releaseId, appIds, releaseId, input.options.maxConcurrency);
    return { ...record, executionArn };
  }

  /** Releases every held app of a release (audit passed, waiting for approval): in full, or gray for a gray release. */
  async approve(releaseId: string, budgetMs = SYNC_BUDGET_MS): Promise<BudgetedOutcome<'released'>> {
    const release = await this.require(releaseId);
    const goLive = { releases: this.stores.releases, miniPrograms: this.miniPrograms };
    const outcome = await this.forTargets(releaseId, ['held'], 'released', budgetMs, (t) => releaseApp(goLive, releaseId, t.appId, release, 'held'), (t, error) =>
      moveTarget(this.stores.releases, releaseId, t.appId, MOVES.approveFailed, { failure: { step: 'release', reason: error.message, ...(error.errcode !== undefined ? { errcode: error.errcode } : {}) } }).then(() => undefined),
    );
    await this.finishIfDone(releaseId);
    return outcome;
  }

  /**
   * Widens a gray release: `grayrelease` at `percentage` for every gray-released app still below
   * it. WeChat lets a plan only go up, so a lower share than the release's is refused up front;
   * the same share again goes on with the apps a previous call left. An app WeChat refuses keeps
   * its share, with the reason.
   */
  async widenGray(releaseId: string, percentage: number, budgetMs = SYNC_BUDGET_MS): Promise<BudgetedOutcome<'widened'>> {
    const release = await this.require(releaseId);
    if (!release.gray || release.gray.completedAt) throw new ConflictError(`release ${releaseId} has no gray rollout to widen`, 'not_gray');
    if (!Number.isInteger(percentage) || percentage < 1 || percentage > 100) throw new BadRequestError('percentage is an integer from 1 to 100', 'invalid_gray_percentage');
    if (percentage < release.gray.percentage) throw new BadRequestError(`WeChat lets a gray release only go up: the release is at ${release.gray.percentage}%`, 'gray_percentage_not_higher');
    await this.stores.releases.setGray(releaseId, { percentage, at: new Date(this.now()).toISOString() });
    const below = (t: TargetRecord) => (t.gray?.percentage ?? 0) < percentage;
    return this.forTargets(releaseId, ['gray_released'], 'widened', budgetMs, async (t) => {
      const reached = await this.miniPrograms.grayRelease(t.appId, percentage);
      await this.stores.releases.recordGray(releaseId, t.appId, { percentage: reached, at: new Date(this.now()).toISOString() });
    }, (t, error) => this.recordGrayError(releaseId, t, 'widen', error), below);
  }

  /**
   * Completes a gray release: `release` for every gray-released app, which puts the version
   * live for everyone and ends WeChat's plan. An app WeChat refuses stays gray-released with
   * the reason; the release finishes once none is left.
   */
  async completeRollout(releaseId: string, budgetMs = SYNC_BUDGET_MS): Promise<BudgetedOutcome<'completed'>> {
    const release = await this.require(releaseId);
    if (!release.gray) throw new ConflictError(`release ${releaseId} is not a gray release`, 'not_gray');
    const outcome = await this.forTargets(releaseId, ['gray_released'], 'completed', budgetMs, async (t) => {
      await this.miniPrograms.releaseVersion(t.appId);
      await moveTarget(this.stores.releases, releaseId, t.appId, MOVES.completeRollout, { knownState: t.state, gray: { percentage: 100, at: new Date(this.now()).toISOString() }, detail: 'rollout completed: live for everyone' });
    }, (t, error) => this.recordGrayError(releaseId, t, 'complete', error));
    if (outcome.failed === 0 && outcome.remaining === 0 && !release.gray.completedAt) {
      const at = new Date(this.now()).toISOString();
      await this.stores.releases.setGray(releaseId, { percentage: 100, at, completedAt: at });
    }
    await this.finishIfDone(releaseId);
    return outcome;
  }

  /**
   * Stops the execution and marks every unfinished app cancelled, one at a time (each write
   * also moves the release's counters, so parallel writes would only conflict). Past the
   * budget the rest are left for the next call; the release is cancelled once none remain.
   */
  async cancel(releaseId: string, budgetMs = SYNC_BUDGET_MS): Promise<{ cancelled: number; remaining: number }> {
    const release = await this.require(releaseId);
    if (release.executionArn) {
      await sfnClient().send(new StopExecutionCommand({ executionArn: release.executionArn, cause: 'cancelled by an operator' })).catch(() => undefined);
    }
    const open = (await this.stores.releases.allTargets(releaseId)).filter((t) => !FINAL_STATES.has(t.state));
    const results = await mapSettledBefore(open, 1, this.now() + budgetMs, (t) => moveTarget(this.stores.releases, releaseId, t.appId, MOVES.cancel(t.state), { knownState: t.state }), this.now);
    const remaining = results.filter((r) => r === undefined || r.status === 'rejected').length;
    if (remaining === 0) await this.stores.releases.finish(releaseId, 'cancelled');
    return { cancelled: results.filter((r) => r?.status === 'fulfilled' && r.value).length, remaining };
  }

  /** Runs the failed apps again, from the start (each step skips what is already done). */
  async retryFailed(releaseId: string): Promise<{ retried: number; executionArn?: string }> {
    const release = await this.require(releaseId);
    if (release.status === 'running' && release.executionArn) throw new ConflictError('the release is still running', 'release_running');
    const failed = (await this.stores.releases.allTargets(releaseId, 'failed')).map((t) => t.appId);
    if (failed.length === 0) return { retried: 0 };
    for (const appId of failed) await moveTarget(this.stores.releases, releaseId, appId, MOVES.retry, { detail: 'retry' });
    await this.stores.releases.reopen(releaseId);
    let executionArn: string;
    try {
      executionArn = await this.executeFor(releaseId, failed, `${releaseId}-retry-${this.now()}`, release.options.maxConcurrency);
    } catch (error) {
      // Nothing will run them: put them back as they were, so the operator can retry again.
      for (const appId of failed) await moveTarget(this.stores.releases, releaseId, appId, MOVES.retryNotStarted, { detail: 'retry could not start' });
      await this.finishIfDone(releaseId);
      throw error;
    }
    return { retried: failed.length, executionArn };
  }

  /**
   * Reverts every app this release put live: a released app by one level (`revertcoderelease`),
   * a gray-released one by cancelling its gray release (`revertgrayrelease`; WeChat refuses the
   * other while a gray release runs, 87011). The outcome is recorded per app; apps WeChat
   * refuses to revert keep their state with the reason.
   */
  async rollback(releaseId: string, budgetMs = SYNC_BUDGET_MS): Promise<BudgetedOutcome<'rolledBack'>> {
    await this.require(releaseId);
    const at = () => new Date(this.now()).toISOString();
    const outcome = await this.forTargets(releaseId, ['released', 'gray_released'], 'rolledBack', budgetMs, async (target) => {
      const state = target.state as 'released' | 'gray_released';
      await this.miniPrograms.revertRelease(target.appId, state);
      await moveTarget(this.stores.releases, releaseId, target.appId, MOVES.rollBack(state), { detail: state === 'gray_released' ? 'gray release cancelled' : 'reverted to the previous release' });
      await this.stores.releases.recordRollback(releaseId, target.appId, { at: at(), ok: true });
    }, async (target, error) => {
      await this.stores.releases.recordRollback(releaseId, target.appId, { at: at(), ok: false, reason: error.message, ...(error.errcode !== undefined ? { errcode: error.errcode } : {}) });
    });
    // A gray release runs until its gray-released apps are gone: rolled back, they are.
    await this.finishIfDone(releaseId);
    return outcome;
  }

  /**
   * Starts a new execution for the unfinished apps of a running release whose execution is
   * gone (the local runtime was restarted). Steps skip what is already done.
   */
  async redrive(releaseId: string): Promise<string | undefined> {
    const release = await this.require(releaseId);
    if (release.status !== 'running') return undefined;
    const unfinished = (await this.stores.releases.allTargets(releaseId)).filter((t) => !FINAL_STATES.has(t.state)).map((t) => t.appId);
    if (unfinished.length === 0) {
      await this.finishIfDone(releaseId);
      return undefined;
    }
    return this.executeFor(releaseId, unfinished, `${releaseId}-redrive-${this.now()}`, release.options.maxConcurrency);
  }

  /**
   * Runs these apps through the pipeline. Beyond the inline size (a retry or re-drive of a
   * large release as much as its start: the execution input holds at most 256 KB) the list
   * goes to S3 and the state machine's Distributed Map reads it (`$.targetsS3`).
   */
  private async executeFor(releaseId: string, appIds: string[], name: string, maxConcurrency: number): Promise<string> {
    const { RELEASE_INLINE_TARGETS_MAX: inlineMax, RELEASE_TARGETS_BUCKET: bucket } = config();
    if (appIds.length <= inlineMax || !bucket) return this.execute(releaseId, [appIds], name, maxConcurrency);
    const key = name === releaseId ? `releases/${releaseId}/targets.json` : `releases/${releaseId}/${name}.json`;
    const { writeTargetList } = await import('./target-list-object');
    await writeTargetList(bucket, key, appIds);
    return this.startExecution(releaseId, name, { releaseId, targetsS3: { bucket, key }, maxConcurrency });
  }

  private async execute(releaseId: string, waves: string[][], name: string, maxConcurrency: number): Promise<string> {
    return this.startExecution(releaseId, name, { releaseId, waves, maxConcurrency });
  }

  /** Starts the release state machine and records the execution on the release. */
  private async startExecution(releaseId: string, name: string, input: Record<string, unknown>): Promise<string> {
    const stateMachineArn = config().RELEASE_STATE_MACHINE_ARN;
    if (!stateMachineArn) throw new ConfigurationError('RELEASE_STATE_MACHINE_ARN is not configured');
    const { executionArn } = await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    if (!executionArn) throw new ConfigurationError('Step Functions returned no execution ARN');
    await this.stores.releases.setExecution(releaseId, executionArn);
    return executionArn;
  }

  /**
   * The budgeted pattern of the admin actions on a release's apps: the targets in `states`
   * (narrowed by `only`), ten at a time, none started after the budget (those are left for the
   * next call); a failure is recorded by `onFailure` and counted, never stops the rest.
   */
  private async forTargets<K extends string>(
    releaseId: string,
    states: TargetState[],
    done: K,
    budgetMs: number,
    work: (target: TargetRecord) => Promise<void>,
    onFailure: (target: TargetRecord, error: Error & { errcode?: number }) => Promise<void>,
    only: (target: TargetRecord) => boolean = () => true,
  ): Promise<BudgetedOutcome<K>> {
    const targets = (await Promise.all(states.map((state) => this.stores.releases.allTargets(releaseId, state)))).flat().filter(only);
    const results = await mapSettledBefore(targets, 10, this.now() + budgetMs, work, this.now);
    for (const [i, result] of results.entries()) {
      if (result?.status === 'rejected') await onFailure(targets[i]!, result.reason as Error & { errcode?: number });
    }
    return tally(results, done);
  }

  private async recordGrayError(releaseId: string, target: TargetRecord, action: 'widen' | 'complete', error: Error & { errcode?: number }): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await this.stores.releases.recordGray(releaseId, target.appId, {
      percentage: target.gray?.percentage ?? 0,
      at: target.gray?.at ?? at,
      error: { action, reason: error.message, ...(error.errcode !== undefined ? { errcode: error.errcode } : {}), at },
    });
  }

  private async finishIfDone(releaseId: string): Promise<void> {
    const release = await this.require(releaseId);
    if (openTargets(release) === 0) await this.stores.releases.finish(releaseId, release.counts.failed > 0 ? 'completed_with_failures' : 'succeeded');
  }

  private async require(releaseId: string): Promise<ReleaseRecord> {
    const release = await this.stores.releases.get(releaseId);
    if (!release) throw new NotFoundError(`no release ${releaseId}`);
    return release;
  }

  private async resolveTargets(targets: StartReleaseInput['targets']): Promise<string[]> {
    const profiles = (await this.stores.authorizers.listAll(this.componentAppId)).filter((p) => p.status === 'authorized');
    const authorized = new Set(profiles.map((p) => p.appId));
    const { filter } = targets;
    if (filter) {
      const chosen = profiles
        .filter((p) => !filter.nicknameContains || (p.nickname ?? '').includes(filter.nicknameContains))
        .filter((p) => filter.withFuncInfo === undefined || p.funcInfo.includes(filter.withFuncInfo))
        .filter((p) => !filter.excludeAppIds?.includes(p.appId))
        .map((p) => p.appId)
        .sort();
      if (chosen.length === 0) throw new BadRequestError('no authorized mini program matches the filter', 'empty_targets');
      return chosen;
    }
    const appIds = [...new Set(targets.appIds ?? [])];
    if (appIds.length === 0) throw new BadRequestError('a release needs at least one target', 'empty_targets');
    const missing = appIds.filter((a) => !authorized.has(a));
    if (missing.length) throw new BadRequestError(`not authorized: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`, 'target_not_authorized');
    return appIds;
  }
}

/** Splits the targets into a canary wave and the rest; one wave when no canary is asked for. */
export function canaryWaves(appIds: string[], canary: StartReleaseInput['canary']): string[][] {
  if (!canary) return [appIds];
  const first = canary.appIds?.length ? canary.appIds : appIds.slice(0, canary.count ?? 1);
  const unknown = first.filter((a) => !appIds.includes(a));
  if (unknown.length) throw new BadRequestError(`canary apps must be targets: ${unknown.join(', ')}`, 'invalid_canary');
  const rest = appIds.filter((a) => !first.includes(a));
  if (first.length === 0 || rest.length === 0) throw new BadRequestError('a canary wave needs at least one app in it and one after it', 'invalid_canary');
  return [first, rest];
}
