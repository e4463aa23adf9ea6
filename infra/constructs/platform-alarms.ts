import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ALARM_THRESHOLD_SECONDS } from '../../functions/lib/observability/metric-names';
import { constructIdOf } from '../manifest';
import { METRIC, platformMetric } from './platform-metrics';

export interface PlatformAlarmsProps {
  /** Manifest name → deployed function; each gets an Errors and a Throttles alarm. */
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly releaseStateMachine?: IStateMachine;
  /** Queues holding failed asynchronous invocations; any message in one is an alarm. */
  readonly deadLetterQueues: ReadonlyMap<string, IQueue>;
  /** Subscribed to the alarm topic by email (the address confirms once). */
  readonly email?: string;
}

/** The refresher runs every 5 minutes; two runs per window so one late run is not an alarm. */
const REFRESHER_WINDOW = Duration.minutes(10);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * Every alarm of the platform, all sending to one KMS-encrypted SNS topic, each with a
 * description saying what it means and what to look at first.
 */
export class PlatformAlarms extends Construct {
  readonly topic: Topic;
  /** The alarms on the refresher's gauges, whose thresholds the dashboard draws. */
  readonly ticketStale: Alarm;
  readonly componentTokenExpiring: Alarm;
  readonly releaseStalled: Alarm;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);

    const key = new Key(this, 'TopicKey', {
      description: 'weapp-fleet alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to an encrypted topic only if it may use the topic's key.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: 'weapp-fleet alarms', masterKey: key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);

    this.ticketStale = this.add('TicketStale', {
      metric: platformMetric(METRIC.ticketAge, Stats.MAXIMUM, REFRESHER_WINDOW),
      threshold: ALARM_THRESHOLD_SECONDS.ticketAge,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The refresher reports the age; no report means the refresher itself stopped.
      treatMissingData: TreatMissingData.BREACHING,
      description:
        'The newest component_verify_ticket is older than 30 minutes, or the token refresher stopped reporting. WeChat pushes ' +
        'one every 10 minutes; without it the component token cannot be renewed. First: GET /admin/health and GET /admin/component; ' +
        'if the refresher is silent check the RefreshTokens function and its DLQ; if pushes are refused check PushesRejected on the ' +
        'dashboard and that the authorization event URL in the open platform is the ComponentEventsUrl output. Ask WeChat to ' +
        'push one now with POST /admin/component/ticket:push (the console dashboard\'s "Push again"); the refresher also asks ' +
        'on each run while the ticket is stale.',
    });

    this.componentTokenExpiring = this.add('ComponentTokenExpiring', {
      metric: platformMetric(METRIC.componentTokenSecondsToExpiry, Stats.MINIMUM, FIVE_MINUTES),
      threshold: ALARM_THRESHOLD_SECONDS.componentTokenExpiry,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      // Silence is TicketStale's alarm; one cause, one notification.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'The component_access_token expires within 15 minutes and has not been renewed (it is renewed well before that). Every ' +
        'WeChat call of the platform fails once it expires. First: GET /admin/component for the refresher\'s last run and error; ' +
        'a missing or stale ticket (TicketStale) or a changed appsecret in the component secret are the usual causes.',
    });

    this.add('AuthorizerRefreshFailed', {
      metric: platformMetric(METRIC.authorizerRefreshFailed, Stats.SUM, Duration.minutes(15)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'At least one authorizer access token failed to refresh in the last 15 minutes; that mini program\'s API calls fail once ' +
        'its token expires. First: the RefreshTokens function logs (errcode of the failure); GET /admin/authorizers/{appId} and ' +
        'POST /admin/authorizers/{appId}/token:refresh to retry one; errcode 61004 means the NAT addresses (WeChatEgressIp ' +
        'outputs) are missing from the IP whitelist.',
    });

    this.add('AuthorizersNeedReauthorization', {
      metric: platformMetric(METRIC.authorizersNeedingReauthorization, Stats.MAXIMUM, Duration.minutes(15)),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'Some mini programs\' refresh tokens are no longer accepted by WeChat; the platform cannot act for them until the ' +
        'merchant authorizes again. First: GET /admin/authorizers to find them, then POST /admin/authorizations for a new ' +
        'authorization link and send it to the merchant.',
    });

    this.add('AuditTrailWriteFailed', {
      metric: platformMetric(METRIC.auditTrailWriteFailures, Stats.SUM, FIVE_MINUTES),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'An admin request was answered but its audit-trail record was not written (the request is not failed for it: the ' +
        'change had already been made). The record is in the function\'s log line "audit trail write failed" (field ' +
        'record), so nothing is lost while logs are kept. First: that line\'s error (DynamoDB throttling or a timeout), ' +
        'then the table\'s metrics.',
    });

    this.releaseStalled = this.add('ReleaseStalled', {
      metric: platformMetric(METRIC.oldestRunningReleaseAge, Stats.MAXIMUM, Duration.hours(1)),
      threshold: ALARM_THRESHOLD_SECONDS.oldestRunningRelease,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Silence is TicketStale's alarm; one cause, one notification.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'A release has been running for more than 3 days: apps still in audit, held for approval nobody gave, or waiting for ' +
        'audit quota. Nothing fails, so nothing else fires. First: GET /admin/health (the releases part names the release and ' +
        'where its apps wait), then GET /admin/releases/{releaseId}; approve held apps (POST .../approve), look at delayed ' +
        'audits (GET /admin/authorizers/{appId}/audits/latest), or cancel the release.',
    });

    if (props.releaseStateMachine) {
      const machine = props.releaseStateMachine;
      this.add('ReleaseExecutionsFailed', {
        metric: machine.metricFailed({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          'A release execution failed. App-level failures never fail the execution (they end as failed targets), so this is ' +
          'the pipeline itself: the PipelineStep function, its permissions, or the target list. First: the failed execution in ' +
          'the Step Functions console (weapp-fleet-release) and GET /admin/releases/{releaseId}; after a fix, ' +
          'POST /admin/releases/{releaseId}/retry-failed.',
      });
      this.add('ReleaseExecutionsTimedOut', {
        metric: machine.metricTimedOut({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          'A release execution ran into its 30-day timeout, usually releases held for approval that nobody approved or audits ' +
          'WeChat never decided. First: GET /admin/releases/{releaseId} for the targets still open, then approve, cancel or ' +
          'POST /admin/releases/{releaseId}/retry-failed.',
      });
    }

    for (const [name, fn] of props.functions) {
      const id = constructIdOf(name);
      this.add(`${id}Errors`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          `The ${name} function failed (an unhandled error or a timeout; handled errors are answered, not counted). ` +
          `First: its log group for the error and its X-Ray traces; a timeout on a WeChat call points at the NAT egress.`,
      });
      this.add(`${id}Throttles`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          `Lambda throttled the ${name} function: the account's concurrency is used up. First: ConcurrentExecutions of the ` +
          'account; a large release (maxConcurrency) or a flood on the public callback URL are the usual causes.',
      });
    }

    for (const [name, queue] of props.deadLetterQueues) {
      this.add(`${constructIdOf(name)}DeadLetters`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          `Invocations of the ${name} function failed after every retry and were parked in its dead-letter queue. First: ` +
          'read a message (aws sqs receive-message) for the cause and the function\'s logs; once fixed, purge the queue ' +
          '(the next scheduled run does the work again).',
      });
    }
  }

  private add(id: string, props: { metric: IMetric; threshold: number; comparisonOperator: ComparisonOperator; treatMissingData: TreatMissingData; description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `weapp-fleet-${id}`,
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator,
      treatMissingData: props.treatMissingData,
      evaluationPeriods: 1,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
