/** Request shapes of every Elastic Disaster Recovery call the replication adapter makes. */
import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DrsClient,
  ReverseReplicationCommand,
  StartRecoveryCommand,
  TagResourceCommand,
  TerminateRecoveryInstancesCommand,
  UpdateLaunchConfigurationCommand,
} from '@aws-sdk/client-drs';
import {
  CreateLaunchTemplateVersionCommand,
  CreateTagsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsReplication } from '../../../../engine/adapters/aws/drs.js';
import { DRS_TAGS } from '../../../../engine/cloud/replication.js';

const REGION = 'us-west-2';
const NOW = Date.UTC(2026, 11, 2, 1, 0);
const DRILL = { runId: 'run-1', mode: 'drill' as const };
const FAILOVER = { runId: 'run-fo', mode: 'failover' as const };

/**
 * client-drs 3.523.0 is built on older @smithy types than the 3.1169 clients aws-sdk-client-mock
 * is typed against: the class is cast, the mock behaves the same.
 */
interface DrsStub {
  on(command: unknown, input?: unknown): { resolves(output: unknown): DrsStub };
  commandCalls(command: unknown): { args: [{ input: unknown }] }[];
  calls(): unknown[];
  restore(): void;
}
const mockDrs = () => mockClient(DrsClient as never) as unknown as DrsStub;
let drs = mockDrs();
let ec2 = mockClient(EC2Client);
let adapter: AwsReplication;

