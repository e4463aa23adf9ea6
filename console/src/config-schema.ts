import { z } from 'zod';

/** `/console/config.json`: written by the local gateway, or by the stack in AWS. */
export const ConsoleConfigSchema = z.object({
  /** "" means the admin API is on the console's own origin. */
  apiBaseUrl: z.union([z.literal(''), z.url()]),
  auth: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('token') }),
    z.object({
      mode: z.literal('cognito'),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
      userPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/),
      clientId: z.string().min(1),
    }),
  ]),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;
export type CognitoConfig = Extract<ConsoleConfig['auth'], { mode: 'cognito' }>;

/** Where a Cognito config's sign-in calls go (amazon-cognito-identity-js, and RevokeToken on sign-out). */
export function cognitoIdpOrigin(region: string): string {
  return `https://cognito-idp.${region}.amazonaws.com`;
}
