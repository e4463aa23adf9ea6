import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** RFC 5054's 3072-bit group, the one Cognito's SRP uses. */
const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const g = 2n;

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const hexHash = (hex: string): string => sha256(Buffer.from(hex, 'hex')).toString('hex');
/** The client hashes Java-style two's-complement hex: even length, a 00 byte when the top bit is set. */
function padHex(value: bigint): string {
  const digits = value.toString(16);
  const hex = digits.length % 2 === 0 ? digits : `0${digits}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) if (e & 1n) result = (result * b) % modulus;
  return result;
}
const k = BigInt(`0x${hexHash(padHex(N) + padHex(g))}`);

/** x = H(salt | H(poolName | userId ':' password)), as the client derives it. */
function passwordVerifier(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const x = BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + sha256(`${poolName}${userId}:${password}`).toString('hex'))}`);
  return modPow(g, x, N);
}

/** The server's side of the SRP proof: the key both sides derive, then the HMAC the client sent. */
function expectedSignature(srp: SrpExchange, A: bigint, poolName: string, userId: string, secretBlock: string, timestamp: string): Buffer {
  const u = BigInt(`0x${hexHash(padHex(A) + padHex(srp.B))}`);
  const S = modPow((A * modPow(srp.verifier, u, N)) % N, srp.b, N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(S), 'hex')).digest();
  const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest().subarray(0, 16);
  return createHmac('sha256', key).update(Buffer.concat([Buffer.from(poolName + userId), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp)])).digest();
}

interface SrpExchange {
  b: bigint;
  B: bigint;
  verifier: bigint;
}

