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
