import { Match, type Template } from 'aws-cdk-lib/assertions';
import { TABLE_SCHEMA } from '../../functions/lib/store/table-schema';
import { FUNCTIONS, type FunctionDefinition, ROUTES } from '../../infra/manifest';
import { actionsOf, functionOf, functionRole, only, platformFunctions, type Resource, synthStack, TEST_APP_ID as APP_ID } from './stack-template';

const DEFINITIONS: [string, FunctionDefinition][] = Object.entries(FUNCTIONS);

function synth(stackProps: Parameters<typeof synthStack>[0] = {}, bundle = true): Template {
  return synthStack(stackProps, { bundle }).template;
}

/** Every IAM action the function's role is allowed, from its inline policies and attached AWS::IAM::Policy resources. */
function allowedActions(template: Template, fn: Resource): string[] {
  return functionRole(template, fn).statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
}

describe('WeappFleetStack', () => {
  let template: Template;
  let tableId: string;

  // esbuild bundles every function here; on two busy cores that can outlast the default hook timeout.
  beforeAll(() => {
    template = synth();
    [tableId] = only(template, 'AWS::DynamoDB::GlobalTable');
  }, 120_000);

  describe('table', () => {
    it('has the keys, GSIs and TTL of TABLE_SCHEMA', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) =>
          Match.objectLike({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
        ]),
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('is encrypted with a rotating customer-managed key, has PITR and deletion protection, and is retained', () => {
      const [, table] = only(template, 'AWS::DynamoDB::GlobalTable');
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties?.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      const replicas = table.Properties?.Replicas as Record<string, unknown>[];
      expect(replicas).toHaveLength(1);
      expect(replicas[0]).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      });
      const keyId = (replicas[0]?.SSESpecification as { KMSMasterKeyId: { 'Fn::GetAtt': [string] } }).KMSMasterKeyId['Fn::GetAtt'][0];
      expect(template.toJSON().Resources[keyId]).toMatchObject({
        Type: 'AWS::KMS::Key',
        Properties: { EnableKeyRotation: true },
      });
    });
  });

  describe('functions', () => {
    it('deploys one Lambda function per FUNCTIONS entry', () => {
      expect(platformFunctions(template)).toHaveLength(DEFINITIONS.length);
    });

    it.each(DEFINITIONS)('%s: Node 24 on arm64, traced, with its table and WeChat settings', (_name, def) => {
      const [, fn] = functionOf(template, def);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        // index.mjs: the ES module entry of the code-split bundle (infra/bundling.ts).
        Handler: 'index.handler',
        Architectures: ['arm64'],
        Timeout: def.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            ...(def.table === 'none' ? {} : { TABLE_NAME: { Ref: tableId } }),
            WECHAT_COMPONENT_APPID: APP_ID,
            WECHAT_API_BASE: 'https://api.weixin.qq.com',
            POWERTOOLS_SERVICE_NAME: 'weapp-fleet',
            LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
      const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect('COMPONENT_SECRET_ARN' in variables).toBe(def.componentSecret);
      expect('TOKEN_KEY_ARN' in variables).toBe(Boolean(def.tokenKey));
    });

    it.each(DEFINITIONS)('%s: logs to its own log group with a retention', (_name, def) => {
      const [, fn] = functionOf(template, def);
      const logGroupRef = (fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.toJSON().Resources[logGroupRef]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    });
  });

  describe('IAM', () => {
    it.each(DEFINITIONS)('%s: table reads unless its access is none, writes only with RW access', (_name, def) => {
      const actions = allowedActions(template, functionOf(template, def)[1]);
      for (const read of ['dynamodb:GetItem', 'dynamodb:Query']) expect(actions.includes(read)).toBe(def.table !== 'none');
      for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
        expect(actions.includes(write)).toBe(def.table === 'RW');
      }
    });

    it('openApi has no grant on the table or its key, and no TABLE_NAME', () => {
      const [, fn] = functionOf(template, FUNCTIONS.openApi);
      expect(allowedActions(template, fn).filter((a) => /^(dynamodb|kms):/.test(a))).toEqual([]);
      expect((fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('TABLE_NAME');
    });

    it.each(DEFINITIONS)('%s: secret access only with componentSecret or paymentStore', (_name, def) => {
      const actions = allowedActions(template, functionOf(template, def)[1]);
      expect(actions.includes('secretsmanager:GetSecretValue')).toBe(def.componentSecret || Boolean((def as { paymentStore?: boolean }).paymentStore));
      // Only the payment function may create secrets (one per merchant, under its prefix).
      expect(actions.includes('secretsmanager:CreateSecret')).toBe(Boolean((def as { paymentStore?: boolean }).paymentStore));
    });

    it('keeps payment certificates in a private, versioned, KMS-encrypted, TLS-only bucket', () => {
      const buckets = Object.values(template.findResources('AWS::S3::Bucket')) as Resource[];
      // The only bucket with a customer-managed key.
      const certificates = buckets.find((b) => JSON.stringify(b.Properties?.BucketEncryption).includes('aws:kms'));
      expect(certificates).toBeDefined();
      expect(certificates!.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(certificates!.Properties?.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as Resource[];
      expect(policies.some((p) => JSON.stringify(p.Properties?.PolicyDocument).includes('aws:SecureTransport'))).toBe(true);
    });

    it('the read-only admin function cannot write the table', () => {
      const actions = allowedActions(template, functionOf(template, FUNCTIONS.adminComponent)[1]);
      expect(actions).not.toContain('dynamodb:PutItem');
      expect(actions).not.toContain('secretsmanager:GetSecretValue');
    });
  });

  describe('release state machine', () => {
    it('is a Standard workflow deployed from the release definition (statemachines/release-definition.ts) with the pipeline function substituted', () => {
      const [, machine] = only(template, 'AWS::StepFunctions::StateMachine', {});
      expect(machine.Properties?.StateMachineType).toBe('STANDARD');
      expect(machine.Properties?.StateMachineName).toBe('weapp-fleet-release');
      const substitutions = machine.Properties?.DefinitionSubstitutions as Record<string, unknown>;
      expect(JSON.stringify(substitutions.PipelineFunctionArn)).toContain(functionOf(template, FUNCTIONS.pipelineStep)[0]);
      expect(JSON.stringify(machine.Properties?.DefinitionString)).toContain('waitForTaskToken');
      expect(machine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
    });

    it('lets only the release admin start executions, and only the audit path resume them', () => {
      for (const [name] of Object.entries(FUNCTIONS)) {
        const actions = allowedActions(template, functionOf(template, FUNCTIONS[name as keyof typeof FUNCTIONS])[1]);
        expect(actions.includes('states:StartExecution')).toBe(name === 'adminReleases');
        expect(actions.includes('states:SendTaskSuccess')).toBe(name === 'pipelineStep' || name === 'authorizerEvents');
      }
    });
  });

  describe('HTTP API', () => {
    it('has one route per ROUTES entry', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    });

    it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
      '%s: routed to its function with the right authorization',
      (routeKey, route) => {
        const [, resource] = only(template, 'AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
        expect(resource.Properties?.AuthorizationType).toBe(route.auth === 'admin' ? 'JWT' : 'NONE');
        const [fnId] = functionOf(template, FUNCTIONS[route.function]);
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Principal: 'apigateway.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        });
      },
    );

    it('admin routes use a Cognito JWT authorizer for the console client', () => {
      const [poolId] = only(template, 'AWS::Cognito::UserPool');
      const [clientId] = only(template, 'AWS::Cognito::UserPoolClient');
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        JwtConfiguration: {
          Audience: [{ Ref: clientId }],
          Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: poolId }])] },
        },
      });
    });

    it('has a throttled $default stage with access logs', () => {
      const [, stage] = only(template, 'AWS::ApiGatewayV2::Stage');
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] }, Format: expect.stringContaining('$context.requestId') },
      });
      const logGroupId = (stage.Properties?.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } }).DestinationArn['Fn::GetAtt'][0];
      expect(template.toJSON().Resources[logGroupId]).toMatchObject({ Properties: { RetentionInDays: 30 } });
    });
  });

  describe('admin user pool', () => {
    it('is invitation-only with TOTP MFA required, a strong password policy and threat protection', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: Match.anyValue(), RequireSymbols: true }) },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      });
    });

    it('has a console client without a secret', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
    });

    it('has one group per role in the pool, the stronger role first', () => {
      const [poolId] = only(template, 'AWS::Cognito::UserPool');
      const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((r) => r.Properties as { GroupName: string; Precedence: number; UserPoolId: unknown });
      expect(groups.map((g) => g.GroupName).sort()).toEqual(['admin', 'operator', 'viewer']);
      for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: poolId });
      const precedence = Object.fromEntries(groups.map((g) => [g.GroupName, g.Precedence]));
      expect(precedence.admin).toBeLessThan(precedence.operator!);
      expect(precedence.operator).toBeLessThan(precedence.viewer!);
    });
  });

  describe('schedules', () => {
    const scheduled = DEFINITIONS.filter(([, def]) => def.schedule);

    it('has one EventBridge rule per scheduled function', () => {
      expect(scheduled.length).toBeGreaterThan(0);
      template.resourceCountIs('AWS::Events::Rule', scheduled.length);
    });

    it.each(scheduled)('%s: invoked on its schedule with retries and an encrypted, SSL-only DLQ', (_name, def) => {
      const [fnId, fn] = functionOf(template, def);
      const [, rule] = only(template, 'AWS::Events::Rule', { ScheduleExpression: def.schedule?.expression });
      const targets = rule.Properties?.Targets as Record<string, unknown>[];
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number) },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      });
      const queueId = (targets[0]?.DeadLetterConfig as { Arn: { 'Fn::GetAtt': [string] } }).Arn['Fn::GetAtt'][0];
      expect(template.toJSON().Resources[queueId]).toMatchObject({
        Type: 'AWS::SQS::Queue',
        Properties: { SqsManagedSseEnabled: true },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      // The function's own async failures go to the same queue.
      expect(fn.Properties?.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    });

    it('refreshes tokens every five minutes', () => {
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    });
  });

  describe('component secret', () => {
    it('is a KMS-encrypted JSON secret with appSecret, token and aesKey', () => {
      const [, secret] = only(template, 'AWS::SecretsManager::Secret', { Name: 'weapp-fleet/component' });
      const generate = secret.Properties?.GenerateSecretString as { SecretStringTemplate: string; GenerateStringKey: string };
      const keys = [...Object.keys(JSON.parse(generate.SecretStringTemplate) as object), generate.GenerateStringKey];
      expect(keys.sort()).toEqual(['aesKey', 'appSecret', 'token']);
      const keyId = (secret.Properties?.KmsKeyId as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      expect(template.toJSON().Resources[keyId]).toMatchObject({
        Type: 'AWS::KMS::Key',
        Properties: { EnableKeyRotation: true },
      });
    });
  });

  describe('outputs', () => {
    it.each(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'ComponentSecretArn', 'WeChatEgressIp1', 'WeChatEgressIp2', 'ConsoleUrl', 'AlarmTopicArn', 'DashboardName'])(
      'exports %s',
      (name) => {
        template.hasOutput(name, {});
      },
    );

    it('subscribes no email to the alarms unless one is given', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('exports the authorization-event URL', () => {
      const outputs = template.findOutputs('ComponentEventsUrl');
      expect(JSON.stringify(outputs)).toContain('/wechat/component/events');
    });
  });
});

describe('WeappFleetStack follows the manifest', () => {
  it('deploys an added function and route without stack changes', () => {
    const template = synth(
      {
        functions: {
          ...FUNCTIONS,
          extraAdmin: { ...FUNCTIONS.adminComponent, description: 'extra admin function', schedule: { expression: 'rate(1 hour)', localIntervalMs: 1000 } },
        },
        routes: [...ROUTES, { method: 'DELETE', path: '/admin/extra/{id}', function: 'extraAdmin', auth: 'admin' }],
      },
      false,
    );
    expect(platformFunctions(template)).toHaveLength(DEFINITIONS.length + 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length + 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'DELETE /admin/extra/{id}', AuthorizationType: 'JWT' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });
});
