import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsNetwork } from '../../../../../engine/adapters/aws/network/aws-network.js';
import { buildReplicationPlan } from '../../../../../engine/network/plan.js';
import { sourceTopology } from '../../../network/fixtures.js';
import { fakeEc2 } from './fake-ec2.js';

const network = () =>
  createAwsNetwork({
    clients: { ec2: (region) => new EC2Client({ region }), ssm: (region) => new SSMClient({ region }) },
  });
const plan = (remap = true) =>
  buildReplicationPlan(sourceTopology(), {
    targetRegion: 'us-west-2',
    targetZones: ['us-west-2a', 'us-west-2b'],
    ...(remap ? { cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' } } : {}),
  });

describe('AwsNetworkCloud.apply', () => {
  let fake = fakeEc2();
  afterEach(() => {
    fake.mock.restore();
    fake = fakeEc2();
  });

  it('creates VPC → subnets → gateways → routes → ACLs → groups → rules → endpoints, in that order', async () => {
    const result = await network().apply(plan());
    const writes = fake.writes();
    const first = (name: string) => writes.indexOf(name);
    expect(first('CreateVpc')).toBe(0);
    expect(first('CreateVpc')).toBeLessThan(first('CreateDhcpOptions'));
    expect(first('CreateDhcpOptions')).toBeLessThan(first('CreateSubnet'));
    expect(first('CreateSubnet')).toBeLessThan(first('CreateInternetGateway'));
    expect(first('CreateInternetGateway')).toBeLessThan(first('CreateNatGateway'));
    expect(first('CreateNatGateway')).toBeLessThan(first('CreateRoute'));
    expect(first('CreateRoute')).toBeLessThan(first('CreateNetworkAcl'));
    expect(first('CreateNetworkAcl')).toBeLessThan(first('CreateSecurityGroup'));
    expect(first('CreateSecurityGroup')).toBeLessThan(first('AuthorizeSecurityGroupIngress'));
    expect(first('AuthorizeSecurityGroupIngress')).toBeLessThan(first('CreateVpcEndpoint'));
    expect(writes.filter((w) => w === 'CreateSubnet')).toHaveLength(3);
    expect(result.targetVpcId).toMatch(/^vpc-t/);
  });

  it('tags every created resource with drbot:source-id and remaps its ranges', async () => {
    await network().apply(plan());
    const vpc = fake.mock.commandCalls(CreateVpcCommand)[0]?.args[0].input;
    expect(vpc?.CidrBlock).toBe('20.0.0.0/16');
    expect(vpc?.TagSpecifications?.[0]?.Tags).toContainEqual({ Key: 'drbot:source-id', Value: 'vpc-src' });
    const subnets = fake.mock.commandCalls(CreateSubnetCommand).map((c) => c.args[0].input);
    expect(subnets.map((s) => [s.CidrBlock, s.AvailabilityZone])).toEqual([
      ['20.0.0.0/24', 'us-west-2a'],
      ['20.0.1.0/24', 'us-west-2a'],
      ['20.0.2.0/24', 'us-west-2b'],
    ]);
    expect(
      subnets.every((s) => s.TagSpecifications?.[0]?.Tags?.some((t) => t.Key === 'drbot:source-id')),
    ).toBe(true);
  });

  it('remaps rules: group references point at the target groups and CIDRs move', async () => {
    const result = await network().apply(plan());
    const targetOf = (source: string) => result.entries.find((e) => e.sourceId === source)?.targetId;
    const appRules = fake.mock
      .commandCalls(AuthorizeSecurityGroupIngressCommand)
      .find((c) => c.args[0].input.GroupId === targetOf('sg-app'))?.args[0].input.IpPermissions;
    expect(appRules).toContainEqual({
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      IpRanges: [{ CidrIp: '20.0.1.0/24' }],
    });
    expect(appRules).toContainEqual({
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      UserIdGroupPairs: [{ GroupId: targetOf('sg-web') }],
    });
    expect(JSON.stringify(appRules)).not.toContain('sg-web"');
  });

  it('routes to the target gateways and opens 443 from the VPC for the SSM endpoints', async () => {
    const result = await network().apply(plan());
    const targetOf = (source: string) => result.entries.find((e) => e.sourceId === source)?.targetId;
    const routes = fake.mock.commandCalls(CreateRouteCommand).map((c) => c.args[0].input);
    expect(routes).toContainEqual({
      RouteTableId: targetOf('rtb-pub'),
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: targetOf('igw-src'),
    });
    expect(routes).toContainEqual({
      RouteTableId: targetOf('rtb-app'),
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: targetOf('nat-src'),
    });
    const endpoints = fake.mock.commandCalls(CreateVpcEndpointCommand).map((c) => c.args[0].input);
    expect(endpoints.map((e) => e.ServiceName)).toEqual([
      'com.amazonaws.us-west-2.ssm',
      'com.amazonaws.us-west-2.ec2messages',
      'com.amazonaws.us-west-2.ssmmessages',
    ]);
    expect(endpoints.every((e) => e.PrivateDnsEnabled && e.VpcEndpointType === 'Interface')).toBe(true);
    const endpointSg = endpoints[0]?.SecurityGroupIds?.[0];
    const sgRules = fake.mock
      .commandCalls(AuthorizeSecurityGroupIngressCommand)
      .find((c) => c.args[0].input.GroupId === endpointSg);
    expect(sgRules?.args[0].input.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '20.0.0.0/16', Description: 'HTTPS from the VPC (SSM agent)' }],
      },
    ]);
  });

  it('converges: a second run describes, creates nothing and returns the same mapping', async () => {
    const first = await network().apply(plan());
    const before = fake.writes().length;
    const second = await network().apply(plan());
    expect(fake.writes().slice(before)).toEqual([]);
    expect(second.entries).toEqual(first.entries);
    expect(second.resources.every((r) => !r.created)).toBe(true);
  });

  it('adopts the VPC defaults (main route table, default ACL and group) instead of creating them', async () => {
    const result = await network().apply(plan(false));
    const adopted = result.resources.filter((r) =>
      ['rtb-main', 'acl-default', 'sg-default'].includes(r.sourceId),
    );
    expect(adopted.map((r) => r.created)).toEqual([false, false, false]);
    expect(fake.writes().filter((w) => w === 'CreateTags')).toHaveLength(3);
  });
});

