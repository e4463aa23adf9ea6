import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  Dashboard,
  GraphWidget,
  HorizontalAnnotation,
  type IMetric,
  MathExpression,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, platformMetric, searchByDimension } from './platform-metrics';

export interface PlatformDashboardProps {
  readonly dashboardName: string;
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly releaseStateMachine?: IStateMachine;
  /** Drawn as a line on the graph of the metric each watches. */
  readonly alarms: { readonly ticketStale: Alarm; readonly componentTokenExpiring: Alarm; readonly releaseStalled: Alarm };
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;
const HEIGHT = 6;

/**
 * One page for an operator: tokens and tickets first (nothing works without them), then
 * WeChat's answers, pushes, audits and releases, then the functions themselves.
 */
export class PlatformDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    const graph = (title: string, left: IMetric[], extra: { leftAnnotations?: HorizontalAnnotation[]; stacked?: boolean } = {}): GraphWidget =>
      new GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...extra });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(6) });

    this.dashboard.addWidgets(
      new TextWidget({ markdown: '## Tokens and tickets', width: 24, height: 1 }),
      graph('Verify ticket age (s)', [platformMetric(METRIC.ticketAge, Stats.MAXIMUM, PERIOD, 'ticket age')], {
        leftAnnotations: [props.alarms.ticketStale.toAnnotation()],
      }),
      graph('Component token time to expiry (s)', [platformMetric(METRIC.componentTokenSecondsToExpiry, Stats.MINIMUM, PERIOD, 'seconds to expiry')], {
        leftAnnotations: [props.alarms.componentTokenExpiring.toAnnotation()],
      }),
      graph('Authorizer token refreshes', [
        platformMetric(METRIC.authorizerRefreshOk, Stats.SUM, PERIOD, 'refreshed'),
        platformMetric(METRIC.authorizerRefreshFailed, Stats.SUM, PERIOD, 'failed'),
      ]),
      graph('Authorizers needing re-authorization', [platformMetric(METRIC.authorizersNeedingReauthorization, Stats.MAXIMUM, PERIOD, 'need re-authorization')]),

      new TextWidget({ markdown: '## WeChat, pushes and audits', width: 24, height: 1 }),
      graph('WeChat calls by API and errcode (0 = ok)', [searchByDimension(METRIC.wechatCalls, ['Api', 'Errcode'], PERIOD)], { stacked: true }),
      graph('Pushes received by type', [searchByDimension(METRIC.pushesReceived, ['Type'], PERIOD)], { stacked: true }),
      graph('Pushes rejected by reason', [searchByDimension(METRIC.pushesRejected, ['Reason'], PERIOD)], { stacked: true }),
      graph('Audits', [
        platformMetric(METRIC.auditsPassed, Stats.SUM, PERIOD, 'passed'),
        platformMetric(METRIC.auditsRejected, Stats.SUM, PERIOD, 'rejected'),
        platformMetric(METRIC.auditsDelayed, Stats.SUM, PERIOD, 'delayed'),
      ]),
    );

    const release = [
      new TextWidget({ markdown: '## Releases', width: 24, height: 1 }),
      graph('Release targets by final state', [searchByDimension(METRIC.releaseTargetsFinal, ['State'], PERIOD)], { stacked: true }),
      graph('Oldest running release (s)', [platformMetric(METRIC.oldestRunningReleaseAge, Stats.MAXIMUM, PERIOD, 'age')], {
        leftAnnotations: [props.alarms.releaseStalled.toAnnotation()],
      }),
    ];
    if (props.releaseStateMachine) {
      const machine = props.releaseStateMachine;
      const started = machine.metricStarted({ period: PERIOD, statistic: Stats.SUM, label: 'started' });
      const succeeded = machine.metricSucceeded({ period: PERIOD, statistic: Stats.SUM, label: 'succeeded' });
      const failed = machine.metricFailed({ period: PERIOD, statistic: Stats.SUM, label: 'failed' });
      const timedOut = machine.metricTimedOut({ period: PERIOD, statistic: Stats.SUM });
      const aborted = machine.metricAborted({ period: PERIOD, statistic: Stats.SUM });
      // Step Functions publishes no running count; started minus ended, summed over the graph's range, approximates it.
      const running = new MathExpression({
        expression: 'RUNNING_SUM(FILL(started, 0) - FILL(succeeded, 0) - FILL(failed, 0) - FILL(timedOut, 0) - FILL(aborted, 0))',
        usingMetrics: { started, succeeded, failed, timedOut, aborted },
        label: 'running (started − ended within the range)',
        period: PERIOD,
      });
      release.push(graph('Release executions', [started, succeeded, failed, running]));
    }
    this.dashboard.addWidgets(...release);

    const functions = [...props.functions.entries()];
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '## Functions', width: 24, height: 1 }),
      graph('Errors', functions.map(([name, fn]) => fn.metricErrors({ period: PERIOD, statistic: Stats.SUM, label: name }))),
      graph('Throttles', functions.map(([name, fn]) => fn.metricThrottles({ period: PERIOD, statistic: Stats.SUM, label: name }))),
      // Admin requests answered without their audit-trail record (the alarm AuditTrailWriteFailed).
      new GraphWidget({ title: 'Audit-trail records not written', left: [platformMetric(METRIC.auditTrailWriteFailures, Stats.SUM, PERIOD, 'not written')], width: 24, height: HEIGHT }),
      new GraphWidget({
        title: 'Duration p99 (ms)',
        left: functions.map(([name, fn]) => fn.metricDuration({ period: PERIOD, statistic: Stats.p(99), label: name })),
        width: 24,
        height: HEIGHT,
      }),
    );
  }
}
