/**
 * The replication capability on AWS: Elastic Disaster Recovery through @aws-sdk/client-drs, one
 * client per region (DRS runs in the recovery region). StartRecovery has no client token, so a
 * resumed step finds the job its earlier attempt started by drbot's idempotency-key tag
 * (DescribeJobs since the run began) before starting another. Drill safety is enforced here too.
 */
import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DrsClient,
  type Job,
  ReverseReplicationCommand,
  StartRecoveryCommand,
  TagResourceCommand,
  TerminateRecoveryInstancesCommand,
  UpdateLaunchConfigurationCommand,
} from '@aws-sdk/client-drs';
import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { MutationGuard } from '../../cloud/compute.js';
import { DrsSafetyError } from '../../cloud/errors.js';
import {
  checkStartRecovery,
  DRS_RECOVERY_BATCH,
  DRS_TAGS,
  type JobLogItem,
  type LaunchSettings,
  type PointInTimeSnapshot,
  type RecoveryInstance,
  type RecoveryJob,
  type ReplicationPort,
  type SourceServer,
  type StartRecoveryRequest,
} from '../../cloud/replication.js';
import { NonRetryableError } from '../../errors.js';
import type { Clock } from '../../ports.js';
import { applyLaunchTemplate } from './drs-launch-template.js';
import { idOfArn, toJob, toLogItem, toRecoveryInstance, toSourceServer } from './drs-mapping.js';
import { Ec2Clients } from './ec2-clients.js';
import { awsCall } from './errors.js';

export interface AwsReplicationOptions {
  /** @default `(region) => new DrsClient({ region })` */
  drs?: (region: string) => DrsClient;
  /** For the launch templates DRS keeps per source server. @default `new EC2Client({ region })` */
  ec2?: (region: string) => EC2Client;
  /** How far back DescribeJobs looks for a job an earlier attempt started. @default system clock */
  clock?: Clock;
}

/** DescribeJobs looks this far back for a job with the attempt's key (a step attempt is shorter). */
const JOB_LOOKBACK_MS = 24 * 3_600_000;

export class AwsReplication implements ReplicationPort {
  private readonly clients = new Map<string, DrsClient>();
  private readonly ec2: Ec2Clients;
  private readonly clock: Clock;

