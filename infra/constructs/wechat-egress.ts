import {
  CfnEIP,
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  NatProvider,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** One NAT gateway, hence one whitelisted IP, per AZ: losing an AZ must not stop WeChat calls. */
export const EGRESS_AZ_COUNT = 2;

/**
 * Fixed-IP egress for the functions that call WeChat. WeChat refuses API calls from addresses
 * missing from the platform's IP whitelist (errcode 61004), and a Lambda outside a VPC leaves
 * from any AWS address. Inside this VPC's private subnets every outbound connection leaves
 * through a NAT gateway holding an Elastic IP allocated here, so the addresses are known
 * before the first deploy finishes and survive replacing the NAT gateways.
 *
 * DynamoDB and S3 are reached through gateway endpoints (free, and the NAT carries no table
 * traffic). Secrets Manager and Step Functions go through the NAT: a function reads the secret
 * once per container and starts a handful of executions, which costs far less NAT data
 * processing than two interface endpoints in two AZs cost per hour; the traffic is TLS and
 * SigV4-signed either way.
 */
export class WeChatEgress extends Construct {
  readonly vpc: Vpc;
  readonly elasticIps: readonly CfnEIP[];
  /** HTTPS out, nothing in: the functions only make outbound calls. */
  readonly securityGroup: SecurityGroup;
  readonly subnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.elasticIps = Array.from({ length: EGRESS_AZ_COUNT }, (_, i) =>
      new CfnEIP(this, `NatAddress${i + 1}`, {
        domain: 'vpc',
        tags: [{ key: 'Name', value: `weapp-fleet WeChat egress ${i + 1}` }],
      }),
    );

    const flowLogs = new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_MONTH });
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.80.0.0/16'),
      maxAzs: EGRESS_AZ_COUNT,
      natGateways: EGRESS_AZ_COUNT,
      natGatewayProvider: NatProvider.gateway({ eipAllocationIds: this.elasticIps.map((eip) => eip.attrAllocationId) }),
      subnetConfiguration: [
        { name: 'nat', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'functions', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: GatewayVpcEndpointAwsService.S3 },
      },
      flowLogs: { All: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: FlowLogTrafficType.ALL } },
      // Nothing is placed in the default security group; restricting it would add a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
    });

    this.securityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'weapp-fleet functions calling WeChat: HTTPS out only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to WeChat (through the NAT) and to AWS APIs');
  }
}
