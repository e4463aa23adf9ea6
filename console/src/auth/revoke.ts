import { cognitoIdpOrigin } from '../config-schema';

/**
 * Cognito's RevokeToken: the refresh token, and every access token issued with it, stop
 * working (the app client must allow it: `enableTokenRevocation` in infra). A browser app has no
 * client secret, so the call carries only the client id; Cognito checks no AWS signature on it.
 */

/** The app client that issued a session, which is where its refresh token is revoked. */
export interface RevocationTarget {
  region: string;
  clientId: string;
}

/** A bounded wait: signing out must not hang on an unreachable user pool. */
const REVOKE_TIMEOUT_MS = 5000;

/** Resolves once Cognito confirmed; rejects with Cognito's reason (or the network's). */
export async function revokeRefreshToken(target: RevocationTarget, refreshToken: string, endpoint = `${cognitoIdpOrigin(target.region)}/`): Promise<void> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.RevokeToken' },
    body: JSON.stringify({ Token: refreshToken, ClientId: target.clientId }),
    // Sign-out navigates away at once; keepalive lets the request finish even if the page goes.
    keepalive: true,
    signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
  });
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { __type?: unknown; message?: unknown };
  throw new Error(`RevokeToken: ${String(body.__type ?? `HTTP ${response.status}`)}${typeof body.message === 'string' ? `: ${body.message}` : ''}`);
}
