import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_HANDLER, FUNCTION_NODE_OPTIONS } from '../bundling';
import { functionCode } from '../function-code';
import type { TableAccess } from '../manifest';
import { nagRef } from './nag';

export interface WeappFunctionProps {
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  /** The repository root: esbuild runs here and resolves dependencies from its node_modules. */
  readonly projectRoot: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMiB?: number;
  /** Concurrency set aside for this function alone (and its cap); none by default. */
  readonly reservedConcurrency?: number;
  readonly componentAppId: string;
  readonly wechatApiBase: string;
  /** Where Lambda puts async invocations that still fail after its own retries. */
  readonly deadLetterQueue?: IQueue;
  /** Runs the function in these subnets (fixed-IP egress); outside any VPC when absent. */
  readonly network?: FunctionNetwork;
}

export interface FunctionNetwork {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroup: ISecurityGroup;
}

/**
 * What Lambda needs to attach a function to a VPC: the network-interface actions, kept current
 * by AWS, plus `ec2:DescribeSubnets` (VPC_ACCESS_EXTRA_ACTIONS), which Lambda also lists as
 * required. Together they equal AWSLambdaVPCAccessExecutionRole without its
 * logs:CreateLogGroup/PutLogEvents on every log group. None of these actions supports
 * resource-level permissions, hence Resource *.
 */
export const VPC_ACCESS_MANAGED_POLICY = 'service-role/AWSLambdaENIManagementAccess';
export const VPC_ACCESS_EXTRA_ACTIONS = ['ec2:DescribeSubnets'];

/**
 * A platform Lambda: Node 24 on arm64, bundled locally by esbuild as ES modules with code
 * splitting (infra/bundling.ts: AWS SDK included so the handler runs against the exact SDK
 * version it was tested with; code reached only through `await import()` loads on first use),
 * its own log group and a role that can write to that log group and nothing else until granted more.
 */
export class WeappFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: WeappFunctionProps) {
    // The log group and role must exist before super(), so they are siblings, not children.
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
      // Instead of AWSLambdaBasicExecutionRole (AwsSolutions-IAM4): only this function's log group.
      inlinePolicies: {
        logs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
        ...(props.network && { network: new PolicyDocument({ statements: [new PolicyStatement({ actions: VPC_ACCESS_EXTRA_ACTIONS, resources: ['*'] })] }) }),
      },
      // On the role itself, not a separate policy: Lambda checks the ENI permissions when the function is created.
      managedPolicies: props.network ? [ManagedPolicy.fromAwsManagedPolicyName(VPC_ACCESS_MANAGED_POLICY)] : [],
    });

    super(scope, id, {
      code: functionCode(props.projectRoot, props.entry),
      handler: FUNCTION_HANDLER,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMiB ?? 256,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      // Adds xray:PutTraceSegments/PutTelemetryRecords to the role.
      tracing: Tracing.ACTIVE,
      deadLetterQueue: props.deadLetterQueue,
      vpc: props.network?.vpc,
      vpcSubnets: props.network?.subnets,
      securityGroups: props.network ? [props.network.securityGroup] : undefined,
      environment: {
        WECHAT_COMPONENT_APPID: props.componentAppId,
        WECHAT_API_BASE: props.wechatApiBase,
        POWERTOOLS_SERVICE_NAME: 'weapp-fleet',
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement added by Tracing.ACTIVE uses Resource *: xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords do not support resource-level permissions' +
        (props.network ? '; so does ec2:DescribeSubnets, which Lambda needs to attach the function to its VPC.' : '.'),
    });
    if (props.network) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${VPC_ACCESS_MANAGED_POLICY}]`,
        reason:
          'The function runs in the WeChat egress VPC; this AWS managed policy holds only the EC2 network-interface ' +
          'actions Lambda needs to attach it there, and AWS keeps it in step with what Lambda requires.',
      });
    }
  }

  /** Grants read (RO) or read/write (RW) on the table and its key, and tells the handler its name. */
  bindTable(table: ITableV2, access: Exclude<TableAccess, 'none'>): void {
    if (access === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
    this.addEnvironment('TABLE_NAME', table.tableName);

    const role = this.role;
    if (!role) throw new Error(`${this.node.path} has no role`);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagRef(this, table.tableArn)}/index/*]`,
      reason:
        'Queries go through the table GSIs (TABLE_SCHEMA.indexes); the grant covers the indexes of this ' +
        'one table only.',
    });
    if (access === 'RW' && table.encryptionKey) {
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            'DynamoDB needs these KMS action families to write items encrypted with the table key; the ' +
            'statement is limited to that single key ARN.',
        });
      }
    }
  }

  /** Lets the handler read the component credentials and tells it where they are. */
  grantComponentSecret(secret: ISecret): void {
    secret.grantRead(this);
    this.addEnvironment('COMPONENT_SECRET_ARN', secret.secretArn);
  }
}
