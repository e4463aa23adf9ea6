import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { releaseDefinitionJson } from '../../statemachines/release-definition';
import { accessLogBucket } from './access-log-bucket';
import { nagRef } from './nag';

const NAME = 'weapp-fleet-release';

export interface ReleaseStateMachineProps {
  taskFunction: IFunction;
  substitution: string;
}

/**
 * The release pipeline, deployed from the very definition the local runner executes
 * (statemachines/release-definition.ts). Standard
 * workflow: an audit can take days, and a Standard execution may wait up to a year.
 */
export class ReleaseStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  /**
   * Built from the fixed name rather than taken from the resource: the pipeline function
   * resumes executions and the state machine invokes that function, so a reference either
   * way round would make a dependency cycle.
   */
  readonly stateMachineArn: string;
  /** Target lists of releases too large for the execution input (Distributed Map). */
  readonly targetsBucket: Bucket;
  private readonly executionsArn: string;

  constructor(scope: Construct, id: string, props: ReleaseStateMachineProps) {
    super(scope, id);
    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const stack = Stack.of(this);
    this.stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: NAME, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.executionsArn = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${NAME}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.stateMachine = new StateMachine(this, 'Release', {
      stateMachineName: NAME,
      stateMachineType: StateMachineType.STANDARD,
      // Inline, not an S3 asset: the definition is small and is then visible in the template.
      definitionBody: DefinitionBody.fromString(releaseDefinitionJson()),
      definitionSubstitutions: { [props.substitution]: props.taskFunction.functionArn },
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.days(30),
    });
    props.taskFunction.grantInvoke(this.stateMachine);

    const accessLogs = accessLogBucket(this, 'TargetListAccessLogs', { logsOf: 'the release target-list bucket', days: 90, ownership: ObjectOwnership.BUCKET_OWNER_PREFERRED });
    this.targetsBucket = new Bucket(this, 'TargetLists', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'target-lists/',
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    const role = this.stateMachine.role;
    // The Distributed Map's ItemReader (s3:getObject) reads the target list; each app runs as a child execution.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.targetsBucket.arnForObjects('releases/*')] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [this.executionsArn] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagRef(this, this.executionsArn)}]`,
      reason: 'The Distributed Map describes and stops its own child executions, whose names are generated at run time.',
    });
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagRef(this, this.targetsBucket.bucketArn)}/releases/*]`, reason: 'The Distributed Map reads release target lists under releases/ of the target-list bucket only.' });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing and CloudWatch Logs delivery for the state machine require Resource * (these actions support no resource-level permissions).',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagRef(this, props.taskFunction.functionArn)}:*]`,
      reason: 'Invoking the pipeline function by version or alias; the grant names that single function.',
    });
  }

  /** Start and stop executions of the release state machine; write target lists. A function also learns where both are. */
  grantOperate(grantee: IGrantable & { role?: IRole; addEnvironment?: (key: string, value: string) => unknown }): void {
    this.targetsBucket.grantPut(grantee, 'releases/*');
    grantee.addEnvironment?.('RELEASE_TARGETS_BUCKET', this.targetsBucket.bucketName);
    grantee.addEnvironment?.('RELEASE_STATE_MACHINE_ARN', this.stateMachineArn);
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StopExecution'], resources: [this.executionsArn] }));
    if (grantee.role) {
      Validations.of(grantee.role).acknowledge({ id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'Aborting multipart uploads, which the S3 put grant adds, limited to releases/ of the target-list bucket.' });
      Validations.of(grantee.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagRef(this, this.targetsBucket.bucketArn)}/releases/*]`, reason: 'The release admin writes target lists of large releases under releases/ of the target-list bucket only.' });
      Validations.of(grantee.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagRef(this, this.executionsArn)}]`,
        reason: 'Stopping executions of the release state machine only (cancelling a release); execution names are per release, so they end in a wildcard.',
      });
    }
  }

  /**
   * Resume waiting executions (the audit push, and the step that finds the audit already decided).
   * Success only: a rejected audit is an outcome the pipeline branches on, not a task failure.
   */
  grantTaskResponse(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.stateMachineArn] }));
  }
}
