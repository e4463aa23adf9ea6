import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Parks failed asynchronous invocations of one scheduled function for inspection and redrive. */
export class FailedInvocationQueue extends Queue {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      // SQS-managed SSE: EventBridge can deliver to it without a key policy for events.amazonaws.com.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  }
}

export interface ScheduledInvocationProps {
  readonly fn: IFunction;
  /** EventBridge schedule expression, e.g. `rate(5 minutes)`. */
  readonly expression: string;
  readonly deadLetterQueue: FailedInvocationQueue;
}

/** An EventBridge rule invoking a function on a schedule; undeliverable events go to the DLQ. */
export class ScheduledInvocation extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ScheduledInvocationProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      schedule: Schedule.expression(props.expression),
      description: `Invokes ${props.fn.node.path} on ${props.expression}`,
    });
    this.rule.addTarget(
      new LambdaFunction(props.fn, {
        retryAttempts: 2,
        // A tick older than this has been superseded by later ticks.
        maxEventAge: Duration.hours(1),
        deadLetterQueue: props.deadLetterQueue,
      }),
    );
  }
}
