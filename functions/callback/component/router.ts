import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { dynamoClient } from '../../lib/aws/clients';
import { BadRequestError } from '../../lib/errors';
import { idempotencyPersistence, pushIdempotencyConfig } from '../../lib/idempotency';
import { logger } from '../../lib/logger';
import { appendCorrelation } from '../../lib/observability/invocation';
import { countPushReceived } from '../../lib/observability/push-signals';
import { ComponentPushBase } from '../../lib/wechat/component-push';
import { handleAuthorizationPush, handleFastRegisterPush, handleUnauthorizedPush } from './authorization';
import { handleVerifyTicket } from './verify-ticket';
import type { PushContext } from './push-context';


type PushHandler = (push: unknown, context: PushContext) => Promise<void>;

interface Route {
  handle: PushHandler;
  /**
   * Runs once per distinct push, however often WeChat delivers it (Powertools idempotency on
   * the decrypted push). Off where the handler is idempotent by itself and cheap.
   */
  once: boolean;
}

/** One small handler per InfoType; later capabilities register theirs here. */
const ROUTES: Readonly<Record<string, Route>> = {
  // A conditional write keeps only the newest ticket; no extra records on the hot path.
  component_verify_ticket: { handle: (push, { stores }) => handleVerifyTicket(push, stores), once: false },
  authorized: { handle: handleAuthorizationPush, once: true },
  updateauthorized: { handle: handleAuthorizationPush, once: true },
  unauthorized: { handle: handleUnauthorizedPush, once: true },
  notify_third_fasteregister: { handle: handleFastRegisterPush, once: true },
};

let onceHandler: ((push: ComponentPushBase, context: PushContext) => Promise<true>) | undefined;

function runOnce(push: ComponentPushBase, context: PushContext): Promise<true> {
  if (!onceHandler) {
    const config = pushIdempotencyConfig();
    const handle = makeIdempotent(
      async (p: ComponentPushBase, c: PushContext): Promise<true> => {
        await ROUTES[p.InfoType]!.handle(p, c);
        return true;
      },
      { persistenceStore: idempotencyPersistence(dynamoClient()), config, keyPrefix: 'component-push', dataIndexArgument: 0 },
    );
    onceHandler = (p, c) => {
      if (c.context) config.registerLambdaContext(c.context);
      return handle(p, c);
    };
  }
  return onceHandler(push, context);
}

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
  if (route.once) await runOnce(base.data, context);
  else await route.handle(push, context);
}
