import { METRIC } from './metric-names';
import { addCount, emitDimensionedCount } from './metrics';

/**
 * The audit outcomes that are counted, by the audit store's status names (spelled here, not
 * imported: observability depends on no store, so no store's import of it makes a cycle).
 */
const AUDIT_METRIC: Partial<Record<string, (typeof METRIC)[keyof typeof METRIC]>> = {
  passed: METRIC.auditsPassed,
  rejected: METRIC.auditsRejected,
  delayed: METRIC.auditsDelayed,
};

/** An audit reached `status` (pushed or polled); called once per change of an audit's status. */
export function countAuditOutcome(status: string): void {
  const name = AUDIT_METRIC[status];
  if (name) addCount(name);
}

/**
 * A release target reached a state it stays in until someone acts (released, held,
 * gray_released, failed, cancelled, rolled_back). Also counted under `service` alone, for a fleet-wide total.
 */
export function countReleaseTargetFinal(state: string): void {
  emitDimensionedCount(METRIC.releaseTargetsFinal, { State: state }, { alsoUndimensioned: true });
}
