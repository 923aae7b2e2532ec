import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type Instance as Ec2Instance,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryAfterError } from '../../../../engine/errors.js';
import { ec2StatusAnswers } from '../../../helpers/ec2-status-fake.js';
import { awsError, instanceIds, mockedProvider } from './aws-test-helpers.js';

function rawInstance(id: string, extra: Partial<Ec2Instance> = {}): Ec2Instance {
  return { InstanceId: id, InstanceType: 'm5.large', State: { Name: 'running', Code: 16 }, ...extra };
}

describe('AwsCloudProvider inventory', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ec2.restore();
    ctx = mockedProvider();
  });

  it('listProtected maps instances, volumes, network, security groups, profile and tags', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            rawInstance('i-web1', {
              Placement: { AvailabilityZone: 'us-east-1a' },
              SubnetId: 'subnet-1',
              PrivateIpAddress: '10.0.1.10',
              SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'web' }],
              IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/app/web-profile' },
              BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-1' } }],
              Tags: [
                { Key: 'dr-tier', Value: 'app' },
                { Key: 'Name', Value: 'web1' },
              ],
            }),
          ],
        },
      ],
    });
    ctx.ec2.on(DescribeVolumesCommand).resolves({
      Volumes: [{ VolumeId: 'vol-1', Size: 40, VolumeType: 'gp3', Attachments: [{ Device: '/dev/xvda' }] }],
    });

    const [web] = await ctx.provider.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');

    expect(web).toEqual({
      id: 'i-web1',
      region: 'us-east-1',
      zone: 'us-east-1a',
      type: 'm5.large',
      state: 'running',
      subnetId: 'subnet-1',
      privateIp: '10.0.1.10',
      securityGroups: ['sg-1'],
      instanceProfile: 'web-profile',
      volumes: [{ id: 'vol-1', device: '/dev/xvda', sizeGiB: 40, type: 'gp3' }],
      tags: { 'dr-tier': 'app', Name: 'web1' },
    });
    const input = ctx.ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input;
    expect(input?.Filters).toContainEqual({ Name: 'tag:dr-tier', Values: ['app'] });
    expect(input?.Filters?.find((f) => f.Name === 'instance-state-name')?.Values).not.toContain('terminated');
    expect(ctx.regionsAsked).toEqual(['us-east-1']);
  });

  it('listProtected keeps one instance per origin: the newest CUTOVER copy, never a TEST copy', async () => {
    const tags = (extra: Record<string, string>) =>
      Object.entries({ 'dr-tier': 'app', ...extra }).map(([Key, Value]) => ({ Key, Value }));
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            rawInstance('i-orig', { LaunchTime: new Date(1_000), Tags: tags({}) }),
            rawInstance('i-back', {
              LaunchTime: new Date(9_000),
              Tags: tags({ 'drbot:origin': 'i-orig', 'drbot:launch-type': 'CUTOVER' }),
            }),
            rawInstance('i-drill', {
              LaunchTime: new Date(10_000),
              Tags: tags({ 'drbot:origin': 'i-orig', 'drbot:launch-type': 'TEST' }),
            }),
            rawInstance('i-other', { LaunchTime: new Date(2_000), Tags: tags({}) }),
          ],
        },
      ],
    });
    ctx.ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
    const found = await ctx.provider.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
    expect(found.map((i) => i.id)).toEqual(['i-back', 'i-other']);
  });

  it('listProtected follows NextToken across two pages', async () => {
    ctx.ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [rawInstance('i-1')] }], NextToken: 'page-2' })
      .resolvesOnce({ Reservations: [{ Instances: [rawInstance('i-2')] }] });
    ctx.ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });

    const found = await ctx.provider.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');

    expect(found.map((i) => i.id)).toEqual(['i-1', 'i-2']);
    const calls = ctx.ec2.commandCalls(DescribeInstancesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('page-2');
  });

  /** EC2 answering DescribeInstanceStatus for a region whose running instances are `running`. */
  function regionStatuses(running: string[], unhealthy = new Set<string>()) {
    const fleet = running.map((id) => ({ id, instance: unhealthy.has(id) ? 'initializing' : 'ok' }));
    ctx.ec2.on(DescribeInstanceStatusCommand).callsFake(ec2StatusAnswers(() => fleet));
  }

  function describesAsRunning() {
    ctx.ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({
      Reservations: [{ Instances: input.InstanceIds.map((id) => rawInstance(id)) }],
    }));
  }

  it('describe of 2500 copies in a recovery region: 3 DescribeInstances and 3 status pages, not 25 calls by id', async () => {
    const ids = instanceIds(2500);
    describesAsRunning();
    regionStatuses(ids, new Set([ids[0]!]));

    const described = await ctx.provider.describe(ids, 'us-west-2');

    const describeCalls = ctx.ec2.commandCalls(DescribeInstancesCommand);
    expect(describeCalls.map((c) => c.args[0].input.InstanceIds?.length)).toEqual([1000, 1000, 500]);
    const statusCalls = ctx.ec2.commandCalls(DescribeInstanceStatusCommand).map((c) => c.args[0].input);
    expect(statusCalls).toHaveLength(3);
    expect(statusCalls.every((i) => i.InstanceIds === undefined && i.MaxResults === 1000)).toBe(true);
    expect(described).toHaveLength(2500);
    expect(described.filter((i) => i.healthy)).toHaveLength(2500 - 1);
  });

  it('asks status checks of running instances only: pending and stopped ones cannot have passed them', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            rawInstance('i-run'),
            rawInstance('i-pend', { State: { Name: 'pending', Code: 0 } }),
            rawInstance('i-stop', { State: { Name: 'stopped', Code: 80 } }),
          ],
        },
      ],
    });
    regionStatuses(['i-run']);

    const described = await ctx.provider.describe(['i-run', 'i-pend', 'i-stop'], 'us-west-2');

    const [call, ...more] = ctx.ec2.commandCalls(DescribeInstanceStatusCommand);
    expect(more).toEqual([]);
    expect(call?.args[0].input.InstanceIds).toEqual(['i-run']);
    expect(described.map((i) => [i.id, i.healthy])).toEqual([
      ['i-run', true],
      ['i-pend', false],
      ['i-stop', false],
    ]);
  });

  it('poll rounds reuse volume details for 10 minutes, then describe them again', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            rawInstance('i-1', {
              BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-1' } }],
            }),
          ],
        },
      ],
    });
    ctx.ec2
      .on(DescribeVolumesCommand)
      .resolves({ Volumes: [{ VolumeId: 'vol-1', Size: 40, VolumeType: 'gp3' }] });
    regionStatuses(['i-1']);
    const volumesOf = async () => (await ctx.provider.describe(['i-1'], 'us-west-2'))[0]?.volumes;

    expect(await volumesOf()).toEqual([{ id: 'vol-1', device: '/dev/xvda', sizeGiB: 40, type: 'gp3' }]);
    ctx.clock.advance(9 * 60_000);
    expect(await volumesOf()).toEqual([{ id: 'vol-1', device: '/dev/xvda', sizeGiB: 40, type: 'gp3' }]);
    expect(ctx.ec2.commandCalls(DescribeVolumesCommand)).toHaveLength(1);
    ctx.clock.advance(2 * 60_000);
    await volumesOf();
    expect(ctx.ec2.commandCalls(DescribeVolumesCommand)).toHaveLength(2);
  });

  it('describe drops ids EC2 does not know yet instead of failing the poll round', async () => {
    ctx.ec2
      .on(DescribeInstancesCommand)
      .rejectsOnce(awsError('InvalidInstanceID.NotFound', "The instance ID 'i-0new' does not exist"))
      .resolves({ Reservations: [{ Instances: [rawInstance('i-0old')] }] });
    ctx.ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [] });

    const described = await ctx.provider.describe(['i-0old', 'i-0new'], 'us-west-2');

    expect(described.map((i) => i.id)).toEqual(['i-0old']);
    expect(described[0]?.healthy).toBe(false);
    expect(ctx.ec2.commandCalls(DescribeInstancesCommand)[1]?.args[0].input.InstanceIds).toEqual(['i-0old']);
  });

  it('maps throttling during describe to RetryAfterError', async () => {
    ctx.ec2.on(DescribeInstancesCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.'));

    await expect(ctx.provider.describe(['i-1'], 'us-west-2')).rejects.toBeInstanceOf(RetryAfterError);
  });

  it('findRunOwned filters on the drbot:run-id tag', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [rawInstance('i-d1', { Tags: [{ Key: 'drbot:run-id', Value: 'run-7' }] })] },
      ],
    });

    const owned = await ctx.provider.findRunOwned('run-7', 'us-west-2');

    expect(owned.map((i) => i.id)).toEqual(['i-d1']);
    const filters = ctx.ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters;
    expect(filters).toContainEqual({ Name: 'tag:drbot:run-id', Values: ['run-7'] });
  });
});
