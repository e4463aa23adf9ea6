import { NotReadyError } from '../lib/errors';
import { logger } from '../lib/logger';
import { componentServices } from '../lib/platform';
import { REFRESH_AHEAD_MS } from '../lib/tokens/component-access-token';

export interface RefreshSummary {
  component: 'fresh' | 'refreshed' | 'no_ticket';
}

/**
 * Scheduled (EventBridge in AWS, a timer locally): renews the component access token while
 * more than enough time is left, so no caller ever waits on WeChat for it. With no ticket yet,
 * asks WeChat to push one instead of failing silently.
 */
export const handler = async (): Promise<RefreshSummary> => {
  const { componentToken, authApi } = await componentServices();
  try {
    const token = await componentToken.ensureFresh(REFRESH_AHEAD_MS);
    return { component: token.refreshed ? 'refreshed' : 'fresh' };
  } catch (error) {
    if (!(error instanceof NotReadyError)) throw error;
    logger.warn('no verify ticket stored yet; asking WeChat to push one');
    await authApi.startPushTicket();
    return { component: 'no_ticket' };
  }
};
