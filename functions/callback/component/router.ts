import { verifyTicketStore } from '../../lib/composition/stores/verify-ticket';
import { BadRequestError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { appendCorrelation } from '../../lib/observability/invocation';
import { countPushReceived } from '../../lib/observability/push-signals';
import { ComponentPushBase } from '../../lib/wechat/component-push';
import type { PushContext } from './push-context';
import type { PushHandler } from './run-once';
import { handleVerifyTicket } from './verify-ticket';

interface Route {
  handle: PushHandler;
  /**
   * Runs once per distinct push, however often WeChat delivers it (Powertools idempotency on
   * the decrypted push). Off where the handler is idempotent by itself and cheap.
   */
  once: boolean;
}

/**
 * The authorization events are rare (a merchant authorizing, a registration finishing) and
 * need the WeChat client, KMS and Powertools; the ticket push comes every ten minutes and
 * needs one store. So their handlers, and the once-only wrapper, load on first use: a bundle
 * with code splitting keeps them out of what the function loads at init.
 */
const authorizationEvents = () => import('./authorization');

/** One small handler per InfoType; later capabilities register theirs here. */
const ROUTES: Readonly<Record<string, Route>> = {
  // A conditional write keeps only the newest ticket; no extra records on the hot path.
  component_verify_ticket: { handle: (push) => handleVerifyTicket(push, verifyTicketStore()), once: false },
  authorized: { handle: async (push, c) => (await authorizationEvents()).handleAuthorizationPush(push, c), once: true },
  updateauthorized: { handle: async (push, c) => (await authorizationEvents()).handleAuthorizationPush(push, c), once: true },
  unauthorized: { handle: async (push) => (await authorizationEvents()).handleUnauthorizedPush(push), once: true },
  notify_third_fasteregister: { handle: async (push, c) => (await authorizationEvents()).handleFastRegisterPush(push, c), once: true },
};

/**
 * Routes a decrypted authorization-event push. Unknown InfoTypes are acknowledged, since
 * WeChat keeps retrying anything that is not answered `success`.
 */
export async function routeComponentPush(push: unknown, componentAppId: string, context: PushContext): Promise<void> {
  const base = ComponentPushBase.safeParse(push);
  if (!base.success) throw new BadRequestError('push lacks AppId, CreateTime or InfoType', 'malformed_push');
  if (base.data.AppId !== componentAppId) throw new BadRequestError('push is for another component appid', 'wrong_appid');
  countPushReceived(base.data.InfoType);
  appendCorrelation({ authorizerAppId: typeof base.data.AuthorizerAppid === 'string' ? base.data.AuthorizerAppid : undefined });
  const route = ROUTES[base.data.InfoType];
  if (!route) {
    logger.warn('unhandled component push', { infoType: base.data.InfoType });
    return;
  }
  if (route.once) await (await import('./run-once')).runOnce(base.data, route.handle, context);
  else await route.handle(push, context);
}
