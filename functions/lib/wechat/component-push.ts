import * as z from 'zod/mini';

// zod/mini: this module is on the callbacks' cold-start path (error messages in English: functions/lib/http/error-handler.ts).

/** Fields every push to the authorization-event URL carries. */
export const ComponentPushBase = z.looseObject({
  AppId: z.string().check(z.minLength(1)),
  CreateTime: z.coerce.number().check(z.int(), z.nonnegative()),
  InfoType: z.string().check(z.minLength(1)),
});
export type ComponentPushBase = z.infer<typeof ComponentPushBase>;

export const VerifyTicketPush = z.extend(ComponentPushBase, {
  InfoType: z.literal('component_verify_ticket'),
  ComponentVerifyTicket: z.string().check(z.minLength(1), z.maxLength(512)),
});
export type VerifyTicketPush = z.infer<typeof VerifyTicketPush>;

/** `authorized` / `updateauthorized`: an authorization code to exchange with `api_query_auth`. */
export const AuthorizationPush = z.extend(ComponentPushBase, {
  InfoType: z.enum(['authorized', 'updateauthorized']),
  AuthorizerAppid: z.string().check(z.minLength(1)),
  AuthorizationCode: z.string().check(z.minLength(1)),
  AuthorizationCodeExpiredTime: z.optional(z.coerce.number().check(z.int())),
  PreAuthCode: z.optional(z.string()),
});
export type AuthorizationPush = z.infer<typeof AuthorizationPush>;

/** `unauthorized`: the owner cancelled the authorization. */
export const UnauthorizedPush = z.extend(ComponentPushBase, {
  InfoType: z.literal('unauthorized'),
  AuthorizerAppid: z.string().check(z.minLength(1)),
});
export type UnauthorizedPush = z.infer<typeof UnauthorizedPush>;

/**
 * `notify_third_fasteregister`: the outcome of a fast registration (tags are lower case here).
 * New-version tasks are named by `info.taskid`; a failure carries no `appid` and no `auth_code`.
 * `info` echoes the request otherwise, so everything else in it is optional.
 */
export const FastRegisterPush = z.extend(ComponentPushBase, {
  InfoType: z.literal('notify_third_fasteregister'),
  appid: z.optional(z.string()),
  status: z.coerce.number().check(z.int()),
  auth_code: z.optional(z.string()),
  msg: z._default(z.coerce.string(), ''),
  info: z._default(
    z.looseObject({
      taskid: z.optional(z.coerce.string().check(z.minLength(1))),
      name: z.optional(z.coerce.string()),
      code: z.optional(z.coerce.string()),
      component_phone: z.optional(z.coerce.string()),
    }),
    {},
  ),
});
export type FastRegisterPush = z.infer<typeof FastRegisterPush>;