  constructor(private readonly options: AwsReplicationOptions = {}) {
    this.ec2 = new Ec2Clients(options.ec2 ? { ec2: options.ec2 } : {});
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  private drs(region: string): DrsClient {
    let client = this.clients.get(region);
    if (!client) {
      client = this.options.drs ? this.options.drs(region) : new DrsClient({ region });
      this.clients.set(region, client);
    }
    return client;
  }

  async sourceServers(region: string): Promise<SourceServer[]> {
    const out: SourceServer[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsCall('DescribeSourceServers', () =>
        this.drs(region).send(new DescribeSourceServersCommand({ filters: {}, maxResults: 200, nextToken })),
      );
      for (const s of page.items ?? []) out.push(toSourceServer(s, region));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  async recoverySnapshots(sourceServerId: string, region: string): Promise<PointInTimeSnapshot[]> {
    const out: PointInTimeSnapshot[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsCall('DescribeRecoverySnapshots', () =>
        this.drs(region).send(
          new DescribeRecoverySnapshotsCommand({
            sourceServerID: sourceServerId,
            order: 'DESC',
            maxResults: 100,
            nextToken,
          }),
        ),
      );
      for (const s of page.items ?? []) {
        out.push({
          snapshotId: s.snapshotID ?? '',
          sourceServerId,
          takenAt: Date.parse(s.timestamp ?? s.expectedTimestamp ?? ''),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return out.sort((a, b) => b.takenAt - a.takenAt);
  }

  async applyLaunchSettings(settings: LaunchSettings): Promise<void> {
    const updated = await awsCall('UpdateLaunchConfiguration', () =>
      this.drs(settings.region).send(
        new UpdateLaunchConfigurationCommand({
          sourceServerID: settings.sourceServerId,
          copyPrivateIp: settings.privateIp !== undefined,
          copyTags: true,
          launchDisposition: 'STARTED',
          // drbot sets the type itself (with its fallback): DRS must not resize it
          targetInstanceTypeRightSizingMethod: 'NONE',
        }),
      ),
    );
    if (!updated.ec2LaunchTemplateID) {
      throw new NonRetryableError(`DRS has no launch template for ${settings.sourceServerId}`, {
        code: 'DRS_NO_LAUNCH_TEMPLATE',
        explanation: 'UpdateLaunchConfiguration returned no EC2 launch template id.',
        action: `Open the server's launch settings in the DRS console (${settings.region}) once, then run again.`,
      });
    }
    await applyLaunchTemplate(this.ec2.ec2(settings.region), updated.ec2LaunchTemplateID, settings);
  }

  async startRecovery(request: StartRecoveryRequest): Promise<RecoveryJob> {
    const { region } = request;
    checkStartRecovery(request);
    const known = await this.jobWithKey(region, request.idempotencyKey);
    if (known) return toJob(known, region);
    const tags: Record<string, string> = {
      [DRS_TAGS.runId]: request.tags.runId,
      [DRS_TAGS.mode]: request.tags.mode,
      [DRS_TAGS.key]: request.idempotencyKey,
      ...(request.tags.expiresAt !== undefined
        ? { [DRS_TAGS.expires]: new Date(request.tags.expiresAt).toISOString() }
        : {}),
    };
    const started = await awsCall('StartRecovery', () =>
      this.drs(region).send(
        new StartRecoveryCommand({
          sourceServers: request.sourceServers.map((s) => ({
            sourceServerID: s.sourceServerId,
            ...(s.recoverySnapshotId ? { recoverySnapshotID: s.recoverySnapshotId } : {}),
          })),
          isDrill: request.isDrill,
          tags,
        }),
      ),
    );
    if (!started.job) throw new Error('StartRecovery returned no job');
    return toJob(started.job, region);
  }

  /** The job an earlier attempt with this key started, if any (DescribeJobs of the last day). */
  private async jobWithKey(region: string, key: string): Promise<Job | undefined> {
    const fromDate = new Date(this.clock.now() - JOB_LOOKBACK_MS).toISOString();
    let nextToken: string | undefined;
    do {
      const page = await awsCall('DescribeJobs', () =>
        this.drs(region).send(new DescribeJobsCommand({ filters: { fromDate }, maxResults: 200, nextToken })),
      );
      const found = (page.items ?? []).find((j) => j.tags?.[DRS_TAGS.key] === key);
      if (found) return found;
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }

  async describeJob(jobId: string, region: string): Promise<RecoveryJob> {
    const page = await awsCall('DescribeJobs', () =>
      this.drs(region).send(new DescribeJobsCommand({ filters: { jobIDs: [jobId] } })),
    );
    const job = page.items?.[0];
    if (!job) {
      throw new NonRetryableError(`DRS job ${jobId} not found in ${region}`, {
        code: 'DRS_JOB_NOT_FOUND',
        explanation:
          'DescribeJobs returned nothing for the job this step started (jobs are kept for a limited time).',
        action: `Check the DRS console in ${region} (Recovery job history); start the step again to launch anew.`,
        context: { jobId, region },
      });
    }
    if (job.status === 'COMPLETED') await this.tagRecovered(job, region);
    return toJob(job, region);
  }

  /**
   * StartRecovery tags only the job: the recovery instances and their EC2 instances get the run's
   * tags here, so cleanup and drill safety find them (idempotent: tagging again changes nothing).
   */
  private async tagRecovered(job: Job, region: string): Promise<void> {
    const tags = Object.fromEntries(
      Object.entries(job.tags ?? {}).filter(([k]) => k.startsWith('drbot:') && k !== DRS_TAGS.key),
    );
    if (!tags[DRS_TAGS.runId]) return;
    const ids = (job.participatingServers ?? [])
      .map((p) => p.recoveryInstanceID)
      .filter((id): id is string => !!id);
    if (ids.length === 0) return;
    const page = await awsCall('DescribeRecoveryInstances', () =>
      this.drs(region).send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: ids } })),
    );
    const untagged = (page.items ?? []).filter((ri) => ri.tags?.[DRS_TAGS.runId] !== tags[DRS_TAGS.runId]);
    for (const ri of untagged) {
      if (ri.arn)
        await awsCall('TagResource', () =>
          this.drs(region).send(new TagResourceCommand({ resourceArn: ri.arn, tags })),
        );
    }
    const instances = untagged.map((ri) => ri.ec2InstanceID).filter((id): id is string => !!id);
    if (instances.length > 0) {
      await awsCall('CreateTags', () =>
        this.ec2.ec2(region).send(
          new CreateTagsCommand({
            Resources: instances,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
    }
  }

  async jobLog(jobId: string, region: string): Promise<JobLogItem[]> {
    const out: JobLogItem[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsCall('DescribeJobLogItems', () =>
        this.drs(region).send(new DescribeJobLogItemsCommand({ jobID: jobId, maxResults: 1000, nextToken })),
      );
      for (const item of page.items ?? []) out.push(toLogItem(item));
      nextToken = page.nextToken;
    } while (nextToken);
    return out.sort((a, b) => a.at - b.at);
  }

  async recoveryInstances(region: string, ids?: readonly string[]): Promise<RecoveryInstance[]> {
    const out: RecoveryInstance[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsCall('DescribeRecoveryInstances', () =>
        this.drs(region).send(
          new DescribeRecoveryInstancesCommand({
            filters: ids ? { recoveryInstanceIDs: [...ids] } : {},
            maxResults: 200,
            nextToken,
          }),
        ),
      );
      for (const ri of page.items ?? []) out.push(toRecoveryInstance(ri, region));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  async terminateRecoveryInstances(
    ids: readonly string[],
    region: string,
    guard: MutationGuard,
  ): Promise<void> {
    if (ids.length === 0) return;
    if (guard.mode === 'drill') {
      // checked against what DRS says now, not what the step was told
      const found = await this.recoveryInstances(region, ids);
      const owned = new Set(
        found.filter((ri) => ri.tags[DRS_TAGS.runId] === guard.runId).map((ri) => ri.recoveryInstanceId),
      );
      const foreign = ids.filter((id) => !owned.has(id));
      if (foreign.length > 0) {
        throw new DrsSafetyError(
          `terminate recovery instances ${foreign.join(', ')}`,
          `A drill terminates only the recovery instances it launched (tagged ${DRS_TAGS.runId}=${guard.runId}).`,
          guard.runId,
          { foreign },
        );
      }
    }
    for (let i = 0; i < ids.length; i += DRS_RECOVERY_BATCH) {
      const batch = ids.slice(i, i + DRS_RECOVERY_BATCH);
      await awsCall('TerminateRecoveryInstances', () =>
        this.drs(region).send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: batch })),
      );
    }
  }

  async reverseReplication(
    recoveryInstanceId: string,
    region: string,
    guard: MutationGuard,
  ): Promise<string> {
    if (guard.mode === 'drill') {
      throw new DrsSafetyError(
        `reverse replication of ${recoveryInstanceId}`,
        'Reverse replication changes the direction of production replication; a drill never touches it.',
        guard.runId,
        { recoveryInstanceId },
      );
    }
    const out = await awsCall('ReverseReplication', () =>
      this.drs(region).send(new ReverseReplicationCommand({ recoveryInstanceID: recoveryInstanceId })),
    );
    return idOfArn(out.reversedDirectionSourceServerArn) ?? '';
  }
}

export function createAwsReplication(options: AwsReplicationOptions = {}): AwsReplication {
  return new AwsReplication(options);
}
