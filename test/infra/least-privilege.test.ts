import { CfnElement, type Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { VPC_ACCESS_EXTRA_ACTIONS, VPC_ACCESS_MANAGED_POLICY } from '../../infra/constructs/weapp-function';
import { DEFAULT_PAYMENT_SECRET_PREFIX } from '../../functions/lib/config';
import { DATA_KEY_PURPOSE } from '../../functions/lib/crypto-at-rest/data-keys';
import { constructIdOf, FUNCTIONS, ROUTES, type FunctionDefinition } from '../../infra/manifest';
import { actionsOf, functionOf, functionRole, only, refId, type RolePolicies, render, resources, resourcesOf, rolePolicies, type Statement, synthStack } from './stack-template';

const DEFINITIONS: [string, FunctionDefinition][] = Object.entries(FUNCTIONS);

/**
 * The only actions granted on Resource "*", each because AWS offers no resource-level
 * permission for it.
 */
const WILDCARD_ACTIONS: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray tracing (Lambda and Step Functions)',
  'xray:PutTelemetryRecords': 'X-Ray tracing (Lambda and Step Functions)',
  'ec2:DescribeSubnets': 'Lambda attaching a function to the WeChat egress VPC',
  'xray:GetSamplingRules': 'X-Ray tracing (Step Functions)',
  'xray:GetSamplingTargets': 'X-Ray tracing (Step Functions)',
  'logs:CreateLogDelivery': 'Step Functions execution logs (vended log delivery)',
  'logs:GetLogDelivery': 'Step Functions execution logs (vended log delivery)',
  'logs:UpdateLogDelivery': 'Step Functions execution logs (vended log delivery)',
  'logs:DeleteLogDelivery': 'Step Functions execution logs (vended log delivery)',
  'logs:ListLogDeliveries': 'Step Functions execution logs (vended log delivery)',
  'logs:PutResourcePolicy': 'Step Functions execution logs (vended log delivery)',
  'logs:DescribeResourcePolicies': 'Step Functions execution logs (vended log delivery)',
  'logs:DescribeLogGroups': 'Step Functions execution logs (vended log delivery)',
  'cloudfront:CreateInvalidation': 'the console deployment invalidating CloudFront (granted so by aws-cdk-lib)',
  'cloudfront:GetInvalidation': 'the console deployment invalidating CloudFront (granted so by aws-cdk-lib)',
};
/** What a platform function may get on "*": tracing only. */
const FUNCTION_WILDCARD_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
/** The ENI actions Lambda needs for a VPC function: this AWS managed policy plus VPC_ACCESS_EXTRA_ACTIONS. */
const VPC_ACCESS_POLICY_ARN = `arn:<AWS::Partition>:iam::aws:policy/${VPC_ACCESS_MANAGED_POLICY}`;

/**
 * Every Step Functions action a function may hold on the release state machine, and the manifest
 * flag it comes with: exactly the calls the release code makes, so any other one is unexpected.
 */
const RELEASE_ACTIONS: Record<string, 'startsReleases' | 'resumesReleases'> = {
  'states:StartExecution on stateMachine': 'startsReleases',
  'states:StopExecution on execution': 'startsReleases',
  'states:SendTaskSuccess on stateMachine': 'resumesReleases',
};

const TABLE_WRITES = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);

/** Which construct directly under the stack (`Platform`, `Payment`, `ReleasePipeline`, …) made each resource. */
function ownersByLogicalId(stack: Stack): Map<string, string> {
  const owners = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (construct instanceof CfnElement) owners.set(stack.resolve(construct.logicalId) as string, construct.node.scopes[2]?.node.id ?? '');
  }
  return owners;
}

/** Specific: tied to a resource of this stack, or an ARN whose resource part does not start with a wildcard. */
function isSpecific(resource: string, owners: Map<string, string>): boolean {
  const anchor = /^<([A-Za-z0-9]+)[.>]/.exec(resource)?.[1];
  if (anchor) return owners.has(anchor);
  const parts = withoutPseudoColons(resource).split(':');
  return parts[0] === 'arn' && parts.length >= 6 && parts[2] !== '*' && !parts.slice(5).join(':').startsWith('*');
}

/** `<AWS::AccountId>` → `{AccountId}`, so an ARN splits on its own colons. */
const withoutPseudoColons = (resource: string): string => resource.replace(/<AWS::(\w+)>/g, '{$1}');

