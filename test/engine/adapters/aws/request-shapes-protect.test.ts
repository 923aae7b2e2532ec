/**
 * Wire conformity of the AWS provider, protection and Run Command (compute requests are in
 * request-shapes.test.ts): the exact parameters of each call, checked against the EC2 / SSM API
 * references (cited per test), and the region each call is sent to. Handlers'
 * answers are mocked (aws-sdk-client-mock), so these tests pin what real EC2 would receive:
 * a request it rejects must fail here. Shapes covered elsewhere: RunInstances ClientToken and
 * TagSpecifications (launch.test.ts), CreateImage and DeregisterImage (protect.test.ts),
 * DescribeImages/DescribeSnapshots batching (recovery-point-batch.test.ts), SendCommand batching
 * (ssm-commands.test.ts), ChangeResourceRecordSets (route53.test.ts).
 */
import {
  CopyImageCommand,
  CopySnapshotCommand,
  CreateSnapshotsCommand,
  DeleteSnapshotCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { ListCommandInvocationsCommand, ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instance } from '../../../../engine/cloud/compute.js';
import type { ProtectRequest } from '../../../../engine/cloud/recovery-points.js';
import { mockedProvider, regionOf } from './aws-test-helpers.js';

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

function snapshot(id: string, device: string, capturedAt: string, key = 'old'): Snapshot {
  const tags = {
    'drbot:source-instance': source.id,
    'drbot:captured-at': capturedAt,
    'drbot:capture-key': key,
    'drbot:device': device,
  };
  return {
    SnapshotId: id,
    State: 'completed',
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

describe('EC2 protection requests', () => {
  const request: ProtectRequest = {
    instances: [source],
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    retention: 1,
    captureKey: 'protect:2026-01-05T09',
  };
  const key = 'protect:2026-01-05T09:i-0src00000001';

  it('EC2 CreateSnapshots: InstanceSpecification with the boot volume, TagSpecifications on snapshot, source region', async () => {
    ctx.ec2.restore();
    ctx = mockedProvider({ captureKind: 'snapshot' });
    ctx.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ctx.ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-0a' }] });
    await ctx.provider.protect(request);
    const [call] = ctx.ec2.commandCalls(CreateSnapshotsCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('us-east-1');
    const input = call?.args[0].input;
    expect(input?.InstanceSpecification).toEqual({ InstanceId: source.id, ExcludeBootVolume: false });
    expect(input?.TagSpecifications?.map((s) => s.ResourceType)).toEqual(['snapshot']);
    expect(input?.TagSpecifications?.[0]?.Tags).toContainEqual({ Key: 'drbot:capture-key', Value: key });
  });

  it('EC2 CopySnapshot: each snapshot of the set, by the target region client, with SourceRegion and snapshot TagSpecifications', async () => {
    ctx.ec2.restore();
    ctx = mockedProvider({ captureKind: 'snapshot' });
    ctx.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ctx.ec2.on(DescribeSnapshotsCommand).callsFake(async (input, getClient) => {
      const region = await getClient().config.region();
      const byKey = input.Filters?.some((f: { Name: string }) => f.Name === 'tag:drbot:capture-key');
      if (region !== 'us-east-1' || !byKey) return { Snapshots: [] };
      return {
        Snapshots: [
          snapshot('snap-0root', '/dev/xvda', '2026-01-05T09:00:00.000Z', key),
          snapshot('snap-0data', '/dev/xvdb', '2026-01-05T09:00:00.000Z', key),
        ],
      };
    });
    ctx.ec2.on(CopySnapshotCommand).resolves({ SnapshotId: 'snap-0copy' });
    await ctx.provider.protect(request);
    const calls = ctx.ec2.commandCalls(CopySnapshotCommand);
    expect(calls.map((c) => c.args[0].input.SourceSnapshotId)).toEqual(['snap-0root', 'snap-0data']);
    for (const call of calls) {
      expect(await regionOf(call)).toBe('us-west-2');
      expect(call.args[0].input.SourceRegion).toBe('us-east-1');
      expect(call.args[0].input.TagSpecifications?.map((s) => s.ResourceType)).toEqual(['snapshot']);
      expect(call.args[0].input.TagSpecifications?.[0]?.Tags).toContainEqual({
        Key: 'drbot:source-instance',
        Value: source.id,
      });
    }
  });

  it('EC2 CopyImage: by the target region client, SourceRegion, ClientToken ≤ 64 characters, TagSpecifications on image and snapshot', async () => {
    ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ctx.ec2.on(DescribeImagesCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region !== 'us-east-1') return { Images: [] };
      const tags = { 'drbot:source-instance': source.id, 'drbot:captured-at': '2026-01-05T09:00:00.000Z' };
      const Tags = Object.entries({ ...tags, 'drbot:capture-key': key }).map(([Key, Value]) => ({
        Key,
        Value,
      }));
      return { Images: [{ ImageId: 'ami-0src', State: 'available', Tags }] };
    });
    ctx.ec2.on(CopyImageCommand).resolves({ ImageId: 'ami-0copy' });
    await ctx.provider.protect(request);
    const [call] = ctx.ec2.commandCalls(CopyImageCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('us-west-2');
    const input = call?.args[0].input;
    expect(input).toMatchObject({ SourceImageId: 'ami-0src', SourceRegion: 'us-east-1' });
    expect(input?.ClientToken?.length).toBeLessThanOrEqual(64);
    expect(input?.Name).toMatch(/^[A-Za-z0-9()[\]./\-'@_ ]{3,128}$/);
    expect(input?.TagSpecifications?.map((s) => s.ResourceType)).toEqual(['image', 'snapshot']);
  });

  it('EC2 DeleteSnapshot: every snapshot of a pruned snapshot set, one SnapshotId per call, never one backing an AMI', async () => {
    ctx.ec2.on(DescribeImagesCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) !== 'us-west-2') return { Images: [] };
      const tags = { 'drbot:source-instance': source.id, 'drbot:captured-at': '2026-01-05T10:00:00.000Z' };
      const Tags = Object.entries({ ...tags, 'drbot:capture-key': key }).map(([Key, Value]) => ({
        Key,
        Value,
      }));
      return {
        Images: [
          {
            ImageId: 'ami-0new',
            State: 'available',
            Tags,
            BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0ami' } }],
          },
        ],
      };
    });
    ctx.ec2.on(DescribeSnapshotsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) !== 'us-west-2') return { Snapshots: [] };
      return {
        Snapshots: [
          snapshot('snap-0ami', '/dev/xvda', '2026-01-05T10:00:00.000Z', key),
          snapshot('snap-0old1', '/dev/xvda', '2026-01-04T09:00:00.000Z'),
          snapshot('snap-0old2', '/dev/xvdb', '2026-01-04T09:00:00.000Z'),
        ],
      };
    });
    ctx.ec2.on(DeleteSnapshotCommand).resolves({});
    const result = await ctx.provider.protect(request);
    const calls = ctx.ec2.commandCalls(DeleteSnapshotCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { SnapshotId: 'snap-0old1' },
      { SnapshotId: 'snap-0old2' },
    ]);
    for (const call of calls) expect(await regionOf(call)).toBe('us-west-2');
    expect(result.pruned).toEqual(['snap-0old1']);
  });
});

