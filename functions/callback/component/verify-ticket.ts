import { logger } from '../../lib/logger';
import type { VerifyTicketStore } from '../../lib/store/verify-ticket-store';
import { VerifyTicketPush } from '../../lib/wechat/component-push';

/** Stores the newest `component_verify_ticket`; re-deliveries and late older pushes are harmless. */
export async function handleVerifyTicket(push: unknown, tickets: VerifyTicketStore): Promise<void> {
  const ticket = VerifyTicketPush.parse(push);
  const outcome = await tickets.save({
    componentAppId: ticket.AppId,
    ticket: ticket.ComponentVerifyTicket,
    createTime: ticket.CreateTime,
    receivedAt: new Date().toISOString(),
  });
  logger.info('verify ticket push', { componentAppId: ticket.AppId, createTime: ticket.CreateTime, outcome });
}
