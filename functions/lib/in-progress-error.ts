/**
 * "The same push or code is being handled right now", whichever side found it: Powertools
 * (`IdempotencyAlreadyInProgressError` from makeIdempotent) or our own transactional
 * `OnceRecord` (lib/once-record.ts). Recognised by name, because importing Powertools' class
 * loads its whole idempotency package and jmespath at init — ~25 KB in every HTTP function,
 * for an `instanceof`.
 */
export const IN_PROGRESS_ERROR_NAME = 'IdempotencyAlreadyInProgressError';

export class AlreadyInProgressError extends Error {
  override readonly name = IN_PROGRESS_ERROR_NAME;
}

export function isAlreadyInProgress(error: unknown): boolean {
  return error instanceof Error && error.name === IN_PROGRESS_ERROR_NAME;
}
