'use strict';
/**
 * IAM for `network.replicate` (VPC copy into the recovery region). Only runbooks that use the
 * action get it, and only in their target regions. New resources must carry the
 * `drbot:source-id` tag in the creating request; changes afterwards (routes, rules,
 * associations) are allowed only on resources that carry it, so drbot can never edit a network
 * it did not create or adopt. Describe calls support no resource-level scoping.
 */
const { ec2Arns, inRegions } = require('./iam-arns.cjs');

const SOURCE_TAG = 'drbot:source-id';

const NETWORK_TYPES = [
  'vpc',
  'subnet',
  'internet-gateway',
  'egress-only-internet-gateway',
  'natgateway',
  'elastic-ip',
  'route-table',
  'network-acl',
  'security-group',
  'security-group-rule',
  'vpc-endpoint',
  'dhcp-options',
];

const CREATE_ACTIONS = [
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
];

const CHANGE_ACTIONS = [
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
];

/** Target regions of the runbooks whose modes use `network.replicate`. */
function replicationRegions(runbooks) {
  const regions = new Set();
  for (const { spec } of runbooks) {
    const modes = Object.values(spec.modes || {});
    const uses = modes.some((mode) =>
      [...(mode?.steps || []), ...(mode?.cleanup || [])].some((step) => step?.action === 'network.replicate'),
    );
    if (uses) regions.add(spec.target.region);
  }
  return [...regions].sort();
}

function networkStatements(runbooks) {
  const regions = replicationRegions(runbooks);
  if (regions.length === 0) return [];
  const arns = ec2Arns(regions, NETWORK_TYPES);
  return [
    {
      Sid: 'CreateTaggedNetwork',
      Effect: 'Allow',
      Action: CREATE_ACTIONS.map((a) => `ec2:${a}`),
      Resource: arns,
      Condition: { Null: { [`aws:RequestTag/${SOURCE_TAG}`]: 'false' } },
    },
    {
      // Creating inside a VPC (subnet, route table, group …) also authorises against the parent VPC,
      // which cannot carry request tags: allow it only on VPCs drbot created.
      Sid: 'CreateInsideOwnVpc',
      Effect: 'Allow',
      Action: CREATE_ACTIONS.map((a) => `ec2:${a}`),
      Resource: ec2Arns(regions, ['vpc', 'subnet']),
      Condition: { Null: { [`aws:ResourceTag/${SOURCE_TAG}`]: 'false' } },
    },
    {
      Sid: 'ChangeOwnNetwork',
      Effect: 'Allow',
      Action: CHANGE_ACTIONS.map((a) => `ec2:${a}`),
      Resource: arns,
      Condition: { Null: { [`aws:ResourceTag/${SOURCE_TAG}`]: 'false' } },
    },
    {
      // A new VPC's default route table, ACL and group exist untagged: drbot adopts them by adding
      // only its own `drbot:*` tag keys.
      Sid: 'TagNetworkOwnKeysOnly',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: arns,
      Condition: {
        'ForAllValues:StringLike': { 'aws:TagKeys': ['drbot:*'] },
        Null: { 'aws:TagKeys': 'false' },
      },
    },
    {
      Sid: 'DescribeNetwork',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeVpcs',
        'ec2:DescribeSubnets',
        'ec2:DescribeRouteTables',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeEgressOnlyInternetGateways',
        'ec2:DescribeNatGateways',
        'ec2:DescribeVpcEndpoints',
        'ec2:DescribeDhcpOptions',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ssm:DescribeInstanceInformation',
      ],
      Resource: '*',
      Condition: inRegions(regions),
    },
  ];
}

module.exports = { networkStatements, replicationRegions };