beforeEach(() => {
  drs = mockDrs();
  ec2 = mockClient(EC2Client);
  adapter = new AwsReplication({
    drs: (region) => new DrsClient({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    ec2: (region) => new EC2Client({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    clock: { now: () => NOW },
  });
});
afterEach(() => {
  drs.restore();
  ec2.restore();
});

describe('AwsReplication (Elastic Disaster Recovery)', () => {
  it('DescribeSourceServers: pages through every server and maps state, lag, backlog and sync progress', async () => {
    drs
      .on(DescribeSourceServersCommand, { nextToken: undefined })
      .resolves({
        items: [
          {
            sourceServerID: 's-1',
            tags: { 'dr-tier': 'warm' },
            sourceProperties: { identificationHints: { awsInstanceID: 'i-1' } },
            sourceCloudProperties: { originRegion: 'us-east-1' },
            dataReplicationInfo: {
              dataReplicationState: 'CONTINUOUS',
              lagDuration: 'PT4S',
              replicatedDisks: [
                { totalStorageBytes: 10, replicatedStorageBytes: 10, backloggedStorageBytes: 3 },
              ],
            },
          },
        ],
        nextToken: 'p2',
      })
      .on(DescribeSourceServersCommand, { nextToken: 'p2' })
      .resolves({
        items: [
          {
            sourceServerID: 's-2',
            dataReplicationInfo: {
              dataReplicationState: 'INITIAL_SYNC',
              replicatedDisks: [{ totalStorageBytes: 200, replicatedStorageBytes: 50 }],
            },
          },
        ],
      });
    const servers = await adapter.sourceServers(REGION);
    expect(drs.commandCalls(DescribeSourceServersCommand)[0]?.args[0].input).toEqual({
      filters: {},
      maxResults: 200,
      nextToken: undefined,
    });
    expect(servers[0]).toMatchObject({
      sourceServerId: 's-1',
      sourceInstanceId: 'i-1',
      sourceRegion: 'us-east-1',
      replicationState: 'CONTINUOUS',
      lagMs: 4_000,
      backlogBytes: 3,
    });
    expect(servers[1]).toMatchObject({ replicationState: 'INITIAL_SYNC', initialSyncPercent: 25 });
  });

  it('DescribeRecoverySnapshots: newest first, by source server', async () => {
    drs.on(DescribeRecoverySnapshotsCommand).resolves({
      items: [
        {
          snapshotID: 'pit-old',
          sourceServerID: 's-1',
          expectedTimestamp: '2026-12-02T00:00:00Z',
          timestamp: '2026-12-02T00:00:00Z',
        },
        {
          snapshotID: 'pit-new',
          sourceServerID: 's-1',
          expectedTimestamp: '2026-12-02T00:50:00Z',
          timestamp: '2026-12-02T00:50:00Z',
        },
      ],
    });
    const snapshots = await adapter.recoverySnapshots('s-1', REGION);
    expect(drs.commandCalls(DescribeRecoverySnapshotsCommand)[0]?.args[0].input).toEqual({
      sourceServerID: 's-1',
      order: 'DESC',
      maxResults: 100,
      nextToken: undefined,
    });
    expect(snapshots.map((s) => s.snapshotId)).toEqual(['pit-new', 'pit-old']);
  });

  it('UpdateLaunchConfiguration + CreateLaunchTemplateVersion: no private IP copied for drill settings', async () => {
    drs.on(UpdateLaunchConfigurationCommand).resolves({ ec2LaunchTemplateID: 'lt-1' });
    ec2.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: { VersionNumber: 7 } });
    ec2.on(ModifyLaunchTemplateCommand).resolves({});
    await adapter.applyLaunchSettings({
      sourceServerId: 's-1',
      region: REGION,
      instanceType: 't3.large',
      subnetId: 'subnet-1',
      securityGroups: ['sg-1'],
      tags: { 'drbot:managed': 'true' },
    });
    expect(drs.commandCalls(UpdateLaunchConfigurationCommand)[0]?.args[0].input).toEqual({
      sourceServerID: 's-1',
      copyPrivateIp: false,
      copyTags: true,
      launchDisposition: 'STARTED',
      targetInstanceTypeRightSizingMethod: 'NONE',
    });
    const version = ec2.commandCalls(CreateLaunchTemplateVersionCommand)[0]?.args[0].input;
    expect(version?.LaunchTemplateId).toBe('lt-1');
    expect(version?.LaunchTemplateData?.InstanceType).toBe('t3.large');
    expect(version?.LaunchTemplateData?.NetworkInterfaces).toEqual([
      { DeviceIndex: 0, SubnetId: 'subnet-1', Groups: ['sg-1'] },
    ]);
    expect(ec2.commandCalls(ModifyLaunchTemplateCommand)[0]?.args[0].input).toEqual({
      LaunchTemplateId: 'lt-1',
      DefaultVersion: '7',
    });
  });

  it('StartRecovery: isDrill, the chosen snapshot and drbot tags, after DescribeJobs found no job with the key', async () => {
    drs
      .on(DescribeJobsCommand)
      .resolves({ items: [{ jobID: 'drsjob-other', tags: { [DRS_TAGS.key]: 'another' } }] });
    drs
      .on(StartRecoveryCommand)
      .resolves({ job: { jobID: 'drsjob-1', status: 'PENDING', initiatedBy: 'START_DRILL' } });
    const job = await adapter.startRecovery({
      region: REGION,
      sourceServers: [{ sourceServerId: 's-1', recoverySnapshotId: 'pit-1' }, { sourceServerId: 's-2' }],
      isDrill: true,
      tags: { ...DRILL, expiresAt: Date.UTC(2026, 11, 2, 5) },
      idempotencyKey: 'run-1:launch:1:0',
      guard: DRILL,
    });
    expect(job).toMatchObject({ jobId: 'drsjob-1', isDrill: true });
    expect(drs.commandCalls(DescribeJobsCommand)[0]?.args[0].input).toEqual({
      filters: { fromDate: new Date(NOW - 24 * 3_600_000).toISOString() },
      maxResults: 200,
      nextToken: undefined,
    });
    expect(drs.commandCalls(StartRecoveryCommand)[0]?.args[0].input).toEqual({
      sourceServers: [{ sourceServerID: 's-1', recoverySnapshotID: 'pit-1' }, { sourceServerID: 's-2' }],
      isDrill: true,
      tags: {
        'drbot:run-id': 'run-1',
        'drbot:mode': 'drill',
        'drbot:idempotency-key': 'run-1:launch:1:0',
        'drbot:expires': '2026-12-02T05:00:00.000Z',
      },
    });
  });

  it('StartRecovery is not called again when DescribeJobs finds the job of the same attempt key', async () => {
    drs.on(DescribeJobsCommand).resolves({
      items: [{ jobID: 'drsjob-1', status: 'STARTED', tags: { [DRS_TAGS.key]: 'run-1:launch:1:0' } }],
    });
    const job = await adapter.startRecovery({
      region: REGION,
      sourceServers: [{ sourceServerId: 's-1' }],
      isDrill: true,
      tags: DRILL,
      idempotencyKey: 'run-1:launch:1:0',
      guard: DRILL,
    });
    expect(job.jobId).toBe('drsjob-1');
    expect(drs.commandCalls(StartRecoveryCommand)).toHaveLength(0);
  });

  it('StartRecovery: refused at run time in a drill without isDrill, before any call', async () => {
    await expect(
      adapter.startRecovery({
        region: REGION,
        sourceServers: [{ sourceServerId: 's-1' }],
        isDrill: false,
        tags: DRILL,
        idempotencyKey: 'k',
        guard: DRILL,
      }),
    ).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    expect(drs.calls()).toHaveLength(0);
  });

  it('StartRecovery: refuses more than 200 source servers in one call', async () => {
    const sourceServers = Array.from({ length: 201 }, (_, i) => ({ sourceServerId: `s-${i}` }));
    await expect(
      adapter.startRecovery({
        region: REGION,
        sourceServers,
        isDrill: true,
        tags: DRILL,
        idempotencyKey: 'k',
        guard: DRILL,
      }),
    ).rejects.toMatchObject({ code: 'DRS_BATCH_SIZE' });
  });

  it('DescribeJobs + TagResource + CreateTags: a completed job’s recovery instances get the run tags', async () => {
    drs.on(DescribeJobsCommand).resolves({
      items: [
        {
          jobID: 'drsjob-1',
          status: 'COMPLETED',
          initiatedBy: 'START_DRILL',
          tags: { [DRS_TAGS.runId]: 'run-1', [DRS_TAGS.mode]: 'drill', [DRS_TAGS.key]: 'k' },
          participatingServers: [
            { sourceServerID: 's-1', recoveryInstanceID: 'ri-1', launchStatus: 'LAUNCHED' },
          ],
        },
      ],
    });
    drs.on(DescribeRecoveryInstancesCommand).resolves({
      items: [
        {
          recoveryInstanceID: 'ri-1',
          arn: 'arn:aws:drs:us-west-2:1:recovery-instance/ri-1',
          ec2InstanceID: 'i-9',
          tags: {},
        },
      ],
    });
    drs.on(TagResourceCommand).resolves({});
    ec2.on(CreateTagsCommand).resolves({});
    const job = await adapter.describeJob('drsjob-1', REGION);
    expect(drs.commandCalls(DescribeJobsCommand)[0]?.args[0].input).toEqual({
      filters: { jobIDs: ['drsjob-1'] },
    });
    expect(job.servers).toEqual([
      { sourceServerId: 's-1', launchStatus: 'LAUNCHED', recoveryInstanceId: 'ri-1' },
    ]);
    expect(drs.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: 'arn:aws:drs:us-west-2:1:recovery-instance/ri-1',
      tags: { 'drbot:run-id': 'run-1', 'drbot:mode': 'drill' },
    });
    expect(ec2.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({
      Resources: ['i-9'],
      Tags: [
        { Key: 'drbot:run-id', Value: 'run-1' },
        { Key: 'drbot:mode', Value: 'drill' },
      ],
    });
  });

  it('DescribeJobLogItems: the job’s events, oldest first', async () => {
    drs.on(DescribeJobLogItemsCommand).resolves({
      items: [
        {
          event: 'LAUNCH_FAILED',
          logDateTime: '2026-12-02T00:05:00Z',
          eventData: { sourceServerID: 's-1', rawError: 'no capacity' },
        },
        { event: 'JOB_START', logDateTime: '2026-12-02T00:00:00Z' },
      ],
    });
    const log = await adapter.jobLog('drsjob-1', REGION);
    expect(drs.commandCalls(DescribeJobLogItemsCommand)[0]?.args[0].input).toEqual({
      jobID: 'drsjob-1',
      maxResults: 1000,
      nextToken: undefined,
    });
    expect(log.map((l) => l.event)).toEqual(['JOB_START', 'LAUNCH_FAILED']);
    expect(log[1]).toMatchObject({ sourceServerId: 's-1', message: 'no capacity' });
  });

  it('TerminateRecoveryInstances: a drill terminates only recovery instances tagged with its run id', async () => {
    drs.on(DescribeRecoveryInstancesCommand).resolves({
      items: [
        { recoveryInstanceID: 'ri-own', tags: { [DRS_TAGS.runId]: 'run-1' } },
        { recoveryInstanceID: 'ri-prod', tags: {} },
      ],
    });
    drs.on(TerminateRecoveryInstancesCommand).resolves({ job: { jobID: 'drsjob-t' } });
    await expect(
      adapter.terminateRecoveryInstances(['ri-own', 'ri-prod'], REGION, DRILL),
    ).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(drs.commandCalls(TerminateRecoveryInstancesCommand)).toHaveLength(0);
    await adapter.terminateRecoveryInstances(['ri-own'], REGION, DRILL);
    expect(drs.commandCalls(DescribeRecoveryInstancesCommand).at(-1)?.args[0].input).toEqual({
      filters: { recoveryInstanceIDs: ['ri-own'] },
      maxResults: 200,
      nextToken: undefined,
    });
    expect(drs.commandCalls(TerminateRecoveryInstancesCommand)[0]?.args[0].input).toEqual({
      recoveryInstanceIDs: ['ri-own'],
    });
  });

  it('ReverseReplication: one call per recovery instance, never in a drill', async () => {
    drs.on(ReverseReplicationCommand).resolves({
      reversedDirectionSourceServerArn: 'arn:aws:drs:us-east-1:1:source-server/s-back',
    });
    await expect(adapter.reverseReplication('ri-1', REGION, DRILL)).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(drs.calls()).toHaveLength(0);
    expect(await adapter.reverseReplication('ri-1', REGION, FAILOVER)).toBe('s-back');
    expect(drs.commandCalls(ReverseReplicationCommand)[0]?.args[0].input).toEqual({
      recoveryInstanceID: 'ri-1',
    });
  });
});
