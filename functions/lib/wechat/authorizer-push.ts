import * as z from 'zod/mini';

// zod/mini: this module is on the callbacks' cold-start path (error messages in English: functions/lib/http/error-handler.ts).

/** Fields every push to the message-event URL carries. */
export const AuthorizerPushBase = z.looseObject({
  ToUserName: z.string().check(z.minLength(1)),
  CreateTime: z.coerce.number().check(z.int(), z.nonnegative()),
  MsgType: z.string().check(z.minLength(1)),
  Event: z.optional(z.string()),
});
export type AuthorizerPushBase = z.infer<typeof AuthorizerPushBase>;

const OptionalTime = () => z.optional(z.coerce.number().check(z.int()));

export const AuditSuccessPush = z.extend(AuthorizerPushBase, { Event: z.literal('weapp_audit_success'), SuccTime: OptionalTime() });
export const AuditFailPush = z.extend(AuthorizerPushBase, {
  Event: z.literal('weapp_audit_fail'),
  Reason: z._default(z.string(), ''),
  FailTime: OptionalTime(),
  /** Media ids separated by `|`. */
  ScreenShot: z._default(z.string(), ''),
});
export const AuditDelayPush = z.extend(AuthorizerPushBase, { Event: z.literal('weapp_audit_delay'), Reason: z._default(z.string(), ''), DelayTime: OptionalTime() });
export const AuditPush = z.discriminatedUnion('Event', [AuditSuccessPush, AuditFailPush, AuditDelayPush]);
export type AuditPush = z.infer<typeof AuditPush>;
