import {
  CreateImageCommand,
  CreateSnapshotsCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProtectRequest } from '../../../../engine/cloud/recovery-points.js';
import { mockedProvider } from './aws-test-helpers.js';

const request: ProtectRequest = {
  instances: [
    {
      id: 'i-src1',
      region: 'us-east-1',
      type: 'm5.large',
      state: 'running',
      securityGroups: [],
      volumes: [],
      tags: {},
    },
  ],
  sourceRegion: 'us-east-1',
  targetRegion: 'us-west-2',
  retention: 2,
  captureKey: 'protect:capture',
};

describe('spec.protect.capture on the AWS provider', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ec2.restore();
  });

  function empty() {
    ctx.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ctx.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ctx.ec2.on(CreateImageCommand).resolves({ ImageId: 'ami-src' });
    ctx.ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-src' }] });
  }

  it('captures EBS snapshot sets when the runbook says snapshots, though the provider default is ami', async () => {
    ctx = mockedProvider();
    empty();
    const result = await ctx.provider.protect({ ...request, capture: 'snapshots' });
    expect(ctx.ec2.commandCalls(CreateImageCommand)).toHaveLength(0);
    expect(ctx.ec2.commandCalls(CreateSnapshotsCommand)[0]?.args[0].input).toMatchObject({
      InstanceSpecification: { InstanceId: 'i-src1', ExcludeBootVolume: false },
    });
    expect(result.points[0]).toMatchObject({ id: 'snap-src', kind: 'snapshot' });
  });

  it('captures AMIs when the runbook says ami, though the provider was built for snapshots', async () => {
    ctx = mockedProvider({ captureKind: 'snapshot' });
    empty();
    const result = await ctx.provider.protect({ ...request, capture: 'ami' });
    expect(ctx.ec2.commandCalls(CreateSnapshotsCommand)).toHaveLength(0);
    expect(result.points[0]).toMatchObject({ id: 'ami-src', kind: 'ami' });
  });
});
