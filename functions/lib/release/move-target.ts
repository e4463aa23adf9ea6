import { countReleaseTargetFinal } from '../observability/release-signals';
import type { ReleaseStore } from '../store/release-store';
import { FINAL_STATES, type TargetMove } from './target-lifecycle';

export type MoveExtra = Parameters<ReleaseStore['transition']>[4];

/**
 * Every move of a release target goes through here: the store writes it (and refuses a move
 * the lifecycle does not allow), and a target that reached a state it stays in is counted once,
 * by the service that moved it rather than by the store.
 */
export async function moveTarget(releases: ReleaseStore, releaseId: string, appId: string, move: TargetMove, extra: MoveExtra = {}): Promise<boolean> {
  const moved = await releases.transition(releaseId, appId, move.from, move.to, extra);
  if (moved && FINAL_STATES.has(move.to)) countReleaseTargetFinal(move.to);
  return moved;
}
