import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { AlreadyInProgressError, isAlreadyInProgress } from '../../../functions/lib/in-progress-error';
import { pushRejectionReason } from '../../../functions/lib/observability/push-signals';

/** Recognised by name, so Powertools' class need not be imported (and its package loaded) to tell. */
describe('isAlreadyInProgress', () => {
  it("is true for Powertools' error and for ours, which the 409 and the in_progress rejection rely on", () => {
    for (const error of [new IdempotencyAlreadyInProgressError('being handled'), new AlreadyInProgressError('audit push x is being handled')]) {
      expect(isAlreadyInProgress(error)).toBe(true);
      expect(pushRejectionReason(error)).toBe('in_progress');
    }
  });

  it('is false for anything else', () => {
    for (const error of [new Error('IdempotencyAlreadyInProgressError'), { name: 'IdempotencyAlreadyInProgressError' }, undefined, 'in progress']) {
      expect(isAlreadyInProgress(error)).toBe(false);
    }
  });
});