describe('AwsNetworkCloud discovery and readiness', () => {
  afterEach(() => {
    mockClient(EC2Client).restore();
  });

  it('follows NextToken when describing a VPC with many security groups', async () => {
    const mock = mockClient(EC2Client);
    mock.resolves({});
    mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' },
      ],
    });
    mock
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'a' }], NextToken: 'p2' })
      .resolvesOnce({ SecurityGroups: [{ GroupId: 'sg-2', GroupName: 'b' }] });
    mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] });
    const [topology] = await network().discover('us-east-1', ['subnet-1']);
    expect(topology?.securityGroups.map((g) => g.id)).toEqual(['sg-1', 'sg-2']);
    const calls = mock.commandCalls(DescribeSecurityGroupsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('p2');
    mock.restore();
  });

  it('asks DescribeInstanceTypeOfferings per region and keeps only offered types', async () => {
    const mock = mockClient(EC2Client);
    mock
      .on(DescribeInstanceTypeOfferingsCommand)
      .resolvesOnce({ InstanceTypeOfferings: [{ InstanceType: 't3.large' }], NextToken: 'n' })
      .resolvesOnce({ InstanceTypeOfferings: [{ InstanceType: 't3.medium' }] });
    const offered = await network().offeredInstanceTypes('us-west-2', ['m5.large', 't3.medium', 't3.large']);
    expect(offered).toEqual(['t3.medium', 't3.large']);
    expect(mock.commandCalls(DescribeInstanceTypeOfferingsCommand)[0]?.args[0].input).toMatchObject({
      LocationType: 'region',
      Filters: [{ Name: 'instance-type', Values: ['m5.large', 't3.medium', 't3.large'] }],
    });
    mock.restore();
  });

  it('counts only instances SSM sees online', async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        { InstanceId: 'i-1', PingStatus: 'Online' },
        { InstanceId: 'i-2', PingStatus: 'ConnectionLost' },
      ],
    });
    expect(await network().ssmManagedInstances('us-east-1', ['i-1', 'i-2', 'i-3'])).toEqual(['i-1']);
    ssm.restore();
  });
});
