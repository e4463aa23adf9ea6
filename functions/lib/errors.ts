/**
 * One root error for everything the platform raises on purpose. Each subclass fixes the
 * HTTP status and a stable machine-readable `code`, so one middleware can answer every
 * failure with `{ code, message }` and handlers never build 4xx responses by hand.
 */
export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;

  /**
   * Each subclass states its name as a literal: the bundles are minified, so a class's own name
   * is not its source name there, and this name is what logs, Lambda's `errorType` and a
   * release's failed step show (test/infra/error-names.test.ts).
   */
  abstract override readonly name: string;
}

export class BadRequestError extends AppError {
  override readonly name: string = 'BadRequestError';
  readonly statusCode = 400;
  readonly code: string;
  constructor(message: string, code = 'bad_request', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** A push whose signature, timestamp or envelope cannot be trusted. */
export class SignatureError extends AppError {
  override readonly name: string = 'SignatureError';
  readonly statusCode = 401;
  readonly code = 'invalid_signature';
  constructor(
    message: string,
    /** Which check failed; the caller sees one code either way, the metrics tell them apart. */
    readonly check: 'signature' | 'timestamp' | 'appid' = 'signature',
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  override readonly name: string = 'UnauthorizedError';
  readonly statusCode = 401;
  readonly code = 'unauthorized';
}

/** Signed in, but the caller's role (Cognito group) does not allow this. */
export class ForbiddenError extends AppError {
  override readonly name: string = 'ForbiddenError';
  readonly statusCode = 403;
  readonly code = 'forbidden';
}

export class NotFoundError extends AppError {
  override readonly name: string = 'NotFoundError';
  readonly statusCode = 404;
  readonly code = 'not_found';
}

export class PayloadTooLargeError extends AppError {
  override readonly name: string = 'PayloadTooLargeError';
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
}

/** Something the platform needs has not happened yet (e.g. no verify ticket pushed so far). */
export class NotReadyError extends AppError {
  override readonly name: string = 'NotReadyError';
  readonly statusCode = 503;
  readonly code: string;
  constructor(message: string, code = 'not_ready', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Deployment or environment is wrong; never the caller's fault. */
export class ConfigurationError extends AppError {
  override readonly name: string = 'ConfigurationError';
  readonly statusCode = 500;
  readonly code = 'configuration_error';
}

/** A per-app limit the platform enforces before WeChat would refuse (no WeChat call made). */
export class QuotaExceededError extends AppError {
  override readonly name: string = 'QuotaExceededError';
  readonly statusCode = 429;
  readonly code = 'QUOTA_EXCEEDED';
  constructor(
    message: string,
    /** When the quota window that ran out starts over, ISO-8601. */
    readonly resetsAt: string,
  ) {
    super(message);
  }
}

export class ConflictError extends AppError {
  override readonly name: string = 'ConflictError';
  readonly statusCode = 409;
  readonly code: string;
  constructor(message: string, code = 'conflict', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
