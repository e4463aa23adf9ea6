import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession, type IAuthenticationCallback } from 'amazon-cognito-identity-js';
import type { CognitoConfig } from '../config';
import type { Session } from './session';

/** Where the sign-in stands after each answer from the user pool. */
export type CognitoStep =
  | { kind: 'signed_in'; session: Session }
  | { kind: 'totp' }
  | { kind: 'new_password' }
  /** First sign-in with MFA required: scan this secret into an authenticator, then enter a code. */
  | { kind: 'mfa_setup'; secret: string; otpauthUri: string };

/**
 * SRP sign-in against the admin user pool (the password never leaves the browser), then the
 * challenges the pool may ask for: TOTP (MFA is required), a new password for an invited
 * user, and TOTP enrolment on first sign-in. The access token becomes the API's bearer.
 */
export class CognitoSignIn {
  private readonly pool: CognitoUserPool;
  private readonly config: CognitoConfig;
  private user: CognitoUser | undefined;
  private email = '';

  constructor(config: CognitoConfig) {
    this.config = config;
    this.pool = new CognitoUserPool({ UserPoolId: config.userPoolId, ClientId: config.clientId, Storage: window.sessionStorage });
  }

  signIn(email: string, password: string): Promise<CognitoStep> {
    this.email = email;
    this.user = new CognitoUser({ Username: email, Pool: this.pool, Storage: window.sessionStorage });
    this.user.setAuthenticationFlowType('USER_SRP_AUTH');
    const user = this.user;
    return new Promise((resolve, reject) => user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), this.callbacks(resolve, reject)));
  }

  submitTotp(code: string): Promise<CognitoStep> {
    const user = this.current();
    return new Promise((resolve, reject) => user.sendMFACode(code, this.callbacks(resolve, reject), 'SOFTWARE_TOKEN_MFA'));
  }

  submitNewPassword(password: string): Promise<CognitoStep> {
    const user = this.current();
    return new Promise((resolve, reject) => user.completeNewPasswordChallenge(password, {}, this.callbacks(resolve, reject)));
  }

  verifyMfaSetup(code: string): Promise<CognitoStep> {
    const user = this.current();
    return new Promise((resolve, reject) =>
      user.verifySoftwareToken(code, 'weapp-fleet console', { onSuccess: (session) => resolve(this.signedIn(session)), onFailure: reject }),
    );
  }

  private current(): CognitoUser {
    if (!this.user) throw new Error('sign in with email and password first');
    return this.user;
  }

  private callbacks(resolve: (step: CognitoStep) => void, reject: (error: unknown) => void): IAuthenticationCallback {
    const user = this.current();
    return {
      onSuccess: (session) => resolve(this.signedIn(session)),
      onFailure: (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      totpRequired: () => resolve({ kind: 'totp' }),
      newPasswordRequired: () => resolve({ kind: 'new_password' }),
      mfaSetup: () =>
        user.associateSoftwareToken({
          associateSecretCode: (secret) =>
            resolve({ kind: 'mfa_setup', secret, otpauthUri: `otpauth://totp/weapp-fleet:${encodeURIComponent(this.email)}?secret=${secret}&issuer=weapp-fleet` }),
          onFailure: reject,
        }),
    };
  }

  private signedIn(session: CognitoUserSession): CognitoStep {
    const access = session.getAccessToken();
    // The refresh token stays in amazon-cognito-identity-js's cache; the session says where to revoke it.
    const cognito = { region: this.config.region, clientId: this.config.clientId };
    return { kind: 'signed_in', session: { token: access.getJwtToken(), label: this.email, expiresAt: access.getExpiration() * 1000, cognito } };
  }
}
