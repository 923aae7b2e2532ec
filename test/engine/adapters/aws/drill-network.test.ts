import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsNetwork } from '../../../../engine/adapters/aws/network/aws-network.js';
import type { Blueprint, LaunchRequest } from '../../../../engine/cloud/compute.js';
import { NonRetryableError } from '../../../../engine/errors.js';
import { mockedProvider, mockIsolatedDrillNetwork } from './aws-test-helpers.js';

const blueprint: Blueprint = {
  sourceInstanceId: 'i-src1',
  recoveryPointId: 'ami-0123',
  region: 'us-west-2',
  instanceType: 'm5.large',
  subnetId: 'subnet-drill',
  privateIp: '10.0.1.4',
  securityGroups: ['sg-drill'],
};

function drill(blueprints: Blueprint[] = [blueprint]): LaunchRequest {
  return {
    blueprints,
    launchType: 'TEST',
    tags: { runId: 'run-1', mode: 'drill' },
    idempotencyKey: 'run-1:launch:1',
  };
}

describe('drill isolation on the AWS provider', () => {
  let ctx = mockedProvider();
  beforeEach(() => {
    mockIsolatedDrillNetwork(ctx.ec2);
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-new1' }] });
  });
  afterEach(() => {
    ctx.ec2.restore();
    ctx = mockedProvider();
  });

  it('refuses a TEST launch with no drill subnet (the default VPC) before any RunInstances', async () => {
    const { subnetId: _, ...unplaced } = blueprint;
    const attempt = ctx.provider.launch(drill([unplaced]));
    await expect(attempt).rejects.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.toMatchObject({
      code: 'NO_DRILL_NETWORK',
      action: expect.stringContaining('drbot network replicate'),
    });
    expect(ctx.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('refuses a drill subnet that routes through a peering connection, naming the route', async () => {
    ctx.ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          Associations: [{ SubnetId: 'subnet-drill' }],
          Routes: [
            { DestinationCidrBlock: '20.0.0.0/16', GatewayId: 'local' },
            { DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: 'pcx-prod' },
          ],
        },
      ],
    });
    const attempt = ctx.provider.launch(drill());
    await expect(attempt).rejects.toMatchObject({
      code: 'DRILL_NETWORK_NOT_ISOLATED',
      explanation: expect.stringContaining('pcx-prod'),
    });
    expect(ctx.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('refuses a drill VPC attached to a transit gateway or peered, even without a route', async () => {
    ctx.ec2.on(DescribeTransitGatewayAttachmentsCommand).resolves({
      TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-1', TransitGatewayId: 'tgw-1' }],
    });
    await expect(ctx.provider.launch(drill())).rejects.toMatchObject({
      code: 'DRILL_NETWORK_NOT_ISOLATED',
      explanation: expect.stringContaining('tgw-1'),
    });
    ctx.ec2.on(DescribeTransitGatewayAttachmentsCommand).resolves({ TransitGatewayAttachments: [] });
    ctx.ec2
      .on(DescribeVpcPeeringConnectionsCommand)
      .resolves({ VpcPeeringConnections: [{ VpcPeeringConnectionId: 'pcx-2' }] });
    await expect(ctx.provider.launch(drill())).rejects.toMatchObject({ code: 'DRILL_NETWORK_NOT_ISOLATED' });
    expect(ctx.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
    const filters = ctx.ec2.commandCalls(DescribeTransitGatewayAttachmentsCommand)[0]?.args[0].input.Filters;
    expect(filters).toContainEqual({ Name: 'resource-id', Values: ['vpc-drill'] });
  });

  it('launches into an isolated drill subnet without the production private IP', async () => {
    await ctx.provider.launch(drill());
    const input = ctx.ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(input?.SubnetId).toBe('subnet-drill');
    expect(input?.PrivateIpAddress).toBeUndefined();
  });

  it('keeps the blueprint private IP and skips the isolation check for a CUTOVER', async () => {
    const { subnetId: _, ...unplaced } = blueprint;
    await ctx.provider.launch({ ...drill([unplaced]), launchType: 'CUTOVER' });
    expect(ctx.ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input.PrivateIpAddress).toBe('10.0.1.4');
    expect(ctx.ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(0);
  });

  it('reports the same problems to the doctor through the network port', async () => {
    ctx.ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: 'tgw-9' }],
        },
      ],
    });
    const network = createAwsNetwork({ clients: { ec2: (region) => new EC2Client({ region }) } });
    const problems = await network.drillIsolation('us-west-2', ['subnet-drill']);
    expect(problems).toEqual([
      { subnetId: 'subnet-drill', reason: 'it routes 10.0.0.0/8 through transit gateway tgw-9' },
    ]);
  });
});
