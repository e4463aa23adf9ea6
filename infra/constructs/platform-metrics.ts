import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from '../../functions/lib/observability/metric-names';

/**
 * The platform's own metrics as CloudWatch reads them, shared by the alarms and the dashboard.
 * Names come from functions/lib/observability/metric-names.ts, which the emitters use too.
 */
export function platformMetric(metricName: MetricName, statistic: string, period: Duration, label?: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    // Exactly the emitters' dimension set: CloudWatch matches dimensions exactly, an extra one reads nothing.
    dimensionsMap: { service: METRICS_SERVICE },
    statistic,
    period,
    label,
  });
}

/**
 * Every series of a metric emitted with one extra dimension (WeChatCalls by Api and Errcode,
 * PushesReceived by Type, …): their values are only known at run time, so a SEARCH expression
 * finds them instead of one Metric per value. Each series is labelled with its dimension
 * values (a CloudWatch dynamic label); without one every series would show the expression.
 */
export function searchByDimension(metricName: MetricName, dimensions: readonly string[], period: Duration): MathExpression {
  const schema = [METRICS_NAMESPACE, ...dimensions, 'service'].join(',');
  return new MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${metricName}" service="${METRICS_SERVICE}"', '${Stats.SUM}', ${period.toSeconds()})`,
    label: dimensions.map((dimension) => `\${PROP('Dim.${dimension}')}`).join(' '),
    period,
    usingMetrics: {},
  });
}

export { METRIC };
