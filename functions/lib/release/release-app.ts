import { logger } from '../logger';
import type { ComponentServices, Stores } from '../platform';
import type { ReleaseRecord, TargetState } from '../store/release-store';
import { WeChatApiError } from '../wechat/errors';

/**
 * Releases one app whose audit passed: the pipeline's release step, and an admin approving
 * held apps.
 */
export async function releaseApp(
  ctx: { stores: Stores; services: () => Promise<ComponentServices> },
  releaseId: string,
  appId: string,
  release: ReleaseRecord,
  from: TargetState[] = ['audit_passed'],
  knownState?: TargetState,
): Promise<void> {
  const { miniPrograms } = await ctx.services();
  try {
    await miniPrograms.api(appId).release();
  } catch (error) {
    // 85052: released already (a re-run after WeChat answered but before the record).
    if (!(error instanceof WeChatApiError && error.errcode === 85052)) throw error;
  }
  if (release.options.grayPercentage && release.options.grayPercentage < 100) {
    await miniPrograms.api(appId).grayRelease(release.options.grayPercentage).catch((error: unknown) => logger.warn('gray release not set', { authorizerAppId: appId, message: (error as Error).message }));
  }
  await ctx.stores.releases.transition(releaseId, appId, from, 'released', knownState ? { knownState } : {});
}
