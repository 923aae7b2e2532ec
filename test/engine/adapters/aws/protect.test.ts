import {
  CopyImageCommand,
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instance } from '../../../../engine/cloud/compute.js';
import type { ProtectRequest } from '../../../../engine/cloud/recovery-points.js';
import { mockedProvider } from './aws-test-helpers.js';

const source: Instance = {
  id: 'i-src1',
  region: 'us-east-1',
  type: 'm5.large',
  state: 'running',
  securityGroups: [],
  volumes: [],
  tags: {},
};

const request: ProtectRequest = {
  instances: [source],
  sourceRegion: 'us-east-1',
  targetRegion: 'us-west-2',
  retention: 2,
  captureKey: 'protect:2026-01-05T09',
};

function image(
  id: string,
  capturedAt: string,
  state = 'available',
  extra: Record<string, string> = {},
): Image {
  const tags = { 'drbot:source-instance': 'i-src1', 'drbot:captured-at': capturedAt, ...extra };
  return {
    ImageId: id,
    State: state as Image['State'],
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

/** Answers DescribeImages per region client, filtering by the capture-key tag like EC2 would. */
function imagesByRegion(ctx: ReturnType<typeof mockedProvider>, byRegion: Record<string, Image[]>) {
  ctx.ec2.on(DescribeImagesCommand).callsFake(async (input, getClient) => {
    const region = await getClient().config.region();
    const keyFilter = input.Filters?.find((f: { Name: string }) => f.Name === 'tag:drbot:capture-key');
    const images = (byRegion[region] ?? []).filter(
      (i) =>
        !keyFilter ||
        i.Tags?.some((t) => t.Key === 'drbot:capture-key' && keyFilter.Values.includes(t.Value)),
    );
    return { Images: images };
  });
  ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
}

describe('AwsCloudProvider protect and recovery points', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ec2.restore();
    ctx = mockedProvider();
  });

  it('creates a tagged NoReboot image in the source region and reports it pending', async () => {
    imagesByRegion(ctx, {});
    ctx.ec2.on(CreateImageCommand).resolves({ ImageId: 'ami-src' });

    const result = await ctx.provider.protect(request);

    const create = ctx.ec2.commandCalls(CreateImageCommand)[0]?.args[0].input;
    expect(create).toMatchObject({ InstanceId: 'i-src1', NoReboot: true });
    expect(create?.TagSpecifications?.map((s) => s.ResourceType)).toEqual(['image', 'snapshot']);
    expect(create?.TagSpecifications?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'drbot:source-instance', Value: 'i-src1' },
        { Key: 'drbot:captured-at', Value: new Date(ctx.clock.now()).toISOString() },
        { Key: 'drbot:capture-key', Value: 'protect:2026-01-05T09:i-src1' },
      ]),
    );
    expect(result.points).toEqual([
      expect.objectContaining({ id: 'ami-src', region: 'us-east-1', state: 'pending', kind: 'ami' }),
    ]);
    expect(ctx.ec2.commandCalls(CopyImageCommand)).toHaveLength(0);
  });

  it('resumes with the same capture key: copies the available capture with a ClientToken, never re-creates', async () => {
    const key = { 'drbot:capture-key': 'protect:2026-01-05T09:i-src1' };
    imagesByRegion(ctx, { 'us-east-1': [image('ami-src', '2026-01-05T09:00:00.000Z', 'available', key)] });
    ctx.ec2.on(CopyImageCommand).resolves({ ImageId: 'ami-copy' });

    const first = await ctx.provider.protect(request);
    await ctx.provider.protect(request);

    expect(ctx.ec2.commandCalls(CreateImageCommand)).toHaveLength(0);
    const copies = ctx.ec2.commandCalls(CopyImageCommand).map((c) => c.args[0].input);
    expect(copies[0]).toMatchObject({ SourceImageId: 'ami-src', SourceRegion: 'us-east-1' });
    expect(copies[0]?.ClientToken).toBeTruthy();
    expect(copies[0]?.ClientToken).toBe(copies[1]?.ClientToken);
    expect(first.points[0]).toMatchObject({ id: 'ami-copy', region: 'us-west-2', state: 'pending' });
  });

  it('keeps the newest N available points and deregisters only older drbot images', async () => {
    const key = { 'drbot:capture-key': 'protect:2026-01-05T09:i-src1' };
    imagesByRegion(ctx, {
      'us-west-2': [
        image('ami-new', '2026-01-05T09:00:00.000Z', 'available', key),
        image('ami-mid', '2026-01-05T08:00:00.000Z'),
        image('ami-old', '2026-01-05T07:00:00.000Z'),
        image('ami-copying', '2026-01-05T06:00:00.000Z', 'pending'),
      ],
    });
    ctx.ec2.on(DeregisterImageCommand).resolves({});

    const result = await ctx.provider.protect(request);

    expect(result.pruned).toEqual(['ami-old']);
    expect(ctx.ec2.commandCalls(DeregisterImageCommand)[0]?.args[0].input).toEqual({
      ImageId: 'ami-old',
      DeleteAssociatedSnapshots: true,
    });
    const describeInput = ctx.ec2.commandCalls(DescribeImagesCommand)[0]?.args[0].input;
    expect(describeInput?.Owners).toEqual(['self']);
  });

  it('latestRecoveryPoint is the newest available point, following DescribeImages pagination', async () => {
    ctx.ec2
      .on(DescribeImagesCommand)
      .resolvesOnce({ Images: [image('ami-a', '2026-01-05T07:00:00.000Z')], NextToken: 'p2' })
      .resolvesOnce({
        Images: [
          image('ami-b', '2026-01-05T08:00:00.000Z'),
          image('ami-c', '2026-01-05T09:00:00.000Z', 'pending'),
        ],
      });
    ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });

    const latest = await ctx.provider.latestRecoveryPoint('i-src1', 'us-west-2');

    expect(latest).toEqual({
      id: 'ami-b',
      kind: 'ami',
      region: 'us-west-2',
      sourceInstanceId: 'i-src1',
      capturedAt: Date.UTC(2026, 0, 5, 8),
      appConsistent: false,
      state: 'available',
    });
    expect(ctx.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(2);
  });
});
