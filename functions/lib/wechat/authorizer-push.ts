import * as z from 'zod';

/** Fields every push to the message-event URL carries. */
export const AuthorizerPushBase = z
  .object({
    ToUserName: z.string().min(1),
    CreateTime: z.coerce.number().int().nonnegative(),
    MsgType: z.string().min(1),
    Event: z.string().optional(),
  })
  .loose();
export type AuthorizerPushBase = z.infer<typeof AuthorizerPushBase>;

export const AuditSuccessPush = AuthorizerPushBase.extend({ Event: z.literal('weapp_audit_success'), SuccTime: z.coerce.number().int().optional() });
export const AuditFailPush = AuthorizerPushBase.extend({
  Event: z.literal('weapp_audit_fail'),
  Reason: z.string().default(''),
  FailTime: z.coerce.number().int().optional(),
  /** Media ids separated by `|`. */
  ScreenShot: z.string().default(''),
});
export const AuditDelayPush = AuthorizerPushBase.extend({ Event: z.literal('weapp_audit_delay'), Reason: z.string().default(''), DelayTime: z.coerce.number().int().optional() });
export const AuditPush = z.discriminatedUnion('Event', [AuditSuccessPush, AuditFailPush, AuditDelayPush]);
export type AuditPush = z.infer<typeof AuditPush>;
