import { AuthenticationDetails, CognitoRefreshToken, CognitoUser, CognitoUserPool, type CognitoUserSession, type IAuthenticationCallback } from 'amazon-cognito-identity-js';
import { z } from 'zod';
import { ConsoleConfigSchema } from '../../console/src/config-schema';
import { writeConfig, type CognitoTokens } from './config';
import { CliError, EXIT, badInput } from './errors';
import { note } from './output';
import { ask, closePrompts } from './prompt';

/**
 * Sign-in to the admin user pool in AWS, as the console does it (amazon-cognito-identity-js):
 * SRP (the password never leaves this machine), then the authenticator's TOTP code. The pool
 * is found in the console's `/console/config.json` at the same origin as the API.
 * WEAPP_FLEET_COGNITO_ENDPOINT points the SDK at another Cognito IdP endpoint (a fake in tests).
 */
type PoolConfig = { region: string; userPoolId: string; clientId: string };

const Endpoint = z.url().optional();
const endpoint = (): string | undefined => Endpoint.parse(process.env.WEAPP_FLEET_COGNITO_ENDPOINT || undefined);

const pool = (config: PoolConfig) => new CognitoUserPool({ UserPoolId: config.userPoolId, ClientId: config.clientId, ...(endpoint() ? { endpoint: endpoint() } : {}) });

async function discoverPool(url: string): Promise<PoolConfig> {
  let answer: unknown;
  try {
    const response = await fetch(`${url}/console/config.json`);
    if (!response.ok) throw new Error(`${response.status}`);
    answer = await response.json();
  } catch (error) {
    throw new CliError(`cannot read ${url}/console/config.json to find the user pool (${(error as Error).message})`, EXIT.unreachableOrUnauthorized);
  }
  const config = ConsoleConfigSchema.safeParse(answer);
  if (!config.success) throw new CliError(`${url}/console/config.json is not a console config`, EXIT.unreachableOrUnauthorized);
  if (config.data.auth.mode !== 'cognito') throw badInput(`${url} signs in with the admin token: weapp-fleet login --url ${url} --token -`);
  const { region, userPoolId, clientId } = config.data.auth;
  return { region, userPoolId, clientId };
}

const tokensOf = (config: PoolConfig, username: string, session: CognitoUserSession): CognitoTokens => ({
  ...config,
  username,
  accessToken: session.getAccessToken().getJwtToken(),
  idToken: session.getIdToken().getJwtToken(),
  refreshToken: session.getRefreshToken().getToken(),
  expiresAt: session.getAccessToken().getExpiration() * 1000,
});

/** `login --username`: password and TOTP prompts; the tokens to store. */
export async function cognitoLogin(url: string, username: string): Promise<CognitoTokens> {
  const config = await discoverPool(url);
  const user = new CognitoUser({ Username: username, Pool: pool(config) });
  user.setAuthenticationFlowType('USER_SRP_AUTH');
  try {
    const password = await ask(`password for ${username}: `, { hidden: true });
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks: IAuthenticationCallback = {
        onSuccess: resolve,
        onFailure: (error: unknown) => reject(error),
        totpRequired: () => {
          ask('authenticator code: ').then((code) => user.sendMFACode(code, callbacks, 'SOFTWARE_TOKEN_MFA'), reject);
        },
        // First sign-in steps need a QR code and a new password: the console does them.
        newPasswordRequired: () => reject(badInput(`${username} must first set a password: sign in once in the console (${url}/console/)`)),
        mfaSetup: () => reject(badInput(`${username} has no authenticator yet: sign in once in the console (${url}/console/) to enrol one`)),
      };
      user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks);
    });
    return tokensOf(config, username, session);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`sign-in refused: ${(error as Error).message ?? String(error)}`, EXIT.unreachableOrUnauthorized);
  } finally {
    closePrompts();
  }
}

/** The stored access token, refreshed with the refresh token (and saved) when it expires within a minute. */
export async function freshAccessToken(url: string, tokens: CognitoTokens): Promise<string> {
  if (tokens.expiresAt - Date.now() > 60_000) return tokens.accessToken;
  const user = new CognitoUser({ Username: tokens.username, Pool: pool(tokens) });
  try {
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.refreshSession(new CognitoRefreshToken({ RefreshToken: tokens.refreshToken }), (error: Error | null, result: CognitoUserSession) => (error ? reject(error) : resolve(result))),
    );
    const fresh = tokensOf(tokens, tokens.username, session);
    writeConfig({ url, auth: { kind: 'cognito', ...fresh } });
    note('signed-in session refreshed');
    return fresh.accessToken;
  } catch (error) {
    throw new CliError(`the signed-in session expired and could not be refreshed (${(error as Error).message}); run weapp-fleet login --url ${url} --username ${tokens.username}`, EXIT.unreachableOrUnauthorized);
  }
}
