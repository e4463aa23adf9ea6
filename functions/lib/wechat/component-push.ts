import { z } from 'zod';

/** Fields every push to the authorization-event URL carries. */
export const ComponentPushBase = z
  .object({
    AppId: z.string().min(1),
    CreateTime: z.coerce.number().int().nonnegative(),
    InfoType: z.string().min(1),
  })
  .loose();
export type ComponentPushBase = z.infer<typeof ComponentPushBase>;

export const VerifyTicketPush = ComponentPushBase.extend({
  InfoType: z.literal('component_verify_ticket'),
  ComponentVerifyTicket: z.string().min(1).max(512),
});
export type VerifyTicketPush = z.infer<typeof VerifyTicketPush>;
