import * as z from 'zod';

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

/** `authorized` / `updateauthorized`: an authorization code to exchange with `api_query_auth`. */
export const AuthorizationPush = ComponentPushBase.extend({
  InfoType: z.enum(['authorized', 'updateauthorized']),
  AuthorizerAppid: z.string().min(1),
  AuthorizationCode: z.string().min(1),
  AuthorizationCodeExpiredTime: z.coerce.number().int().optional(),
  PreAuthCode: z.string().optional(),
});
export type AuthorizationPush = z.infer<typeof AuthorizationPush>;

/** `unauthorized`: the owner cancelled the authorization. */
export const UnauthorizedPush = ComponentPushBase.extend({
  InfoType: z.literal('unauthorized'),
  AuthorizerAppid: z.string().min(1),
});
export type UnauthorizedPush = z.infer<typeof UnauthorizedPush>;

/**
 * `notify_third_fasteregister`: the outcome of a fast registration (tags are lower case here).
 * New-version tasks are named by `info.taskid`; a failure carries no `appid` and no `auth_code`.
 * `info` echoes the request otherwise, so everything else in it is optional.
 */
export const FastRegisterPush = ComponentPushBase.extend({
  InfoType: z.literal('notify_third_fasteregister'),
  appid: z.string().optional(),
  status: z.coerce.number().int(),
  auth_code: z.string().optional(),
  msg: z.coerce.string().default(''),
  info: z
    .object({
      taskid: z.coerce.string().min(1).optional(),
      name: z.coerce.string().optional(),
      code: z.coerce.string().optional(),
      component_phone: z.coerce.string().optional(),
    })
    .loose()
    .default({}),
});
export type FastRegisterPush = z.infer<typeof FastRegisterPush>;