describe('least privilege', () => {
  let template: Template;
  let owners: Map<string, string>;

  beforeAll(() => {
    const synth = synthStack();
    template = synth.template;
    owners = ownersByLogicalId(synth.stack);
  });

  /** What one (action, resource) pair grants, in the manifest's terms; `unexpected:` when it fits none. */
  function grantOf(functionId: string, action: string, resource: string, statement: Statement): string {
    if (resource === '*') {
      if (FUNCTION_WILDCARD_ACTIONS.has(action)) return 'tracing';
      return VPC_ACCESS_EXTRA_ACTIONS.includes(action) ? 'vpcAccess' : `unexpected:${action} on *`;
    }
    const owner = owners.get(/^<([A-Za-z0-9]+)/.exec(resource)?.[1] ?? '') ?? '';
    if (owner === 'Platform') return actionsOf(statement).some((a) => TABLE_WRITES.has(a)) ? 'table:RW' : 'table:RO';
    if (owner === 'Component') return 'componentSecret';
    if (owner === 'TokenKey') return 'tokenKey';
    if (owner === 'Payment' || resource.includes(`:secret:${DEFAULT_PAYMENT_SECRET_PREFIX}`)) return 'paymentStore';
    if (owner === `${functionId}FunctionLogs`) return 'ownLogs';
    if (owner === `${functionId}FailedInvocations`) return 'deadLetterQueue';
    if (owner === 'ReleasePipeline' && action.startsWith('s3:')) return 'startsReleases';
    const target = /:states:[^:]+:[^:]+:(stateMachine|execution):weapp-fleet-release/.exec(withoutPseudoColons(resource))?.[1];
    const releaseGrant = target && RELEASE_ACTIONS[`${action} on ${target}`];
    if (releaseGrant) return releaseGrant;
    return `unexpected:${action} on ${resource}`;
  }

  function grantsOf(name: string, role: RolePolicies): Set<string> {
    const functionId = constructIdOf(name);
    const grants = new Set<string>();
    for (const statement of role.statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of actionsOf(statement)) {
        for (const resource of resourcesOf(statement).map(render)) grants.add(grantOf(functionId, action, resource, statement));
      }
    }
    // The table is read-write when any statement writes it.
    if (grants.has('table:RW')) grants.delete('table:RO');
    for (const arn of role.managedPolicies) grants.add(arn === VPC_ACCESS_POLICY_ARN ? 'vpcAccess' : `unexpected:managed ${arn}`);
    return grants;
  }

  it.each(DEFINITIONS)('%s: gets exactly what its manifest entry says', (name, def) => {
    const expected = new Set(['ownLogs', 'tracing']);
    if (def.table !== 'none') expected.add(`table:${def.table}`);
    if (def.tokenKey) expected.add('tokenKey');
    if (def.componentSecret) expected.add('componentSecret');
    if (def.paymentStore) expected.add('paymentStore');
    if (def.startsReleases) expected.add('startsReleases');
    if (def.resumesReleases) expected.add('resumesReleases');
    if (def.callsWeChat) expected.add('vpcAccess');
    if (def.schedule) expected.add('deadLetterQueue');
    expect([...grantsOf(name, functionRole(template, functionOf(template, def)[1]))].sort()).toEqual([...expected].sort());
  });

  it.each(DEFINITIONS.filter(([, def]) => def.startsReleases || def.resumesReleases))('%s: exactly the Step Functions actions the release code calls', (_name, def) => {
    const held = functionRole(template, functionOf(template, def)[1])
      .statements.filter((s) => s.Effect === 'Allow')
      .flatMap((s) => actionsOf(s).filter((a) => a.startsWith('states:')).flatMap((a) => resourcesOf(s).map((r) => `${a} on ${/:(stateMachine|execution):/.exec(render(r))?.[1] ?? render(r)}`)));
    const expected = Object.entries(RELEASE_ACTIONS)
      .filter(([, grant]) => def[grant])
      .map(([grant]) => grant);
    expect(held.sort()).toEqual(expected.sort());
  });

  /** Every (action on resource) pair of a role's Allow statements on S3 and KMS. */
  function storageGrants(role: RolePolicies): string[] {
    return role.statements
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => actionsOf(s).filter((a) => /^(s3|kms):/.test(a)).flatMap((a) => resourcesOf(s).map((r) => `${a} on ${render(r)}`)));
  }

  it.each(DEFINITIONS.filter(([, def]) => def.paymentStore))('%s: writes and deletes certificates, never reads or lists them, and holds the payment key once', (_name, def) => {
    const [bucketId] = resources(template, 'AWS::S3::Bucket').find(([id]) => owners.get(id) === 'Payment' && JSON.stringify(template.toJSON().Resources[id]).includes('aws:kms'))!;
    const [keyId] = resources(template, 'AWS::KMS::Key').find(([id]) => owners.get(id) === 'Payment')!;
    const grants = storageGrants(functionRole(template, functionOf(template, def)[1])).filter((g) => g.includes(`<${bucketId}.`) || g.includes(`<${keyId}.`));
    const objects = `<${bucketId}.Arn>/payment/*`;
    const key = `<${keyId}.Arn>`;
    expect(grants.sort()).toEqual(
      [
        ...['s3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:Abort*', 's3:DeleteObject*'].map((a) => `${a} on ${objects}`),
        ...['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Decrypt'].map((a) => `${a} on ${key}`),
      ].sort(),
    );
  });

  it.each(DEFINITIONS)('%s: the token key only if it uses tokens, exactly GenerateDataKey and Decrypt, only for tokens at rest', (_name, def) => {
    const [keyId] = resources(template, 'AWS::KMS::Key').find(([id]) => owners.get(id) === 'TokenKey')!;
    const statements = functionRole(template, functionOf(template, def)[1]).statements.filter((s) => s.Effect === 'Allow' && resourcesOf(s).map(render).includes(`<${keyId}.Arn>`));
    if (!def.tokenKey) {
      expect(statements).toEqual([]);
      return;
    }
    expect(statements.map((s) => ({ actions: actionsOf(s).sort(), resources: resourcesOf(s).map(render), condition: s.Condition }))).toEqual([
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [`<${keyId}.Arn>`], condition: { StringEquals: { 'kms:EncryptionContext:purpose': DATA_KEY_PURPOSE } } },
    ]);
  });

  it('grants the token key to the functions that use tokens and to no other role of the stack', () => {
    const [keyId] = resources(template, 'AWS::KMS::Key').find(([id]) => owners.get(id) === 'TokenKey')!;
    const holders = resources(template, 'AWS::IAM::Role')
      .filter(([roleId]) => rolePolicies(template, roleId).statements.some((s) => resourcesOf(s).map(render).includes(`<${keyId}.Arn>`)))
      .map(([roleId]) => roleId);
    const tokenFunctions = DEFINITIONS.filter(([, def]) => def.tokenKey).map(([, def]) => refId((functionOf(template, def)[1].Properties as { Role: unknown }).Role));
    expect(holders.sort()).toEqual(tokenFunctions.sort());
    // The callbacks that only record pushes, the payment settings, the status page and the OpenAPI document are not among them.
    expect(DEFINITIONS.filter(([, def]) => !def.tokenKey).map(([name]) => name).sort()).toEqual(['adminComponent', 'adminPayment', 'authorizerEvents', 'openApi']);
  });

  it('the release state machine reads only target-list objects under releases/, nothing else in S3', () => {
    const [, machine] = only(template, 'AWS::StepFunctions::StateMachine');
    const role = rolePolicies(template, refId(machine.Properties?.RoleArn));
    const [bucketId] = resources(template, 'AWS::S3::Bucket').find(([id]) => owners.get(id) === 'ReleasePipeline' && /TargetLists[0-9A-F]{8}$/.test(id))!;
    expect(storageGrants(role)).toEqual([`s3:GetObject on <${bucketId}.Arn>/releases/*`]);
  });

  it.each(DEFINITIONS)('%s: table writes only with RW access, and only on the platform table', (_name, def) => {
    const statements = functionRole(template, functionOf(template, def)[1]).statements;
    const writes = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:') && TABLE_WRITES.has(a)));
    expect(writes.length > 0).toBe(def.table === 'RW');
    for (const statement of writes) {
      for (const resource of resourcesOf(statement).map(render)) expect(owners.get(/^<([A-Za-z0-9]+)/.exec(resource)?.[1] ?? '')).toBe('Platform');
    }
  });

  // The audit trail is written by the route-serving layer of whichever function answers a
  // mutating admin request: without table writes the record would be lost in AWS only.
  it.each(DEFINITIONS)('%s: serving a mutating admin route means table writes (the audit trail)', (name, def) => {
    const mutating = ROUTES.filter((r) => r.function === name && r.method !== 'GET' && r.path.startsWith('/admin'));
    if (mutating.length > 0) expect(def.table).toBe('RW');
  });

  it('every role of the stack names specific resources, "*" only for actions AWS offers no resource-level permission for', () => {
    const roles = resources(template, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(DEFINITIONS.length);
    const offenders: string[] = [];
    for (const [roleId] of roles) {
      for (const statement of rolePolicies(template, roleId).statements) {
        if (statement.NotAction || statement.NotResource) offenders.push(`${roleId}: NotAction/NotResource`);
        if (statement.Effect !== 'Allow') continue;
        for (const resource of resourcesOf(statement).map(render)) {
          if (resource === '*') {
            for (const action of actionsOf(statement)) if (!WILDCARD_ACTIONS[action]) offenders.push(`${roleId}: ${action} on *`);
          } else if (!isSpecific(resource, owners)) {
            offenders.push(`${roleId}: ${actionsOf(statement).join(',')} on ${resource}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('recognises a service-wide wildcard as not specific (the check above can fail)', () => {
    expect(isSpecific('arn:<AWS::Partition>:secretsmanager:ap-east-1:<AWS::AccountId>:*', owners)).toBe(false);
    expect(isSpecific('<SomethingNotInThisStack.Arn>', owners)).toBe(false);
    expect(isSpecific('arn:<AWS::Partition>:secretsmanager:ap-east-1:<AWS::AccountId>:secret:weapp-fleet/payment/*', owners)).toBe(true);
  });

  it('only the platform functions that call WeChat, and the aws-cdk-lib deployment handler, use AWS managed policies', () => {
    const managed = resources(template, 'AWS::IAM::Role').flatMap(([roleId]) => rolePolicies(template, roleId).managedPolicies);
    expect(new Set(managed)).toEqual(
      new Set([VPC_ACCESS_POLICY_ARN, 'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']),
    );
    expect(managed.filter((arn) => arn === VPC_ACCESS_POLICY_ARN)).toHaveLength(DEFINITIONS.filter(([, def]) => def.callsWeChat).length);
  });
});
