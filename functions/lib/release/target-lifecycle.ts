import { countReleaseTargetFinal } from '../observability/release-signals';

/**
 * Where one app stands in a release, and the only ways it moves. Terminal: released, failed,
 * cancelled, rolled_back. Held (waiting for approval) and gray_released (live for a share of
 * users through `grayrelease`, waiting for an operator to widen or complete the rollout) wait
 * for someone to act.
 */
export const TARGET_STATES = [
  'pending',
  'domains_set',
  'committed',
  'audit_submitted',
  'waiting_quota',
  'audit_passed',
  'held',
  'gray_released',
  'released',
  'failed',
  'cancelled',
  'rolled_back',
] as const;
export type TargetState = (typeof TARGET_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<TargetState> = new Set(['released', 'failed', 'cancelled', 'rolled_back']);
/**
 * Where a target stays until someone acts: the terminal states, held for approval, and
 * gray-released. The pipeline is done with these; a held or gray-released app still keeps its
 * release running until approved or until its rollout is completed.
 */
export const FINAL_STATES: ReadonlySet<TargetState> = new Set([...TERMINAL_STATES, 'held', 'gray_released']);

/**
 * Every move a target may make. The release store refuses any other, so a step or an admin
 * action that asks for a move not written here fails loudly instead of corrupting counts.
 * Any state the pipeline is still working on can fail or be cancelled; a held or gray-released
 * app can fail (its release or rollout refused) but is not cancelled: it waits for an operator.
 */
export const TRANSITIONS: Readonly<Record<TargetState, readonly TargetState[]>> = {
  pending: ['domains_set', 'cancelled', 'failed'],
  domains_set: ['committed', 'cancelled', 'failed'],
  committed: ['waiting_quota', 'audit_submitted', 'cancelled', 'failed'],
  waiting_quota: ['audit_submitted', 'cancelled', 'failed'],
  audit_submitted: ['audit_passed', 'cancelled', 'failed'],
  // Back to audit_submitted: the passed audit was another one's (WeChat refused the release with 85020).
  audit_passed: ['held', 'released', 'gray_released', 'audit_submitted', 'cancelled', 'failed'],
  held: ['released', 'gray_released', 'failed'],
  gray_released: ['released', 'rolled_back', 'failed'],
  released: ['rolled_back'],
  // A retry runs failed apps again from the start.
  failed: ['pending'],
  cancelled: [],
  rolled_back: [],
};

/** A move from any of `from` (the states its caller expects the target in) to `to`. */
export interface TargetMove {
  readonly from: readonly TargetState[];
  readonly to: TargetState;
}

/** A move the table does not allow: a programming error, never a race (races answer false). */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: TargetState,
    readonly to: TargetState,
  ) {
    super(`a release target cannot move from ${from} to ${to}`);
  }
}

/** Throws IllegalTransitionError unless the table allows every `from` → `to` of the move. */
export function assertAllowed({ from, to }: TargetMove): void {
  for (const state of from) if (!TRANSITIONS[state].includes(to)) throw new IllegalTransitionError(state, to);
}

const move = (from: readonly TargetState[], to: TargetState): TargetMove => ({ from, to });

/**
 * The named moves of the pipeline and the admin actions. `from` is what each expects: a step
 * re-run after a crash finds the target past it and moves nothing.
 */
export const MOVES = {
  cancelWave: move(['pending'], 'cancelled'),
  setDomains: move(['pending'], 'domains_set'),
  commit: move(['domains_set'], 'committed'),
  waitForQuota: move(['committed'], 'waiting_quota'),
  submitAudit: move(['committed', 'waiting_quota'], 'audit_submitted'),
  auditPassed: move(['audit_submitted'], 'audit_passed'),
  auditFailed: move(['audit_submitted'], 'failed'),
  hold: move(['audit_passed'], 'held'),
  auditAgain: move(['audit_passed'], 'audit_submitted'),
  approveFailed: move(['held'], 'failed'),
  completeRollout: move(['gray_released'], 'released'),
  retry: move(['failed'], 'pending'),
  retryNotStarted: move(['pending'], 'failed'),
  /** Putting an app live, from `audit_passed` (the pipeline) or `held` (an approval): in full, or gray. */
  goLive: (from: 'audit_passed' | 'held', gray: boolean) => move([from], gray ? 'gray_released' : 'released'),
  rollBack: (from: 'released' | 'gray_released') => move([from], 'rolled_back'),
  /** The pipeline gave up on a target still in `from` (a step's error, caught by the state machine). */
  fail: (from: TargetState) => move([from], 'failed'),
  /** An operator cancelled the release while the target was in `from`. */
  cancel: (from: TargetState) => move([from], 'cancelled'),
} as const;

/** Targets of a release not yet in a terminal state (held ones included): the release runs while any is. */
export function openTargets(release: { total: number; counts: Partial<Record<TargetState, number>> }): number {
  return release.total - [...TERMINAL_STATES].reduce((n, state) => n + (release.counts[state] ?? 0), 0);
}

/** The step a target in `state` was at when it failed, for its failure record. */
export function stepOf(state: TargetState): string {
  return ({ pending: 'setDomains', domains_set: 'commit', committed: 'submitAudit', waiting_quota: 'submitAudit', audit_submitted: 'audit', audit_passed: 'release', held: 'release', gray_released: 'release' } as Partial<Record<TargetState, string>>)[state] ?? state;
}

/** What moves a target: the release store's transition, which enforces TRANSITIONS. */
export interface TargetTransitions<Extra> {
  transition(releaseId: string, appId: string, from: readonly TargetState[], to: TargetState, extra?: Extra): Promise<boolean>;
}

/**
 * Every move of a release target goes through here: the store writes it (and refuses a move
 * this table does not allow), and a target that reached a state it stays in is counted once,
 * by the service that moved it rather than by the store.
 */
export async function moveTarget<Extra>(releases: TargetTransitions<Extra>, releaseId: string, appId: string, move: TargetMove, extra?: Extra): Promise<boolean> {
  const moved = await releases.transition(releaseId, appId, move.from, move.to, extra);
  if (moved && FINAL_STATES.has(move.to)) countReleaseTargetFinal(move.to);
  return moved;
}
