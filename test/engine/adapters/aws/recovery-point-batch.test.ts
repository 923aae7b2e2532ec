import { DescribeImagesCommand, DescribeSnapshotsCommand, type Image } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { awsError, instanceIds, mockedProvider } from './aws-test-helpers.js';

function image(id: string, source: string, capturedAt: string, state = 'available'): Image {
  const tags = { 'drbot:source-instance': source, 'drbot:captured-at': capturedAt };
  return {
    ImageId: id,
    State: state as Image['State'],
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

const noSleep = { sleep: async () => undefined };

describe('AwsCloudProvider.latestRecoveryPoints (batched describes)', () => {
  it('DescribeImages and DescribeSnapshots: one request per 200 source ids, filtered by tag, owner self', async () => {
    const ctx = mockedProvider({ pageRetry: noSleep });
    ctx.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    const ids = instanceIds(450);

    await ctx.provider.latestRecoveryPoints(ids, 'us-west-2');

    const images = ctx.ec2.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input);
    const snapshots = ctx.ec2.commandCalls(DescribeSnapshotsCommand).map((c) => c.args[0].input);
    expect(images).toHaveLength(3);
    expect(snapshots).toHaveLength(3);
    expect(images.map((i) => i.Filters?.[0]?.Values?.length)).toEqual([200, 200, 50]);
    expect(images[0]).toEqual({
      Owners: ['self'],
      Filters: [{ Name: 'tag:drbot:source-instance', Values: ids.slice(0, 200) }],
      MaxResults: 1000,
    });
    expect(snapshots[2]).toEqual({
      OwnerIds: ['self'],
      Filters: [{ Name: 'tag:drbot:source-instance', Values: ids.slice(400) }],
      MaxResults: 1000,
    });
  });

  it('DescribeImages: follows NextToken and keeps the newest available point per instance', async () => {
    const ctx = mockedProvider({ pageRetry: noSleep });
    ctx.ec2
      .on(DescribeImagesCommand)
      .resolvesOnce({
        Images: [
          image('ami-a1', 'i-a', '2026-01-05T07:00:00.000Z'),
          image('ami-b1', 'i-b', '2026-01-05T08:00:00.000Z'),
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Images: [
          image('ami-a2', 'i-a', '2026-01-05T09:00:00.000Z'),
          image('ami-b2', 'i-b', '2026-01-05T10:00:00.000Z', 'pending'),
        ],
      });
    ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });

    const latest = await ctx.provider.latestRecoveryPoints(['i-a', 'i-b', 'i-none'], 'us-west-2');

    expect(Object.fromEntries(Object.entries(latest).map(([k, p]) => [k, p.id]))).toEqual({
      'i-a': 'ami-a2',
      'i-b': 'ami-b1',
    });
    const calls = ctx.ec2.commandCalls(DescribeImagesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('page-2');
  });

  it('DescribeSnapshots: a throttled page is retried with its NextToken within the lookup', async () => {
    const ctx = mockedProvider({ pageRetry: noSleep });
    ctx.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ctx.ec2
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [], NextToken: 'page-2' })
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .resolves({
        Snapshots: [
          {
            SnapshotId: 'snap-1',
            State: 'completed',
            Tags: [
              { Key: 'drbot:source-instance', Value: 'i-a' },
              { Key: 'drbot:captured-at', Value: '2026-01-05T07:00:00.000Z' },
            ],
          },
        ],
      });

    const latest = await ctx.provider.latestRecoveryPoints(['i-a'], 'us-west-2');

    expect(latest['i-a']?.id).toBe('snap-1');
    const tokens = ctx.ec2.commandCalls(DescribeSnapshotsCommand).map((c) => c.args[0].input.NextToken);
    expect(tokens).toEqual([undefined, 'page-2', 'page-2', 'page-2']);
  });

  it('DescribeImages: a page throttled on every try fails as AWS_THROTTLED, other errors at once', async () => {
    const ctx = mockedProvider({ pageRetry: { ...noSleep, attempts: 3 } });
    ctx.ec2.on(DescribeImagesCommand).rejects(awsError('RequestLimitExceeded'));
    await expect(ctx.provider.latestRecoveryPoints(['i-a'], 'us-west-2')).rejects.toMatchObject({
      code: 'AWS_THROTTLED',
    });
    expect(ctx.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(3);

    ctx.ec2.reset();
    ctx.ec2.on(DescribeImagesCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(ctx.provider.latestRecoveryPoints(['i-a'], 'us-west-2')).rejects.toMatchObject({
      code: 'AWS_ACCESS_DENIED',
    });
    expect(ctx.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });
});
