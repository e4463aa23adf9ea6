import { auditStore } from '../../lib/composition/stores/audit';
import { authorizerProfileStore } from '../../lib/composition/stores/authorizer-profile';
import { releaseStore } from '../../lib/composition/stores/release';
import { onceRecord } from '../../lib/once-record';
import { recordAuditPush } from '../../lib/release/steps';
import type { AuthorizerPushBase } from '../../lib/wechat/authorizer-push';
import { requirePushForApp } from '../../lib/wechat/push-recipient';

/*
 * Loaded by the handler on the first audit outcome after a cold start: the other message
 * events, logged and dropped, need none of the audit and release stores or Step Functions.
 */

/** An audit outcome: recorded once, and handed to the release step waiting on it. */
export async function handleAuditPush(appId: string, push: AuthorizerPushBase): Promise<void> {
  // Keyed on the decrypted push as Powertools keyed it, so records of either kind match.
  const once = onceRecord('authorizer-push', { appId, push });
  // Only pushes that change something are checked: the others are logged and dropped anyway.
  await requirePushForApp(appId, push.ToUserName, authorizerProfileStore());
  await recordAuditPush(appId, push, once, auditStore(), releaseStore());
}