describe('SSM Run Command requests', () => {
  it('SSM ListCommands: DocumentName and InvokedAfter filters, the timestamp as the API reference writes it, MaxResults 50', async () => {
    ctx.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
    ctx.ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    ctx.clock.advanceTo(Date.UTC(2026, 0, 5, 9, 30, 15, 123));
    await ctx.provider.runCommand(['i-0a'], 'us-west-2', 'DrbotHealth', {}, 'RUN1:health:1');
    const [call] = ctx.ssm.commandCalls(ListCommandsCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('us-west-2');
    expect(call?.args[0].input).toEqual({
      Filters: [
        { key: 'DocumentName', value: 'DrbotHealth' },
        { key: 'InvokedAfter', value: '2026-01-04T09:30:15Z' },
      ],
      MaxResults: 50,
    });
  });

  it('SSM SendCommand: DocumentName, InstanceIds, Parameters and a Comment naming the attempt, to the region client', async () => {
    ctx.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
    ctx.ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    await ctx.provider.runCommand(
      ['i-0a', 'i-0b'],
      'eu-west-1',
      'DrbotHealth',
      { http: ['http://localhost/'] },
      'K1',
    );
    const [call] = ctx.ssm.commandCalls(SendCommandCommand);
    expect(await regionOf(call as { thisValue: unknown })).toBe('eu-west-1');
    expect(call?.args[0].input).toEqual({
      DocumentName: 'DrbotHealth',
      InstanceIds: ['i-0a', 'i-0b'],
      Parameters: { http: ['http://localhost/'] },
      Comment: 'drbot:K1#0',
    });
  });

  it('SSM ListCommandInvocations: one CommandId of the composite id per request, with Details, NextToken followed', async () => {
    // copies at call time: the SDK's paginator reuses its input object between pages
    const seen: unknown[] = [];
    let pages = 0;
    ctx.ssm.on(ListCommandInvocationsCommand).callsFake((input) => {
      seen.push(JSON.parse(JSON.stringify(input)));
      pages += 1;
      return pages === 1 ? { CommandInvocations: [], NextToken: 't2' } : { CommandInvocations: [] };
    });
    await ctx.provider.commandStatus('cmd-a+cmd-b', 'us-west-2');
    expect(seen).toEqual([
      { CommandId: 'cmd-a', Details: true },
      { CommandId: 'cmd-a', Details: true, NextToken: 't2' },
      { CommandId: 'cmd-b', Details: true },
    ]);
  });
});
