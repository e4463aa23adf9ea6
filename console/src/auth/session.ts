import '../zod-jitless';
import { reactive } from 'vue';
import { z } from 'zod';
import { revokeRefreshToken } from './revoke';

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
  /** The user pool app client that issued a Cognito session: sign-out revokes its refresh token there. */
  cognito: z.object({ region: z.string(), clientId: z.string() }).optional(),
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

/** What became of the refresh token at sign-out; the session is gone in every case. */
export type SignOutOutcome = { revoked: 'yes' } | { revoked: 'nothing_to_revoke' } | { revoked: 'failed'; reason: string };

/**
 * Revokes the Cognito refresh token (RevokeToken is sent first), then forgets the session and
 * every token cached in this tab at once, whatever Cognito answers: a user who signs out is
 * signed out here even when the user pool cannot be reached. Callers need not wait for it.
 */
export function signOut(): Promise<SignOutOutcome> {
  const current = session.current;
  const refreshToken = current?.cognito && cachedRefreshToken(current.cognito.clientId);
  const revoking: Promise<SignOutOutcome> =
    current?.cognito && refreshToken
      ? revokeRefreshToken(current.cognito, refreshToken).then(
          () => ({ revoked: 'yes' }),
          (error: unknown) => ({ revoked: 'failed', reason: error instanceof Error ? error.message : String(error) }),
        )
      : Promise.resolve({ revoked: 'nothing_to_revoke' });
  session.current = undefined;
  sessionStorage.removeItem(STORAGE_KEY);
  // Nothing reads that cache once signed out, and a refresh token left in it would sign this tab in again for hours.
  for (const key of storageKeys()) if (key.startsWith(COGNITO_CACHE_PREFIX)) sessionStorage.removeItem(key);
  return revoking;
}

/** The refresh token amazon-cognito-identity-js cached for the client's last signed-in user. */
function cachedRefreshToken(clientId: string): string | undefined {
  const prefix = `${COGNITO_CACHE_PREFIX}${clientId}`;
  const user = sessionStorage.getItem(`${prefix}.LastAuthUser`);
  return (user && sessionStorage.getItem(`${prefix}.${user}.refreshToken`)) || undefined;
}

/** Read before removing any: removing while iterating shifts the indexes. */
function storageKeys(): string[] {
  return Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i)).filter((key): key is string => key !== null);
}

export function bearerToken(): string | undefined {
  const current = session.current;
  if (current?.expiresAt !== undefined && current.expiresAt <= Date.now()) return undefined;
  return current?.token;
}
