import { logger } from '../../lib/logger';
import type { Stores } from '../../lib/platform';
import { BadRequestError } from '../../lib/errors';
import { ComponentPushBase } from '../../lib/wechat/component-push';
import { handleVerifyTicket } from './verify-ticket';

type PushHandler = (push: unknown, stores: Stores) => Promise<void>;

/** One small handler per InfoType; later capabilities register theirs here. */
const HANDLERS: Readonly<Record<string, PushHandler>> = {
  component_verify_ticket: handleVerifyTicket,
};

/**
 * Routes a decrypted authorization-event push. Unknown InfoTypes are acknowledged, since
 * WeChat keeps retrying anything that is not answered `success`.
 */
export async function routeComponentPush(push: unknown, componentAppId: string, stores: Stores): Promise<void> {
  const base = ComponentPushBase.safeParse(push);
  if (!base.success) throw new BadRequestError('push lacks AppId, CreateTime or InfoType', 'malformed_push');
  if (base.data.AppId !== componentAppId) throw new BadRequestError('push is for another component appid', 'malformed_push');
  const handler = HANDLERS[base.data.InfoType];
  if (!handler) {
    logger.warn('unhandled component push', { infoType: base.data.InfoType });
    return;
  }
  await handler(push, stores);
}
