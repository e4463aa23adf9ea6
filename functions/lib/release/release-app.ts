import type { ReleaseRecord, ReleaseStore } from '../store/release-store';
import type { MiniProgramService } from '../weapp/mini-program-service';
import { MOVES, moveTarget, type TargetState } from './target-lifecycle';

// The admin weapp route completes a gray release by hand with the same call.
export { completeRelease } from '../weapp/mini-program-service';

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
