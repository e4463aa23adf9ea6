import { reactive } from 'vue';
import { z } from 'zod';

const STORAGE_KEY = 'weapp-fleet.console.session';
/** amazon-cognito-identity-js caches the id, access and refresh tokens in the same storage (see auth/cognito.ts). */
const COGNITO_CACHE_PREFIX = 'CognitoIdentityServiceProvider.';

const SessionSchema = z.object({
  /** Sent as `Authorization: Bearer`: the admin token locally, a Cognito access token in AWS. */
  token: z.string().min(1),
  /** Who is signed in, for the header; never the token. */
  label: z.string(),
  /** Epoch ms; absent for the local admin token, which does not expire. */
  expiresAt: z.number().optional(),
});
export type Session = z.infer<typeof SessionSchema>;

function restore(): Session | undefined {
  try {
    const parsed = SessionSchema.safeParse(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null'));
    if (!parsed.success) return undefined;
    return parsed.data.expiresAt !== undefined && parsed.data.expiresAt <= Date.now() ? undefined : parsed.data;
  } catch {
    return undefined;
  }
}

/**
 * The signed-in operator. sessionStorage, not localStorage: a bearer token for the whole
 * fleet should not outlive the browser tab.
 */
export const session = reactive<{ current: Session | undefined }>({ current: restore() });

export function signIn(value: Session): void {
  session.current = value;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
}

export function signOut(): void {
  session.current = undefined;
  sessionStorage.removeItem(STORAGE_KEY);
  // Nothing reads that cache, but its refresh token would let anyone at this tab sign in again for days.
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(COGNITO_CACHE_PREFIX)) sessionStorage.removeItem(key);
}

export function bearerToken(): string | undefined {
  const current = session.current;
  if (current?.expiresAt !== undefined && current.expiresAt <= Date.now()) return undefined;
  return current?.token;
}
