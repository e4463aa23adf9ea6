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

export interface FakeUser {
  email: string;
  password: string;
  /** What the user pool calls the user; the client signs the SRP proof with it, not the email. */
  userId: string;
  totpCode: string;
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
]);

type PendingSignIn = { stage: 'password'; srp: SrpExchange; secretBlock: string; A: bigint } | { stage: 'totp' };

export interface IdpAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The slice of the Cognito IdP JSON API a USER_SRP_AUTH + TOTP sign-in touches, with the
 * password proof checked for real, so a client that signs it wrong is refused as AWS would.
 */
export class FakeCognitoIdp {
  /** Each `X-Amz-Target` operation asked for, with the challenge when there is one. */
  readonly calls: string[] = [];
  private readonly poolName: string;
  private readonly saltHex = randomBytes(16).toString('hex');
  private readonly sessions = new Map<string, PendingSignIn>();

  constructor(
    userPoolId: string,
    private readonly clientId: string,
    private readonly user: FakeUser,
    private readonly tokens: CognitoTokens,
  ) {
    this.poolName = userPoolId.split('_')[1]!;
  }

  answer(target: string | undefined, body: unknown): IdpAnswer {
    const operation = target?.replace(/^AWSCognitoIdentityProviderService\./, '');
    if (operation === 'InitiateAuth' || operation === 'RespondToAuthChallenge') {
      // A request the client shaped wrongly is refused as Cognito would, not thrown inside the browser route.
      const parsed = operation === 'InitiateAuth' ? InitiateAuthSchema.safeParse(body) : RespondSchema.safeParse(body);
      if (!parsed.success) {
        this.calls.push(`${operation} (invalid)`);
        return refusal('InvalidParameterException', z.prettifyError(parsed.error));
      }
      return 'AuthFlow' in parsed.data ? this.initiateAuth(parsed.data) : this.respond(parsed.data);
    }
    this.calls.push(String(operation));
    return refusal('InvalidAction', `The fake user pool does not answer ${String(operation)}.`);
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
    if (request.ClientId !== this.clientId || !pending || request.ChallengeResponses.USERNAME !== this.user.userId) {
      return refusal('NotAuthorizedException', 'Invalid session for the user.');
    }
    if (request.ChallengeName === 'PASSWORD_VERIFIER') {
      if (pending.stage !== 'password') return refusal('NotAuthorizedException', 'Invalid session for the user.');
      this.sessions.delete(request.Session);
      const sent = Buffer.from(request.ChallengeResponses.PASSWORD_CLAIM_SIGNATURE, 'base64');
      const expected = expectedSignature(pending.srp, pending.A, this.poolName, this.user.userId, request.ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK, request.ChallengeResponses.TIMESTAMP);
      if (request.ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK !== pending.secretBlock || sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
        return refusal('NotAuthorizedException', 'Incorrect username or password.');
      }
      return ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: this.newSession({ stage: 'totp' }), ChallengeParameters: {} });
    }
    if (pending.stage !== 'totp') return refusal('NotAuthorizedException', 'Invalid session for the user.');
    // Cognito lets the user retry a mistyped code within the same session.
    if (request.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE !== this.user.totpCode) return refusal('CodeMismatchException', 'Invalid code received for user');
    this.sessions.delete(request.Session);
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

const ok = (body: Record<string, unknown>): IdpAnswer => ({ status: 200, body });
const refusal = (type: string, message: string): IdpAnswer => ({ status: 400, body: { __type: type, message } });
