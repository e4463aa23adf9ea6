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
