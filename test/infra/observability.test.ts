import type { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../functions/lib/config';
import { ALARM_THRESHOLD_SECONDS, METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/lib/observability/metric-names';
import { FUNCTIONS, type FunctionDefinition } from '../../infra/manifest';
import { functionOf, only, platformFunctions, refId, render, resourceById, resources, type Resource, synthStack } from './stack-template';

const DEFINITIONS: [string, FunctionDefinition][] = Object.entries(FUNCTIONS);
const ALARM_EMAIL = 'ops@example.com';

type AlarmProperties = {
  AlarmName: string;
  AlarmDescription: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  Period?: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
};

describe('alarms, dashboard and tracing', () => {
  let template: Template;
  let alarms: AlarmProperties[];
  let topicId: string;
  let stateMachineId: string;

  beforeAll(() => {
    ({ template } = synthStack({ alarmEmail: ALARM_EMAIL }));
    alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as AlarmProperties);
    [topicId] = only(template, 'AWS::SNS::Topic');
    [stateMachineId] = only(template, 'AWS::StepFunctions::StateMachine');
  });

  function alarmOn(namespace: string, metricName: string, dimension?: { Name: string; Value: unknown }): AlarmProperties {
    const found = alarms.filter((a) => a.Namespace === namespace && a.MetricName === metricName && (!dimension || JSON.stringify(a.Dimensions) === JSON.stringify([dimension])));
    if (found.length !== 1) throw new Error(`expected one alarm on ${namespace}/${metricName} ${JSON.stringify(dimension)}, found ${found.length}`);
    return found[0]!;
  }
  const platformAlarm = (metricName: string): AlarmProperties => {
    const alarm = alarmOn(METRICS_NAMESPACE, metricName);
    // Exactly the emitters' dimension set, or the alarm reads nothing.
    expect(alarm.Dimensions).toEqual([{ Name: 'service', Value: METRICS_SERVICE }]);
    return alarm;
  };

  describe('alarms', () => {
    it('ticket older than 30 minutes, silence included', () => {
      expect(platformAlarm(METRIC.ticketAge)).toMatchObject({ Statistic: 'Maximum', Threshold: 1800, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'breaching' });
    });

    it('component token within 15 minutes of expiry', () => {
      expect(platformAlarm(METRIC.componentTokenSecondsToExpiry)).toMatchObject({ Statistic: 'Minimum', Threshold: 900, ComparisonOperator: 'LessThanThreshold' });
    });

    it('any authorizer refresh failure within 15 minutes', () => {
      expect(platformAlarm(METRIC.authorizerRefreshFailed)).toMatchObject({
        Statistic: 'Sum',
        Period: 900,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('any authorizer needing re-authorization', () => {
      expect(platformAlarm(METRIC.authorizersNeedingReauthorization)).toMatchObject({ Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    });

    it('a release running for more than 3 days', () => {
      expect(platformAlarm(METRIC.oldestRunningReleaseAge)).toMatchObject({ Statistic: 'Maximum', Period: 3600, Threshold: 259200, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    });

    it('any admin request answered without its audit-trail record', () => {
      expect(platformAlarm(METRIC.auditTrailWriteFailures)).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    });

    it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])('release state machine %s', (metricName) => {
      const alarm = alarmOn('AWS/States', metricName, { Name: 'StateMachineArn', Value: { Ref: stateMachineId } });
      expect(alarm).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });

    it('no alarm on aborted executions: cancelling a release stops its execution', () => {
      expect(alarms.filter((a) => a.MetricName === 'ExecutionsAborted')).toEqual([]);
    });

    it.each(DEFINITIONS)('%s: Errors and Throttles alarms', (_name, def) => {
      const [fnId] = functionOf(template, def);
      for (const metricName of ['Errors', 'Throttles']) {
        expect(alarmOn('AWS/Lambda', metricName, { Name: 'FunctionName', Value: { Ref: fnId } })).toMatchObject({
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    it('every dead-letter queue alarms on a visible message', () => {
      const queues = resources(template, 'AWS::SQS::Queue');
      expect(queues.length).toBeGreaterThan(0);
      for (const [queueId] of queues) {
        const alarm = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } });
        expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      }
    });

    it('every alarm notifies the one topic on alarm and on recovery, and says what it means and what to do first', () => {
      expect(alarms).toHaveLength(6 + 2 + DEFINITIONS.length * 2 + resources(template, 'AWS::SQS::Queue').length);
      for (const alarm of alarms) {
        expect({ name: alarm.AlarmName, actions: alarm.AlarmActions, ok: alarm.OKActions }).toEqual({ name: alarm.AlarmName, actions: [{ Ref: topicId }], ok: [{ Ref: topicId }] });
        expect({ name: alarm.AlarmName, firstStep: /First: /.test(alarm.AlarmDescription), long: alarm.AlarmDescription.length >= 100 }).toEqual({ name: alarm.AlarmName, firstStep: true, long: true });
        expect(alarm.AlarmDescription.length).toBeLessThanOrEqual(1024);
      }
    });

    it('the topic is encrypted with a key CloudWatch may use, and mails the given address', () => {
      const [, topic] = only(template, 'AWS::SNS::Topic');
      const key = resourceById(template, refId(topic.Properties?.KmsMasterKeyId));
      const statements = (key.Properties?.KeyPolicy as { Statement: { Principal?: { Service?: string }; Action: string | string[] }[] }).Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']) }));
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: ALARM_EMAIL, TopicArn: { Ref: topicId } });
    });
  });

  describe('dead-letter queues', () => {
    it('exactly the asynchronously invoked functions (EventBridge targets) have one; API Gateway and Step Functions invoke synchronously', () => {
      const targets = new Set(resources(template, 'AWS::Events::Rule').flatMap(([, rule]) => (rule.Properties?.Targets as { Arn: unknown }[]).map((t) => refId(t.Arn))));
      const withDlq = new Set(platformFunctions(template).filter(([, fn]) => fn.Properties?.DeadLetterConfig).map(([id]) => id));
      expect(targets.size).toBeGreaterThan(0);
      expect(withDlq).toEqual(targets);
    });
  });

  describe('dashboard', () => {
    let body: string;

    beforeAll(() => {
      const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard');
      body = render(dashboard.Properties?.DashboardBody);
    });

    it.each(Object.values(METRIC))('shows %s', (metricName) => {
      expect(body).toContain(metricName);
    });

    it.each([
      ['WeChat calls by errcode', `SEARCH('{${METRICS_NAMESPACE},Api,Errcode,service} MetricName=\\"${METRIC.wechatCalls}\\"`],
      ['release targets by final state', `SEARCH('{${METRICS_NAMESPACE},State,service} MetricName=\\"${METRIC.releaseTargetsFinal}\\"`],
      ['pushes received by type', `SEARCH('{${METRICS_NAMESPACE},Type,service} MetricName=\\"${METRIC.pushesReceived}\\"`],
      ['pushes rejected by reason', `SEARCH('{${METRICS_NAMESPACE},Reason,service} MetricName=\\"${METRIC.pushesRejected}\\"`],
    ])('finds %s with a SEARCH expression', (_what, expression) => {
      expect(body).toContain(expression);
    });

    it('labels each searched series with its dimension values, not the expression', () => {
      expect(body).toContain(`"label":"\${PROP('Dim.Api')} \${PROP('Dim.Errcode')}","expression":"SEARCH(`);
      expect(body).not.toMatch(/"label":"SEARCH\(/);
    });

    it('follows the release pipeline: executions started, succeeded, failed and running', () => {
      for (const metricName of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed']) {
        expect(body).toContain(`"AWS/States","${metricName}","StateMachineArn","<${stateMachineId}>"`);
      }
      expect(body).toMatch(/RUNNING_SUM\(FILL\(started, 0\) - FILL\(succeeded, 0\)/);
    });

    it.each([
      ['Verify ticket age (s)', METRIC.ticketAge],
      ['Component token time to expiry (s)', METRIC.componentTokenSecondsToExpiry],
      ['Oldest running release (s)', METRIC.oldestRunningReleaseAge],
    ])('draws the alarm threshold on "%s"', (title, metricName) => {
      const widgets = (JSON.parse(body) as { widgets: { properties: { title?: string; annotations?: { horizontal?: { value: number }[] } } }[] }).widgets;
      const graph = widgets.find((w) => w.properties.title === title);
      expect(graph?.properties.annotations?.horizontal?.map((a) => a.value)).toEqual([platformAlarm(metricName).Threshold]);
    });

    it.each(DEFINITIONS)('%s: errors, throttles and duration', (_name, def) => {
      const [fnId] = functionOf(template, def);
      for (const metricName of ['Errors', 'Throttles', 'Duration']) expect(body).toContain(`"AWS/Lambda","${metricName}","FunctionName","<${fnId}>"`);
    });
  });

  describe('thresholds', () => {
    it('the alarms fire where metric-names.ts says', () => {
      expect(platformAlarm(METRIC.ticketAge).Threshold).toBe(ALARM_THRESHOLD_SECONDS.ticketAge);
      expect(platformAlarm(METRIC.componentTokenSecondsToExpiry).Threshold).toBe(ALARM_THRESHOLD_SECONDS.componentTokenExpiry);
      expect(platformAlarm(METRIC.oldestRunningReleaseAge).Threshold).toBe(ALARM_THRESHOLD_SECONDS.oldestRunningRelease);
    });

    it('GET /admin/health calls a ticket or a release late where the alarms do, unless configured otherwise', () => {
      const env = loadConfig({ TABLE_NAME: 'weapp-fleet', WECHAT_COMPONENT_APPID: 'wx1234567890abcdef' });
      expect(env.HEALTH_TICKET_MAX_AGE_SECONDS).toBe(platformAlarm(METRIC.ticketAge).Threshold);
      expect(env.HEALTH_RELEASE_MAX_AGE_SECONDS).toBe(platformAlarm(METRIC.oldestRunningReleaseAge).Threshold);
    });
  });

  describe('tracing', () => {
    it.each(DEFINITIONS)('%s: Lambda tracing is Active', (_name, def) => {
      expect(functionOf(template, def)[1].Properties?.TracingConfig).toEqual({ Mode: 'Active' });
    });

    it('the release state machine traces', () => {
      expect((resourceById(template, stateMachineId) as Resource).Properties?.TracingConfiguration).toEqual({ Enabled: true });
    });
  });
});
