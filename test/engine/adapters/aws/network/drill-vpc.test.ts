/**
 * Request shapes of the per-run drill VPC on EC2 (engine/adapters/aws/network/drill-vpc.ts),
 * checked against the EC2 API reference: CreateVpc, CreateSubnet and CreateSecurityGroup carry
 * TagSpecifications with their ResourceType and the run's tags; the default allow-all egress is
 * revoked (RevokeSecurityGroupEgress) and replaced by egress inside the VPC; ingress only from
 * the group itself; no internet gateway or route is ever created. Deletion (DeleteSubnet,
 * DeleteSecurityGroup, DeleteVpc) acts only on resources found by the run's tag, waits while an
 * instance is inside, and treats NotFound as done.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsNetwork } from '../../../../../engine/adapters/aws/network/aws-network.js';
import type { DrillVpcRequest } from '../../../../../engine/network/drill-vpc.js';

const ec2 = mockClient(EC2Client);
const network = createAwsNetwork({
  clients: { ec2: (region) => new EC2Client({ region }), ssm: (region) => new SSMClient({ region }) },
});
const EXPIRES = Date.UTC(2026, 11, 2, 6);
const request: DrillVpcRequest = {
  region: 'us-west-2',
  runId: 'run-1',
  cidr: '10.200.0.0/16',
  zones: ['us-west-2a', 'us-west-2b'],
  expiresAt: EXPIRES,
};
const runTags = expect.arrayContaining([
  { Key: 'drbot:run-id', Value: 'run-1' },
  { Key: 'drbot:drill-vpc', Value: 'run-1' },
  { Key: 'drbot:expires', Value: new Date(EXPIRES).toISOString() },
]);

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2.on(CreateVpcCommand).resolves({ Vpc: { VpcId: 'vpc-d1', CidrBlock: '10.200.0.0/16' } });
  ec2
    .on(CreateSubnetCommand, { AvailabilityZone: 'us-west-2a' })
    .resolves({ Subnet: { SubnetId: 'subnet-a' } });
  ec2
    .on(CreateSubnetCommand, { AvailabilityZone: 'us-west-2b' })
    .resolves({ Subnet: { SubnetId: 'subnet-b' } });
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-d1' });
});
afterEach(() => ec2.reset());

/** Every command sent, by operation name, in order. */
const sent = () => ec2.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);

describe('per-run drill VPC on EC2: create', () => {
  it('EC2 CreateVpc: the requested CidrBlock, TagSpecifications ResourceType vpc with the run id and TTL', async () => {
    const vpc = await network.createDrillVpc(request);
    expect(ec2.commandCalls(DescribeVpcsCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: 'tag:drbot:drill-vpc', Values: ['run-1'] }],
    });
    const [create] = ec2.commandCalls(CreateVpcCommand);
    expect(create!.args[0].input).toEqual({
      CidrBlock: '10.200.0.0/16',
      TagSpecifications: [{ ResourceType: 'vpc', Tags: runTags }],
    });
    expect(vpc).toEqual({
      vpcId: 'vpc-d1',
      cidr: '10.200.0.0/16',
      subnets: { 'us-west-2a': 'subnet-a', 'us-west-2b': 'subnet-b' },
      securityGroupId: 'sg-d1',
      created: true,
    });
  });

  it('EC2 CreateSubnet: one per zone, /20s of the VPC range, TagSpecifications ResourceType subnet', async () => {
    await network.createDrillVpc(request);
    expect(ec2.commandCalls(CreateSubnetCommand).map((c) => c.args[0].input)).toEqual([
      {
        VpcId: 'vpc-d1',
        CidrBlock: '10.200.0.0/20',
        AvailabilityZone: 'us-west-2a',
        TagSpecifications: [{ ResourceType: 'subnet', Tags: runTags }],
      },
      {
        VpcId: 'vpc-d1',
        CidrBlock: '10.200.16.0/20',
        AvailabilityZone: 'us-west-2b',
        TagSpecifications: [{ ResourceType: 'subnet', Tags: runTags }],
      },
    ]);
  });

  it('EC2 CreateSecurityGroup + RevokeSecurityGroupEgress: no egress beyond the VPC, ingress only from itself', async () => {
    await network.createDrillVpc(request);
    expect(ec2.commandCalls(CreateSecurityGroupCommand)[0]!.args[0].input).toEqual({
      GroupName: 'drbot-drill-run-1',
      Description: expect.stringContaining('no ingress from outside'),
      VpcId: 'vpc-d1',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: runTags }],
    });
    expect(ec2.commandCalls(RevokeSecurityGroupEgressCommand)[0]!.args[0].input).toEqual({
      GroupId: 'sg-d1',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    expect(ec2.commandCalls(AuthorizeSecurityGroupEgressCommand)[0]!.args[0].input).toMatchObject({
      GroupId: 'sg-d1',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.200.0.0/16' }] }],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: runTags }],
    });
    const ingress = ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]!.args[0].input;
    expect(ingress.IpPermissions).toEqual([
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-d1', Description: 'drill members' }] },
    ]);
    expect(ingress.IpPermissions?.[0]?.IpRanges).toBeUndefined();
    // nothing that could reach another network
    expect(sent().filter((n) => /Gateway|Route|Peering|Attachment/.test(n))).toEqual([]);
  });

  it("resumed: finds the run's VPC, subnets and group by tag and creates nothing", async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-d1', CidrBlock: '10.200.0.0/16' }] });
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-a', AvailabilityZone: 'us-west-2a' },
        { SubnetId: 'subnet-b', AvailabilityZone: 'us-west-2b' },
      ],
    });
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-d1',
          IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-d1' }] }],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.200.0.0/16' }] }],
        },
      ],
    });
    const vpc = await network.createDrillVpc({ ...request, cidr: '10.201.0.0/16' });
    expect(vpc).toMatchObject({ vpcId: 'vpc-d1', cidr: '10.200.0.0/16', created: false });
    expect(sent().filter((n) => !n.startsWith('Describe'))).toEqual([]);
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-d1'] },
      { Name: 'tag:drbot:drill-vpc', Values: ['run-1'] },
    ]);
  });
});

