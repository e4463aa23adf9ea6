import type { ComponentServices, Stores } from '../platform';
import type { ReleaseRecord, TargetState } from '../store/release-store';
import { ERR } from '../wechat/errcodes';
import { WeChatApiError } from '../wechat/errors';
import type { WeappApi } from '../wechat/weapp';

type ReleaseContext = { stores: Stores; services: () => Promise<ComponentServices> };

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
export async function releaseApp(ctx: ReleaseContext, releaseId: string, appId: string, release: ReleaseRecord, from: TargetState[] = ['audit_passed'], knownState?: TargetState): Promise<void> {
  const api = (await ctx.services()).miniPrograms.api(appId);
  const known = knownState ? { knownState } : {};
  const percentage = grayPercentageOf(release);
  if (percentage === undefined) {
    await completeRelease(api);
    await ctx.stores.releases.transition(releaseId, appId, from, 'released', known);
    return;
  }
  const reached = await grayRelease(api, percentage);
  await ctx.stores.releases.transition(releaseId, appId, from, 'gray_released', { ...known, gray: { percentage: reached, at: new Date().toISOString() }, detail: `live for ${reached}% of users` });
}

/**
 * `release`: the full rollout, which also completes a running gray release. 85052 (this
 * version is out already) counts as done: a re-run after WeChat answered but before the
 * record, or an app an operator completed by hand.
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_release)
 */
export async function completeRelease(api: WeappApi): Promise<void> {
  try {
    await api.release();
  } catch (error) {
    if (!(error instanceof WeChatApiError && error.errcode === ERR.ALREADY_RELEASED)) throw error;
  }
}

/**
 * `grayrelease` to `percentage`, answering the share the app is live for. WeChat lets a
 * running plan only go up (85082): when the plan is already at or past `percentage` (a re-run
 * after WeChat answered, or a widen an operator did by hand) that is success at the plan's share.
 */
export async function grayRelease(api: WeappApi, percentage: number): Promise<number> {
  try {
    await api.grayRelease(percentage);
    return percentage;
  } catch (error) {
    if (!(error instanceof WeChatApiError && error.errcode === ERR.GRAY_PERCENTAGE_NOT_HIGHER)) throw error;
    const plan = (await api.getGrayReleasePlan()).gray_release_plan;
    if (!isRunning(plan.status) || plan.gray_percentage < percentage) throw error;
    return plan.gray_percentage;
  }
}

/** getgrayreleaseplan's status: 1 running, 2 paused (0 none, 3 finished, 4 deleted). */
export const isRunning = (status: number): boolean => status === 1 || status === 2;
