import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, type Role } from '../../functions/lib/http/roles';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'Read only: every GET of the admin API',
  operator: 'Viewer, plus per-app operations and releases to listed apps (approve, cancel, retry, roll back)',
  admin: 'Operator, plus fleet-wide releases, payment settings, registrations, sync, templates and everything else',
};

/**
 * Operators of the platform. Accounts are created by an administrator (no self sign-up) and
 * must use TOTP MFA: an admin session can see every merchant's authorization state. What a
 * user may do is the highest of its groups `viewer`, `operator`, `admin`; a user in none is
 * refused every admin route (403).
 */
export class AdminUserPool extends Construct {
  readonly userPool: UserPool;
  readonly consoleClient: UserPoolClient;
  /** One group per role; a user's groups reach the handlers as the JWT's `cognito:groups`. */
  readonly groups: Record<Role, CfnUserPoolGroup>;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus is needed for threat protection (AwsSolutions-COG8); the pool has a handful of users.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Higher precedence (lower number) for the stronger role, so Cognito's preferred role follows it.
    this.groups = Object.fromEntries(
      ROLES.map((role, index) => [
        role,
        new CfnUserPoolGroup(this, `${role[0]!.toUpperCase()}${role.slice(1)}Group`, {
          userPoolId: this.userPool.userPoolId,
          groupName: role,
          description: ROLE_DESCRIPTIONS[role],
          precedence: ROLES.length - index,
        }),
      ]),
    ) as Record<Role, CfnUserPoolGroup>;

    // A browser app cannot keep a client secret; it signs in with SRP and sends the access token.
    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // The console revokes the refresh token on sign-out (RevokeToken), which the client must allow.
      enableTokenRevocation: true,
    });
  }
}
