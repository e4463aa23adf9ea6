import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GenericLogger } from '@aws-lambda-powertools/commons/types';
import { logger } from '../logger';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from './metric-names';

/**
 * Powertools reports "No application metrics to publish" on every flush without metrics; most
 * admin requests emit none, so that notice goes to debug and every other one stays a warning.
 */
const diagnostics: GenericLogger = {
  trace: (...args: unknown[]) => logger.debug(String(args[0]), { source: 'metrics' }),
  debug: (...args: unknown[]) => logger.debug(String(args[0]), { source: 'metrics' }),
  info: (...args: unknown[]) => logger.info(String(args[0]), { source: 'metrics' }),
  warn: (...args: unknown[]) => {
    const message = String(args[0]);
    if (message.startsWith('No application metrics')) logger.debug(message, { source: 'metrics' });
    else logger.warn(message, { source: 'metrics' });
  },
  error: (...args: unknown[]) => logger.error(String(args[0]), { source: 'metrics' }),
};

/**
 * The process's one Metrics instance (CloudWatch embedded metric format on stdout). Metrics
 * added to it are buffered and flushed once per invocation; their only dimension is
 * `service`, which is what the alarms read.
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, logger: diagnostics });

/** Buffered with the invocation's other metrics, under `service` alone. */
export function addCount(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** A point-in-time value, buffered like a count. */
export function addGauge(name: MetricName, value: number, unit: 'Seconds' | 'Count'): void {
  metrics.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
}

/**
 * A count with its own dimensions, written at once as a record of its own so those
 * dimensions never attach to the invocation's other metrics. With `alsoUndimensioned` the
 * same record also counts under `service` alone (one more dimension set), giving alarms a
 * total that needs no metric math.
 */
export function emitDimensionedCount(name: MetricName, dimensions: Record<string, string>, { alsoUndimensioned = false } = {}): void {
  if (alsoUndimensioned) singleRecord.addDimensions({});
  singleRecord.addDimensions(dimensions);
  // A single-metric instance writes on `addMetric` and clears its dimensions, all synchronously,
  // so one instance serves every call; building one per call (a Console each) costs more than the write.
  singleRecord.addMetric(name, MetricUnit.Count, 1);
}

const singleRecord = metrics.singleMetric();
