import { authorizationService, registrationService } from '../../lib/composition/authorization';
import { AuthorizationPush, FastRegisterPush, UnauthorizedPush } from '../../lib/wechat/component-push';
import type { PushContext } from './push-context';

/*
 * Loaded by the router on the first authorization event after a cold start, never by the
 * ticket push: with it come the WeChat client, the authorization service and Powertools.
 */

/**
 * `authorized` / `updateauthorized`: exchange the pushed code. The exchange is idempotent on
 * the code, so the redirect and a re-delivered push end in the same single record.
 */
export async function handleAuthorizationPush(push: unknown, { context }: PushContext): Promise<void> {
  const parsed = AuthorizationPush.parse(push);
  const authorization = await authorizationService();
  await authorization.completeAuthorization(
    parsed.AuthorizationCode,
    { source: 'push', event: parsed.InfoType === 'updateauthorized' ? 'updateauthorized' : undefined },
    { context },
  );
}

/** `unauthorized`: tokens deleted, status unauthorized, history kept. */
export async function handleUnauthorizedPush(push: unknown): Promise<void> {
  const parsed = UnauthorizedPush.parse(push);
  await (await authorizationService()).recordUnauthorized(parsed.AuthorizerAppid, 'push');
}

/** `notify_third_fasteregister`: record the outcome; on success the new app is authorized at once. */
export async function handleFastRegisterPush(push: unknown, { context }: PushContext): Promise<void> {
  const parsed = FastRegisterPush.parse(push);
  await (await registrationService()).handlePush(parsed, context);
}