describe('per-run drill VPC on EC2: delete', () => {
  beforeEach(() => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-d1' }] });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-a' }, { SubnetId: 'subnet-b' }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-d1' }] });
    ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
    ec2.on(DeleteSubnetCommand).resolves({});
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    ec2.on(DeleteVpcCommand).resolves({});
  });

  it("EC2 DeleteSubnet → DeleteSecurityGroup → DeleteVpc, only what the run's tag finds", async () => {
    const result = await network.deleteDrillVpcs('us-west-2', 'run-1');
    expect(result).toEqual({ deleted: ['subnet-a', 'subnet-b', 'sg-d1', 'vpc-d1'], blockedBy: [] });
    expect(ec2.commandCalls(DescribeVpcsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'tag:drbot:drill-vpc', Values: ['run-1'] },
    ]);
    for (const describe of [DescribeSubnetsCommand, DescribeSecurityGroupsCommand] as const) {
      expect(ec2.commandCalls(describe)[0]!.args[0].input.Filters).toEqual([
        { Name: 'vpc-id', Values: ['vpc-d1'] },
        { Name: 'tag:drbot:drill-vpc', Values: ['run-1'] },
      ]);
    }
    expect(ec2.commandCalls(DeleteSubnetCommand).map((c) => c.args[0].input)).toEqual([
      { SubnetId: 'subnet-a' },
      { SubnetId: 'subnet-b' },
    ]);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)[0]!.args[0].input).toEqual({ GroupId: 'sg-d1' });
    expect(ec2.commandCalls(DeleteVpcCommand)[0]!.args[0].input).toEqual({ VpcId: 'vpc-d1' });
    const order = sent().filter((n) => n.startsWith('Delete'));
    expect(order.indexOf('DeleteVpcCommand')).toBe(order.length - 1);
  });

  it('EC2 DescribeInstances first: an instance still in the VPC blocks every delete', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-copy' }] }] });
    const result = await network.deleteDrillVpcs('us-west-2', 'run-1');
    expect(result).toEqual({ deleted: [], blockedBy: ['i-copy'] });
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-d1'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
    ]);
    expect(sent().filter((n) => n.startsWith('Delete'))).toEqual([]);
  });

  it('a DependencyViolation (an interface still detaching) keeps the VPC for the next poll', async () => {
    ec2
      .on(DeleteSubnetCommand, { SubnetId: 'subnet-b' })
      .rejects(Object.assign(new Error('has dependencies'), { name: 'DependencyViolation' }));
    const result = await network.deleteDrillVpcs('us-west-2', 'run-1');
    expect(result.blockedBy).toEqual(['subnet-b']);
    expect(ec2.commandCalls(DeleteVpcCommand)).toHaveLength(0);
  });

  it('idempotent: NotFound counts as deleted, and nothing tagged means nothing to do', async () => {
    ec2
      .on(DeleteSubnetCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'InvalidSubnetID.NotFound' }));
    expect((await network.deleteDrillVpcs('us-west-2', 'run-1')).blockedBy).toEqual([]);
    expect(ec2.commandCalls(DeleteVpcCommand)).toHaveLength(1);
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    ec2.resetHistory();
    expect(await network.deleteDrillVpcs('us-west-2', 'run-1')).toEqual({ deleted: [], blockedBy: [] });
    expect(sent()).toEqual(['DescribeVpcsCommand']);
  });
});
