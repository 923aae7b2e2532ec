/**
 * Wire conformity of the AWS provider, compute side (protection and Run Command are in
 * request-shapes-protect.test.ts): the exact parameters of each call, checked against the EC2 / SSM
 * API references (cited per test), and the region each call is sent to. Handlers'
 * answers are mocked (aws-sdk-client-mock), so these tests pin what real EC2 would receive:
 * a request it rejects must fail here. Shapes covered elsewhere: RunInstances ClientToken and
 * TagSpecifications (launch.test.ts), CreateImage and DeregisterImage (protect.test.ts),
 * DescribeImages/DescribeSnapshots batching (recovery-point-batch.test.ts), SendCommand batching
 * (ssm-commands.test.ts), ChangeResourceRecordSets (route53.test.ts).
 */
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsNetwork } from '../../../../engine/adapters/aws/network/aws-network.js';
import type { Instance, LaunchRequest } from '../../../../engine/cloud/compute.js';
import { instanceIds, mockedProvider, mockIsolatedDrillNetwork, regionOf } from './aws-test-helpers.js';

type Ctx = ReturnType<typeof mockedProvider>;
let ctx: Ctx = mockedProvider();
afterEach(() => {
  ctx.ec2.restore();
  ctx.ssm.restore();
  ctx.route53.restore();
  ctx = mockedProvider();
});

const source: Instance = {
  id: 'i-0src00000001',
  region: 'us-east-1',
  type: 'm5.large',
  state: 'running',
  securityGroups: [],
  volumes: [],
  tags: {},
};

describe('EC2 launch and lifecycle requests', () => {
  // a TEST launch first checks its subnet is an isolated drill network (drill-network.ts)
  beforeEach(() => mockIsolatedDrillNetwork(ctx.ec2));
  const request: LaunchRequest = {
    launchType: 'TEST',
    idempotencyKey: 'RUN1:launch:1',
    tags: { runId: 'RUN1', mode: 'drill', expiresAt: Date.UTC(2026, 0, 5, 13) },
    blueprints: [
      {
        sourceInstanceId: source.id,
        region: 'us-west-2',
        instanceType: 't3.large',
        recoveryPointId: 'ami-0copy',
        subnetId: 'subnet-0drill',
      },
    ],
  };

  it('EC2 RunInstances: exactly one instance per call, sent to the blueprint region, ClientToken is the idempotency key', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2
      .on(RunInstancesCommand)
      .resolves({ Instances: [{ InstanceId: 'i-0new', InstanceType: 't3.large' }] });
    await ctx.provider.launch(request);
    const [run] = ctx.ec2.commandCalls(RunInstancesCommand);
    expect(await regionOf(run as { thisValue: unknown })).toBe('us-west-2');
    expect(run?.args[0].input).toMatchObject({
      MinCount: 1,
      MaxCount: 1,
      ImageId: 'ami-0copy',
      InstanceType: 't3.large',
      SubnetId: 'subnet-0drill',
      ClientToken: 'RUN1:launch:1:0',
    });
    // no address was given: EC2 picks one in the drill subnet
    expect(run?.args[0].input).not.toHaveProperty('PrivateIpAddress', expect.anything());
  });

  it('EC2 DescribeInstances (launch reconciliation): drbot:launch-key tag and live states, before RunInstances, same region', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-0new' }] });
    await ctx.provider.launch(request);
    const [lookup] = ctx.ec2.commandCalls(DescribeInstancesCommand);
    expect(await regionOf(lookup as { thisValue: unknown })).toBe('us-west-2');
    expect(lookup?.args[0].input).toEqual({
      Filters: [
        { Name: 'tag:drbot:launch-key', Values: ['RUN1:launch:1'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
      MaxResults: 1000,
    });
    const [run] = ctx.ec2.commandCalls(RunInstancesCommand);
    expect(run && lookup?.calledBefore(run)).toBe(true);
  });

  it('EC2 DescribeInstances by id: InstanceIds without MaxResults (EC2 refuses both in one request)', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [] });
    await ctx.provider.describe(['i-0a', 'i-0b', 'i-0a'], 'eu-west-1');
    const [call] = ctx.ec2.commandCalls(DescribeInstancesCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('eu-west-1');
    expect(call?.args[0].input).toEqual({ InstanceIds: ['i-0a', 'i-0b'] });
  });

  it('EC2 DescribeInstanceStatus by id: IncludeAllInstances, at most 100 InstanceIds, no MaxResults, NextToken followed', async () => {
    const ids = instanceIds(100);
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: ids.map((InstanceId) => ({ InstanceId, State: { Name: 'running' } })) }],
    });
    ctx.ec2
      .on(DescribeInstanceStatusCommand)
      .resolvesOnce({ InstanceStatuses: [], NextToken: 'page-2' })
      .resolves({ InstanceStatuses: [] });
    await ctx.provider.describe(ids, 'us-west-2');
    const inputs = ctx.ec2.commandCalls(DescribeInstanceStatusCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.InstanceIds?.length)).toEqual([100, 100]);
    expect(inputs[1]?.NextToken).toBe('page-2');
    for (const input of inputs) {
      expect(input.IncludeAllInstances).toBe(true);
      expect(input).not.toHaveProperty('MaxResults', expect.anything());
    }
  });

  it('EC2 DescribeInstanceStatus above 100 ids: the region’s running instances by pages of 1000, no InstanceIds, then the unseen by id', async () => {
    const ids = instanceIds(150);
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: ids.map((InstanceId) => ({ InstanceId, State: { Name: 'running' } })) }],
    });
    ctx.ec2
      .on(DescribeInstanceStatusCommand)
      .resolvesOnce({ InstanceStatuses: [], NextToken: 'page-2' })
      .resolves({ InstanceStatuses: [] });
    await ctx.provider.describe(ids, 'us-west-2');
    const [probe, ...byId] = ctx.ec2.commandCalls(DescribeInstanceStatusCommand).map((c) => c.args[0].input);
    expect(probe).toEqual({
      Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
      MaxResults: 1000,
    });
    // two by-id calls would do: a probe of one page, then the 150 by id
    expect(byId.map((i) => i.InstanceIds?.length)).toEqual([100, 50]);
  });

  it('EC2 DescribeVolumes: the attached VolumeIds only, in the instances region', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0a',
              State: { Name: 'running' },
              BlockDeviceMappings: [
                { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0a' } },
                { DeviceName: '/dev/xvdb', Ebs: { VolumeId: 'vol-0b' } },
              ],
            },
          ],
        },
      ],
    });
    ctx.ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
    await ctx.provider.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
    const [call] = ctx.ec2.commandCalls(DescribeVolumesCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('us-east-1');
    expect(call?.args[0].input).toEqual({ VolumeIds: ['vol-0a', 'vol-0b'] });
  });

  it('EC2 TerminateInstances: only the given InstanceIds, to the given region, after a DescribeInstances of them in a drill', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [{ InstanceId: 'i-0own', Tags: [{ Key: 'drbot:run-id', Value: 'RUN1' }] }] },
      ],
    });
    ctx.ec2.on(TerminateInstancesCommand).resolves({});
    await ctx.provider.terminate(['i-0own', 'i-0own'], 'us-west-2', { runId: 'RUN1', mode: 'drill' });
    const [guard] = ctx.ec2.commandCalls(DescribeInstancesCommand);
    expect(guard?.args[0].input).toEqual({ InstanceIds: ['i-0own'] });
    const [call] = ctx.ec2.commandCalls(TerminateInstancesCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('us-west-2');
    expect(call?.args[0].input).toEqual({ InstanceIds: ['i-0own'] });
  });

  it('EC2 StopInstances / StartInstances: InstanceIds only (no Force, no Hibernate), in the given region', async () => {
    ctx.ec2.on(StopInstancesCommand).resolves({});
    ctx.ec2.on(StartInstancesCommand).resolves({});
    await ctx.provider.stop(['i-0p1'], 'us-east-1', { runId: 'RUN2', mode: 'failback' });
    await ctx.provider.start(['i-0p1'], 'us-east-1', { runId: 'RUN2', mode: 'failback' });
    const stop = ctx.ec2.commandCalls(StopInstancesCommand)[0];
    const start = ctx.ec2.commandCalls(StartInstancesCommand)[0];
    expect(stop?.args[0].input).toEqual({ InstanceIds: ['i-0p1'] });
    expect(start?.args[0].input).toEqual({ InstanceIds: ['i-0p1'] });
    expect(await regionOf(stop as { thisValue: unknown })).toBe('us-east-1');
    expect(await regionOf(start as { thisValue: unknown })).toBe('us-east-1');
  });
});

