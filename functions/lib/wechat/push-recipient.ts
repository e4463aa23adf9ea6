import { BadRequestError } from '../errors';
import { logger } from '../logger';
import type { AuthorizerProfileStore } from '../store/authorizer-profile-store';

/**
 * The message-event URL names the app in its path (`/wechat/authorizers/{appId}/events`), but
 * every app's pushes are encrypted with the same component key: only the push's `ToUserName`
 * (the mini program's original id, `gh_…`) ties it to one app. A push whose `ToUserName` is not
 * the app's is refused like any other push that cannot be trusted — a 4xx, counted in
 * PushesRejected (reason `appid`) — since WeChat itself never sends one: it is a push captured
 * from one app's URL and replayed to another's. An app we do not know, or whose original id
 * we have not read yet, is left to the handler as before.
 */
export async function requirePushForApp(appId: string, toUserName: string, profiles: Pick<AuthorizerProfileStore, 'getProfile'>): Promise<void> {
  const expected = (await profiles.getProfile(appId))?.userName;
  if (!expected || expected === toUserName) return;
  logger.warn('push refused: ToUserName is not this app', { authorizerAppId: appId, expectedToUserName: expected, toUserName });
  throw new BadRequestError('push is addressed to another mini program (ToUserName)', 'wrong_to_user_name');
}
