/**
 * The SSM interface endpoints of the per-run drill VPC on EC2
 * (engine/adapters/aws/network/drill-endpoints.ts), by request shape against the EC2 API
 * reference: without them the SSM agent of a copy in the isolated VPC never reaches Systems
 * Manager and every agent.* step of the drill times out. CreateVpcEndpoint is Interface (no
 * route), in the drill subnets and group, with private DNS (so ModifyVpcAttribute turns DNS
 * hostnames on), a ClientToken and the run's tags; DeleteVpcEndpoints goes before the subnets.
 */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsNetwork } from '../../../../../engine/adapters/aws/network/aws-network.js';
import { DRILL_SERVICE_ENDPOINTS, type DrillVpcRequest } from '../../../../../engine/network/drill-vpc.js';

const ec2 = mockClient(EC2Client);
const network = createAwsNetwork({
  clients: { ec2: (region) => new EC2Client({ region }), ssm: (region) => new SSMClient({ region }) },
});
const request: DrillVpcRequest = {
  region: 'us-west-2',
  runId: 'run-1',
  cidr: '10.200.0.0/16',
  zones: ['us-west-2a', 'us-west-2b'],
  expiresAt: Date.UTC(2026, 11, 2, 6),
  serviceEndpoints: [...DRILL_SERVICE_ENDPOINTS],
};
const sent = () => ec2.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(CreateVpcCommand).resolves({ Vpc: { VpcId: 'vpc-d1', CidrBlock: '10.200.0.0/16' } });
  ec2
    .on(CreateSubnetCommand, { AvailabilityZone: 'us-west-2a' })
    .resolves({ Subnet: { SubnetId: 'subnet-a' } });
  ec2
    .on(CreateSubnetCommand, { AvailabilityZone: 'us-west-2b' })
    .resolves({ Subnet: { SubnetId: 'subnet-b' } });
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-d1' });
  ec2.on(CreateVpcEndpointCommand).resolves({ VpcEndpoint: { VpcEndpointId: 'vpce-1' } });
});
afterEach(() => ec2.reset());

describe('drill VPC SSM endpoints on EC2: create', () => {
  it('EC2 CreateVpcEndpoint: Interface endpoints for ssm, ssmmessages, ec2messages in the drill subnets and group, private DNS, tagged', async () => {
    const vpc = await network.createDrillVpc(request);
    const inputs = ec2.commandCalls(CreateVpcEndpointCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.ServiceName)).toEqual([
      'com.amazonaws.us-west-2.ssm',
      'com.amazonaws.us-west-2.ssmmessages',
      'com.amazonaws.us-west-2.ec2messages',
    ]);
    expect(inputs[0]).toEqual({
      VpcEndpointType: 'Interface',
      VpcId: 'vpc-d1',
      ServiceName: 'com.amazonaws.us-west-2.ssm',
      SubnetIds: ['subnet-a', 'subnet-b'],
      SecurityGroupIds: ['sg-d1'],
      PrivateDnsEnabled: true,
      ClientToken: 'run-1-ssm',
      TagSpecifications: [
        {
          ResourceType: 'vpc-endpoint',
          Tags: expect.arrayContaining([
            { Key: 'drbot:run-id', Value: 'run-1' },
            { Key: 'drbot:drill-vpc', Value: 'run-1' },
          ]),
        },
      ],
    });
    expect(vpc.serviceEndpoints).toEqual(inputs.map((i) => i.ServiceName));
    // an interface endpoint adds no route: still nothing that could reach another network
    expect(sent().filter((n) => /Gateway|Route|Peering|Attachment/.test(n))).toEqual([]);
  });

  it('EC2 ModifyVpcAttribute: DNS support and hostnames on, which private DNS needs, before the endpoints', async () => {
    await network.createDrillVpc(request);
    expect(ec2.commandCalls(ModifyVpcAttributeCommand).map((c) => c.args[0].input)).toEqual([
      { VpcId: 'vpc-d1', EnableDnsSupport: { Value: true } },
      { VpcId: 'vpc-d1', EnableDnsHostnames: { Value: true } },
    ]);
    const order = sent();
    expect(order.lastIndexOf('ModifyVpcAttributeCommand')).toBeLessThan(
      order.indexOf('CreateVpcEndpointCommand'),
    );
  });

  it('EC2 DescribeVpcEndpoints first: a resumed step creates only the missing services', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        { VpcEndpointId: 'vpce-a', ServiceName: 'com.amazonaws.us-west-2.ssm', State: 'Available' },
        { VpcEndpointId: 'vpce-b', ServiceName: 'com.amazonaws.us-west-2.ec2messages', State: 'Pending' },
        { VpcEndpointId: 'vpce-c', ServiceName: 'com.amazonaws.us-west-2.ssmmessages', State: 'Deleted' },
      ],
    });
    await network.createDrillVpc(request);
    expect(ec2.commandCalls(DescribeVpcEndpointsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-d1'] },
    ]);
    expect(ec2.commandCalls(CreateVpcEndpointCommand).map((c) => c.args[0].input.ServiceName)).toEqual([
      'com.amazonaws.us-west-2.ssmmessages',
    ]);
  });

  it('serviceEndpoints [] (or absent): no endpoint and no VPC attribute change', async () => {
    const vpc = await network.createDrillVpc({ ...request, serviceEndpoints: [] });
    expect(sent().filter((n) => /Endpoint|ModifyVpcAttribute/.test(n))).toEqual([]);
    expect(vpc.serviceEndpoints).toBeUndefined();
  });
});

describe('drill VPC SSM endpoints on EC2: delete', () => {
  beforeEach(() => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-d1' }] });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(DeleteVpcEndpointsCommand).resolves({ Unsuccessful: [] });
  });

  it("EC2 DeleteVpcEndpoints of the run's tagged endpoints first; the subnets wait while they are deleting", async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        { VpcEndpointId: 'vpce-1', State: 'Available' },
        { VpcEndpointId: 'vpce-2', State: 'Deleting' },
      ],
    });
    const result = await network.deleteDrillVpcs('us-west-2', 'run-1');
    expect(ec2.commandCalls(DescribeVpcEndpointsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-d1'] },
      { Name: 'tag:drbot:drill-vpc', Values: ['run-1'] },
    ]);
    expect(ec2.commandCalls(DeleteVpcEndpointsCommand)[0]!.args[0].input).toEqual({
      VpcEndpointIds: ['vpce-1'],
    });
    expect(result).toEqual({ deleted: ['vpce-1'], blockedBy: ['vpce-1', 'vpce-2'] });
    expect(ec2.commandCalls(DeleteSubnetCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DeleteVpcCommand)).toHaveLength(0);
  });

  it('once the endpoints are gone the subnets, group and VPC are deleted', async () => {
    ec2
      .on(DescribeVpcEndpointsCommand)
      .resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-1', State: 'Deleted' }] });
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-a' }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2.on(DeleteSubnetCommand).resolves({});
    ec2.on(DeleteVpcCommand).resolves({});
    expect(await network.deleteDrillVpcs('us-west-2', 'run-1')).toEqual({
      deleted: ['subnet-a', 'vpc-d1'],
      blockedBy: [],
    });
    expect(ec2.commandCalls(DeleteVpcEndpointsCommand)).toHaveLength(0);
  });
});