describe('readiness requests (blueprints, doctor)', () => {
  it('EC2 DescribeInstanceTypeOfferings: LocationType region and an instance-type filter, in the recovery region', async () => {
    ctx.ec2
      .on(DescribeInstanceTypeOfferingsCommand)
      .resolves({ InstanceTypeOfferings: [{ InstanceType: 't3.large' }] });
    const network = createAwsNetwork({ clients: { ec2: (region) => new EC2Client({ region }) } });
    expect(await network.offeredInstanceTypes('us-west-2', ['t3.large', 'm5.large'])).toEqual(['t3.large']);
    const [call] = ctx.ec2.commandCalls(DescribeInstanceTypeOfferingsCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('us-west-2');
    expect(call?.args[0].input).toEqual({
      LocationType: 'region',
      Filters: [{ Name: 'instance-type', Values: ['t3.large', 'm5.large'] }],
    });
  });

  it('SSM DescribeInstanceInformation: an InstanceIds filter of at most 50 values per request', async () => {
    ctx.ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    const network = createAwsNetwork({ clients: { ssm: (region) => new SSMClient({ region }) } });
    await network.ssmManagedInstances('us-west-2', instanceIds(60));
    const inputs = ctx.ssm.commandCalls(DescribeInstanceInformationCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.Filters?.[0]?.Key)).toEqual(['InstanceIds', 'InstanceIds']);
    expect(inputs.map((i) => i.Filters?.[0]?.Values?.length)).toEqual([50, 10]);
    expect(inputs[0]).not.toHaveProperty('InstanceInformationFilterList');
  });
});
