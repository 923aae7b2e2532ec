/**
 * The EC2 calls network.replicate makes: it describes before it creates, creates only tagged
 * resources, and changes only what carries its tag (serverless/iam-statements.cjs scopes them).
 */

const ec2 = (names: string[]) => names.map((name) => `ec2:${name}`);

export const NETWORK_CREATE = ec2([
  'CreateVpc',
  'CreateSubnet',
  'CreateInternetGateway',
  'CreateEgressOnlyInternetGateway',
  'CreateNatGateway',
  'AllocateAddress',
  'CreateRouteTable',
  'CreateNetworkAcl',
  'CreateSecurityGroup',
  'CreateVpcEndpoint',
  'CreateDhcpOptions',
]);

export const NETWORK_CHANGE = ec2([
  'AssociateVpcCidrBlock',
  'ModifyVpcAttribute',
  'ModifySubnetAttribute',
  'AttachInternetGateway',
  'AssociateDhcpOptions',
  'CreateRoute',
  'ReplaceRoute',
  'AssociateRouteTable',
  'ReplaceRouteTableAssociation',
  'CreateNetworkAclEntry',
  'ReplaceNetworkAclEntry',
  'ReplaceNetworkAclAssociation',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
]);

export const NETWORK_DESCRIBE = [
  ...ec2([
    'DescribeVpcs',
    'DescribeSubnets',
    'DescribeRouteTables',
    'DescribeNetworkAcls',
    'DescribeInternetGateways',
    'DescribeEgressOnlyInternetGateways',
    'DescribeNatGateways',
    'DescribeVpcEndpoints',
    'DescribeDhcpOptions',
    'DescribeSecurityGroups',
    'DescribeAddresses',
    'DescribeAvailabilityZones',
  ]),
  'ssm:DescribeInstanceInformation',
];

/** network.drillVpc / deleteDrillVpc: the run's own isolated VPC (tagged drbot:run-id on create). */
export const DRILL_VPC_CREATE = ec2([
  'CreateVpc',
  'CreateSubnet',
  'CreateSecurityGroup',
  'CreateVpcEndpoint',
]);
export const DRILL_VPC_DELETE = ec2([
  'DeleteVpcEndpoints',
  'DeleteSubnet',
  'DeleteSecurityGroup',
  'DeleteVpc',
]);
export const DRILL_VPC_DESCRIBE = ec2([
  'DescribeVpcs',
  'DescribeSubnets',
  'DescribeSecurityGroups',
  'DescribeAvailabilityZones',
  'DescribeVpcEndpoints',
]);

/**
 * The RAM actions of network.replicate on Alibaba Cloud (engine/adapters/alibaba/network): the
 * protected inventory, the source and target describes, and the creates. Tags are set by each
 * Create call's Tag parameters; no route entry is created (no Alibaba next hop is replicated).
 */
export const ALIBABA_NETWORK_REPLICATE = [
  'ecs:DescribeInstances',
  'ecs:DescribeDisks',
  'vpc:DescribeVSwitches',
  'vpc:DescribeVpcs',
  'vpc:DescribeRouteTableList',
  'vpc:DescribeRouteEntryList',
  'vpc:DescribeZones',
  'ecs:DescribeSecurityGroups',
  'ecs:DescribeSecurityGroupAttribute',
  'vpc:CreateVpc',
  'vpc:AssociateVpcCidrBlock',
  'vpc:CreateVSwitch',
  'ecs:CreateSecurityGroup',
  'ecs:AuthorizeSecurityGroup',
  'ecs:AuthorizeSecurityGroupEgress',
];