/** A header.payload.signature token shaped like Cognito's, for code that only decodes it. */
export function fakeJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ kid: 'fake-key', alg: 'RS256' })}.${part(payload)}.${randomBytes(64).toString('base64url')}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(bytes: Buffer): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => BASE32[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

function base32Decode(text: string): Buffer {
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
}

/** RFC 6238 as authenticator apps and Cognito compute it: HMAC-SHA-1, 30 s steps, 6 digits. */
export function totpCode(secretBase32: string, atMs = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Cognito accepts the code of the current step and of the one either side, for clock drift. */
export function totpCodeAccepted(secretBase32: string, code: string, atMs = Date.now()): boolean {
  return [-1, 0, 1].some((step) => totpCode(secretBase32, atMs + step * 30_000) === code);
}

/** The admin pool's policy: Cognito checks it on the new password and names the first rule broken. */
function passwordPolicyBreach(password: string): string | undefined {
  if (password.length < 14) return 'Password not long enough';
  if (!/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (!/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (!/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (!/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) return 'Password must have symbol characters';
  return undefined;
}

export interface FakeUser {
  email: string;
  /** For an invited user, the temporary one an administrator set. */
  password: string;
  /** What the user pool calls the user; the client signs the SRP proof with it, not the email. */
  userId: string;
  /** Created by an administrator and never signed in: the password proof is answered with NEW_PASSWORD_REQUIRED. */
  invited?: boolean;
  /** Base32 TOTP secret of an enrolled authenticator; without one, MFA being required, the pool asks for MFA_SETUP. */
  totpSecret?: string;
}

export interface CognitoTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

const InitiateAuthSchema = z.object({
  AuthFlow: z.literal('USER_SRP_AUTH'),
  ClientId: z.string(),
  AuthParameters: z.object({ USERNAME: z.string(), SRP_A: z.string().regex(/^[0-9a-f]+$/i) }),
});
const RespondSchema = z.discriminatedUnion('ChallengeName', [
  z.object({
    ChallengeName: z.literal('PASSWORD_VERIFIER'),
    ClientId: z.string(),
    Session: z.string(),
    ChallengeResponses: z.object({
      USERNAME: z.string(),
      PASSWORD_CLAIM_SECRET_BLOCK: z.string(),
      PASSWORD_CLAIM_SIGNATURE: z.string(),
      TIMESTAMP: z.string().regex(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/),
    }),
  }),
  z.object({
    ChallengeName: z.literal('SOFTWARE_TOKEN_MFA'),
    ClientId: z.string(),
    Session: z.string(),
    ChallengeResponses: z.object({ USERNAME: z.string(), SOFTWARE_TOKEN_MFA_CODE: z.string() }),
  }),
  z.object({
    ChallengeName: z.literal('NEW_PASSWORD_REQUIRED'),
    ClientId: z.string(),
    Session: z.string(),
    ChallengeResponses: z.object({ USERNAME: z.string(), NEW_PASSWORD: z.string() }),
  }),
  z.object({
    ChallengeName: z.literal('MFA_SETUP'),
    ClientId: z.string(),
    Session: z.string(),
    ChallengeResponses: z.object({ USERNAME: z.string() }),
  }),
]);
/** Only the sign-in half: with an AccessToken instead of a Session these enrol a signed-in user, which the console does not do. */
const AssociateSoftwareTokenSchema = z.object({ Session: z.string() });
const VerifySoftwareTokenSchema = z.object({ Session: z.string(), UserCode: z.string().regex(/^\d{6}$/), FriendlyDeviceName: z.string().optional() });

/** Cognito's own pattern for the token; the client id is the app client's. */
const RevokeTokenSchema = z.object({ Token: z.string().regex(/^[A-Za-z0-9-_=.]+$/), ClientId: z.string(), ClientSecret: z.string().optional() });

type PendingSignIn =
  | { stage: 'password'; srp: SrpExchange; secretBlock: string; A: bigint }
  | { stage: 'new_password' }
  | { stage: 'totp' }
  /** Between MFA_SETUP and a verified authenticator; `secret` once AssociateSoftwareToken handed one out. */
  | { stage: 'mfa_setup'; secret?: string }
  | { stage: 'mfa_verified' };

export interface IdpAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The slice of the Cognito IdP JSON API an admin's sign-in touches — USER_SRP_AUTH, a new
 * password on first sign-in, TOTP enrolment, then TOTP — with the password proof and the
 * TOTP codes checked for real, so a client that gets them wrong is refused as AWS would.
 */
export class FakeCognitoIdp {
  /** Each `X-Amz-Target` operation asked for, with the challenge when there is one. */
  readonly calls: string[] = [];
  /** Refresh tokens RevokeToken revoked, in order. */
  readonly revokedTokens: string[] = [];
  /** Off: the app client does not allow revocation, and RevokeToken is refused as Cognito refuses it. */
  revocationEnabled = true;
  private readonly poolName: string;
  private readonly saltHex = randomBytes(16).toString('hex');
  private readonly sessions = new Map<string, PendingSignIn>();
  /** The pool's record of the user, which a first sign-in changes (password, authenticator). */
  private readonly user: FakeUser;

  constructor(
    userPoolId: string,
    private readonly clientId: string,
    user: FakeUser,
    private readonly tokens: CognitoTokens,
  ) {
    this.poolName = userPoolId.split('_')[1]!;
    this.user = { ...user };
  }

  answer(target: string | undefined, body: unknown): IdpAnswer {
    const operation = target?.replace(/^AWSCognitoIdentityProviderService\./, '');
    switch (operation) {
      case 'InitiateAuth':
        return this.parsed(operation, InitiateAuthSchema, body, (request) => this.initiateAuth(request));
      case 'RespondToAuthChallenge':
        return this.parsed(operation, RespondSchema, body, (request) => this.respond(request));
      case 'AssociateSoftwareToken':
        return this.parsed(operation, AssociateSoftwareTokenSchema, body, (request) => this.associateSoftwareToken(request));
      case 'VerifySoftwareToken':
        return this.parsed(operation, VerifySoftwareTokenSchema, body, (request) => this.verifySoftwareToken(request));
      case 'RevokeToken':
        return this.parsed(operation, RevokeTokenSchema, body, (request) => this.revokeToken(request));
      default:
        this.calls.push(String(operation));
        return refusal('InvalidAction', `The fake user pool does not answer ${String(operation)}.`);
    }
  }

  /** A request the client shaped wrongly is refused as Cognito would, not thrown inside the browser route. */
  private parsed<T>(operation: string, schema: z.ZodType<T>, body: unknown, handle: (request: T) => IdpAnswer): IdpAnswer {
    const parsed = schema.safeParse(body);
    if (parsed.success) return handle(parsed.data);
    this.calls.push(`${operation} (invalid)`);
    return refusal('InvalidParameterException', z.prettifyError(parsed.error));
  }

  private initiateAuth(request: z.infer<typeof InitiateAuthSchema>): IdpAnswer {
    this.calls.push('InitiateAuth');
    if (request.ClientId !== this.clientId) return refusal('ResourceNotFoundException', 'User pool client does not exist.');
    if (request.AuthParameters.USERNAME !== this.user.email) return refusal('NotAuthorizedException', 'Incorrect username or password.');
    const verifier = passwordVerifier(this.poolName, this.user.userId, this.user.password, this.saltHex);
    const b = BigInt(`0x${randomBytes(128).toString('hex')}`);
    const srp = { b, verifier, B: (k * verifier + modPow(g, b, N)) % N };
    const secretBlock = randomBytes(96).toString('base64');
    const session = this.newSession({ stage: 'password', srp, secretBlock, A: BigInt(`0x${request.AuthParameters.SRP_A}`) });
    return ok({
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: session,
      ChallengeParameters: { SRP_B: srp.B.toString(16), SALT: this.saltHex, SECRET_BLOCK: secretBlock, USERNAME: this.user.userId, USER_ID_FOR_SRP: this.user.userId },
    });
  }

  private respond(request: z.infer<typeof RespondSchema>): IdpAnswer {
    this.calls.push(`RespondToAuthChallenge ${request.ChallengeName}`);
    const pending = this.sessions.get(request.Session);
    if (request.ClientId !== this.clientId || pending?.stage !== stageAnswering[request.ChallengeName] || request.ChallengeResponses.USERNAME !== this.user.userId) {
      return refusal('NotAuthorizedException', 'Invalid session for the user.');
    }
    switch (request.ChallengeName) {
      case 'PASSWORD_VERIFIER': {
        if (pending.stage !== 'password') return refusal('NotAuthorizedException', 'Invalid session for the user.'); // TypeScript cannot narrow through stageAnswering
        this.sessions.delete(request.Session);
        const sent = Buffer.from(request.ChallengeResponses.PASSWORD_CLAIM_SIGNATURE, 'base64');
        const expected = expectedSignature(pending.srp, pending.A, this.poolName, this.user.userId, request.ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK, request.ChallengeResponses.TIMESTAMP);
        if (request.ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK !== pending.secretBlock || sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
          return refusal('NotAuthorizedException', 'Incorrect username or password.');
        }
        if (!this.user.invited) return this.mfaChallenge();
        // amazon-cognito-identity-js JSON-parses both attribute lists, so they must be there.
        return ok({
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: this.newSession({ stage: 'new_password' }),
          ChallengeParameters: { USER_ID_FOR_SRP: this.user.userId, requiredAttributes: '[]', userAttributes: JSON.stringify({ email_verified: 'true', email: this.user.email }) },
        });
      }
      case 'NEW_PASSWORD_REQUIRED': {
        // The session survives a refused password, so the user can choose another.
        const breach = passwordPolicyBreach(request.ChallengeResponses.NEW_PASSWORD);
        if (breach) return refusal('InvalidPasswordException', `Password does not conform to policy: ${breach}`);
        this.sessions.delete(request.Session);
        this.user.password = request.ChallengeResponses.NEW_PASSWORD;
        this.user.invited = false;
        return this.mfaChallenge();
      }
      case 'SOFTWARE_TOKEN_MFA':
        // Cognito lets the user retry a mistyped code within the same session.
        if (!this.user.totpSecret || !totpCodeAccepted(this.user.totpSecret, request.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE)) {
          return refusal('CodeMismatchException', 'Invalid code received for user');
        }
        this.sessions.delete(request.Session);
        return this.signedIn();
      case 'MFA_SETUP':
        this.sessions.delete(request.Session);
        return this.signedIn();
    }
  }

  private associateSoftwareToken(request: z.infer<typeof AssociateSoftwareTokenSchema>): IdpAnswer {
    this.calls.push('AssociateSoftwareToken');
    if (this.sessions.get(request.Session)?.stage !== 'mfa_setup') return refusal('NotAuthorizedException', 'Invalid session for the user.');
    this.sessions.delete(request.Session);
    const secret = base32Encode(randomBytes(32));
    return ok({ SecretCode: secret, Session: this.newSession({ stage: 'mfa_setup', secret }) });
  }

  private verifySoftwareToken(request: z.infer<typeof VerifySoftwareTokenSchema>): IdpAnswer {
    this.calls.push('VerifySoftwareToken');
    const pending = this.sessions.get(request.Session);
    if (pending?.stage !== 'mfa_setup' || !pending.secret) return refusal('NotAuthorizedException', 'Invalid session for the user.');
    // As with a sign-in code, a mistyped one can be retried within the session.
    if (!totpCodeAccepted(pending.secret, request.UserCode)) return refusal('EnableSoftwareTokenMFAException', 'Code mismatch');
    this.sessions.delete(request.Session);
    this.user.totpSecret = pending.secret;
    return ok({ Status: 'SUCCESS', Session: this.newSession({ stage: 'mfa_verified' }) });
  }

  /** A public client sends no secret; the token must be a refresh token this client issued. */
  private revokeToken(request: z.infer<typeof RevokeTokenSchema>): IdpAnswer {
    this.calls.push('RevokeToken');
    if (request.ClientId !== this.clientId || request.ClientSecret !== undefined) return refusal('UnauthorizedException', 'Client is not authorized to revoke this token.');
    if (!this.revocationEnabled) return refusal('UnsupportedOperationException', 'Token revocation is not enabled for this app client.');
    if (request.Token !== this.tokens.refreshToken) return refusal('UnsupportedTokenTypeException', 'The token is not a refresh token of this client.');
    this.revokedTokens.push(request.Token);
    return ok({});
  }

  /** MFA is required in the pool: a user without an authenticator must enrol one before any tokens. */
  private mfaChallenge(): IdpAnswer {
    if (this.user.totpSecret) return ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: this.newSession({ stage: 'totp' }), ChallengeParameters: {} });
    return ok({ ChallengeName: 'MFA_SETUP', Session: this.newSession({ stage: 'mfa_setup' }), ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } });
  }

  private signedIn(): IdpAnswer {
    return ok({
      ChallengeParameters: {},
      AuthenticationResult: { AccessToken: this.tokens.accessToken, IdToken: this.tokens.idToken, RefreshToken: this.tokens.refreshToken, ExpiresIn: 3600, TokenType: 'Bearer' },
    });
  }

  private newSession(pending: PendingSignIn): string {
    const session = randomBytes(48).toString('base64');
    this.sessions.set(session, pending);
    return session;
  }
}

/** Which pending stage a session must be at for each challenge answer. */
const stageAnswering: Record<z.infer<typeof RespondSchema>['ChallengeName'], PendingSignIn['stage']> = {
  PASSWORD_VERIFIER: 'password',
  NEW_PASSWORD_REQUIRED: 'new_password',
  SOFTWARE_TOKEN_MFA: 'totp',
  MFA_SETUP: 'mfa_verified',
};

const ok = (body: Record<string, unknown>): IdpAnswer => ({ status: 200, body });
const refusal = (type: string, message: string): IdpAnswer => ({ status: 400, body: { __type: type, message } });
