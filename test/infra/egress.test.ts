import type { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, type FunctionDefinition } from '../../infra/manifest';
import { VPC_ACCESS_MANAGED_POLICY } from '../../infra/constructs/weapp-function';
import { functionOf, functionRole, only, refId, render, resourceById, resources, synthStack } from './stack-template';

const DEFINITIONS: [string, FunctionDefinition][] = Object.entries(FUNCTIONS);

describe('WeChat egress (fixed IPs for the whitelist)', () => {
  let template: Template;
  let securityGroupId: string;
  let privateSubnetIds: Set<string>;

  beforeAll(() => {
    ({ template } = synthStack());
    [securityGroupId] = only(template, 'AWS::EC2::SecurityGroup');
    privateSubnetIds = new Set(resources(template, 'AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }).map(([id]) => id));
  });

  it('exactly the callsWeChat functions run in the private subnets, with the HTTPS-only security group', () => {
    expect(DEFINITIONS.some(([, def]) => def.callsWeChat)).toBe(true);
    expect(DEFINITIONS.some(([, def]) => !def.callsWeChat)).toBe(true);
    for (const [name, def] of DEFINITIONS) {
      const vpcConfig = functionOf(template, def)[1].Properties?.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] } | undefined;
      expect({ name, inVpc: vpcConfig !== undefined }).toEqual({ name, inVpc: def.callsWeChat });
      if (!vpcConfig) continue;
      expect(new Set(vpcConfig.SubnetIds.map(refId))).toEqual(privateSubnetIds);
      expect(vpcConfig.SecurityGroupIds.map(refId)).toEqual([securityGroupId]);
    }
  });

  it('allocates one Elastic IP per NAT gateway, one NAT gateway in each of two AZs', () => {
    const eips = resources(template, 'AWS::EC2::EIP');
    const nats = resources(template, 'AWS::EC2::NatGateway');
    expect(eips).toHaveLength(2);
    expect(nats).toHaveLength(2);
    const allocations = nats.map(([, nat]) => nat.Properties?.AllocationId as { 'Fn::GetAtt': [string, string] });
    expect(allocations.map((a) => a['Fn::GetAtt'][1])).toEqual(['AllocationId', 'AllocationId']);
    expect(new Set(allocations.map(refId))).toEqual(new Set(eips.map(([id]) => id)));
    const natSubnets = nats.map(([, nat]) => resourceById(template, refId(nat.Properties?.SubnetId)));
    expect(natSubnets.map((s) => s.Properties?.MapPublicIpOnLaunch)).toEqual([true, true]);
    expect(new Set(natSubnets.map((s) => render(s.Properties?.AvailabilityZone))).size).toBe(2);
  });

  it('sends each private subnet\'s internet traffic through a NAT gateway of its own AZ', () => {
    expect(privateSubnetIds.size).toBe(2);
    const natIds = new Set(resources(template, 'AWS::EC2::NatGateway').map(([id]) => id));
    const usedNats = new Set<string>();
    for (const subnetId of privateSubnetIds) {
      const [, association] = only(template, 'AWS::EC2::SubnetRouteTableAssociation', { SubnetId: { Ref: subnetId } });
      const tableId = refId(association.Properties?.RouteTableId);
      const [, route] = only(template, 'AWS::EC2::Route', { RouteTableId: { Ref: tableId }, DestinationCidrBlock: '0.0.0.0/0' });
      const natId = refId(route.Properties?.NatGatewayId);
      expect(natIds.has(natId)).toBe(true);
      const nat = resourceById(template, natId);
      expect(render(resourceById(template, refId(nat.Properties?.SubnetId)).Properties?.AvailabilityZone)).toBe(
        render(resourceById(template, subnetId).Properties?.AvailabilityZone),
      );
      usedNats.add(natId);
    }
    expect(usedNats.size).toBe(2);
  });

  it('outputs both egress IPs', () => {
    const eipIds = resources(template, 'AWS::EC2::EIP').map(([id]) => id).sort();
    const outputs = template.toJSON().Outputs as Record<string, { Value: { 'Fn::GetAtt': [string, string] } }>;
    const values = ['WeChatEgressIp1', 'WeChatEgressIp2'].map((name) => outputs[name]?.Value);
    expect(values.map((v) => v?.['Fn::GetAtt'][1])).toEqual(['PublicIp', 'PublicIp']);
    expect(values.map((v) => refId(v)).sort()).toEqual(eipIds);
  });

  it('lets the functions out on HTTPS only and never in', () => {
    const [, group] = only(template, 'AWS::EC2::SecurityGroup');
    expect(group.Properties?.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    expect(group.Properties?.SecurityGroupIngress).toBeUndefined();
    expect(resources(template, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(0);
    expect(resources(template, 'AWS::EC2::SecurityGroupEgress')).toHaveLength(0);
  });

  it('reaches DynamoDB and S3 through gateway endpoints on the private route tables', () => {
    const privateTables = [...privateSubnetIds].map((subnetId) => refId(only(template, 'AWS::EC2::SubnetRouteTableAssociation', { SubnetId: { Ref: subnetId } })[1].Properties?.RouteTableId));
    const endpoints = resources(template, 'AWS::EC2::VPCEndpoint');
    expect(endpoints.map(([, e]) => render(e.Properties?.ServiceName)).sort()).toEqual(['com.amazonaws.<AWS::Region>.dynamodb', 'com.amazonaws.<AWS::Region>.s3']);
    for (const [, endpoint] of endpoints) {
      expect(endpoint.Properties?.VpcEndpointType).toBe('Gateway');
      expect(((endpoint.Properties?.RouteTableIds ?? []) as unknown[]).map(refId)).toEqual(expect.arrayContaining(privateTables));
    }
  });

  it('logs all VPC traffic to a log group with a retention', () => {
    const [vpcId] = only(template, 'AWS::EC2::VPC');
    const [, flowLog] = only(template, 'AWS::EC2::FlowLog');
    expect(flowLog.Properties).toMatchObject({ ResourceId: { Ref: vpcId }, ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    expect(resourceById(template, refId(flowLog.Properties?.LogGroupName)).Properties?.RetentionInDays).toBe(30);
  });

  it.each(DEFINITIONS)('%s: may manage network interfaces only when it runs in the VPC', (_name, def) => {
    const { managedPolicies } = functionRole(template, functionOf(template, def)[1]);
    expect(managedPolicies).toEqual(def.callsWeChat ? [`arn:<AWS::Partition>:iam::aws:policy/${VPC_ACCESS_MANAGED_POLICY}`] : []);
  });

  it('waits for the NAT routes before creating the functions (a cold start would otherwise fail to reach WeChat)', () => {
    const [, fn] = functionOf(template, FUNCTIONS.refreshTokens);
    const routeIds = new Set(resources(template, 'AWS::EC2::Route').filter(([, route]) => route.Properties?.NatGatewayId).map(([id]) => id));
    expect(routeIds.size).toBe(2);
    expect(fn.DependsOn).toEqual(expect.arrayContaining([...routeIds]));
  });
});

describe('WeChat egress follows the manifest', () => {
  it('builds no VPC when no function calls WeChat', () => {
    const functions = Object.fromEntries(DEFINITIONS.map(([name, def]) => [name, { ...def, callsWeChat: false }]));
    const { template } = synthStack({ functions });
    expect(resources(template, 'AWS::EC2::VPC')).toHaveLength(0);
    expect(resources(template, 'AWS::EC2::NatGateway')).toHaveLength(0);
    expect(Object.keys(template.toJSON().Outputs as object).filter((name) => name.startsWith('WeChatEgressIp'))).toEqual([]);
  });
});
