/**
 * Pure mappings between Elastic Disaster Recovery's SDK shapes and the replication port's: ISO 8601
 * lag durations, replicated-disk progress, job and recovery-instance views. No SDK client here.
 */
import type {
  RecoveryInstance as DrsRecoveryInstance,
  SourceServer as DrsSourceServer,
  Job,
  JobLog,
} from '@aws-sdk/client-drs';
import type {
  JobLogItem,
  RecoveryInstance,
  RecoveryJob,
  ReplicationState,
  ServerLaunchStatus,
  SourceServer,
} from '../../cloud/replication.js';

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** `PT1M30S` → 90000; undefined for absent or unparsable values. */
export function isoDurationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = ISO_DURATION.exec(text);
  if (!m) return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return Math.round((((d! * 24 + h!) * 60 + min!) * 60 + s!) * 1000);
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/** The last segment of an ARN (`…:source-server/s-123` → `s-123`). */
export const idOfArn = (arn: string | undefined) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined);

export function toSourceServer(s: DrsSourceServer, region: string): SourceServer {
  const info = s.dataReplicationInfo;
  const disks = info?.replicatedDisks ?? [];
  const total = disks.reduce((n, d) => n + (d.totalStorageBytes ?? 0), 0);
  const replicated = disks.reduce((n, d) => n + (d.replicatedStorageBytes ?? 0), 0);
  const backlog = disks.reduce((n, d) => n + (d.backloggedStorageBytes ?? 0), 0);
  const state = (info?.dataReplicationState ?? 'STOPPED') as ReplicationState;
  const lagMs = isoDurationMs(info?.lagDuration);
  const error = info?.dataReplicationError?.error;
  const instanceId = s.sourceProperties?.identificationHints?.awsInstanceID;
  return {
    sourceServerId: s.sourceServerID ?? '',
    region,
    ...(instanceId ? { sourceInstanceId: instanceId } : {}),
    ...(s.sourceCloudProperties?.originRegion ? { sourceRegion: s.sourceCloudProperties.originRegion } : {}),
    replicationState: state,
    ...(lagMs !== undefined ? { lagMs } : {}),
    backlogBytes: backlog,
    ...(state === 'INITIAL_SYNC' && total > 0
      ? { initialSyncPercent: Math.floor((replicated / total) * 100) }
      : {}),
    ...(error ? { error } : {}),
    tags: { ...(s.tags ?? {}) },
    ...(s.replicationDirection === 'FAILBACK' && s.recoveryInstanceId
      ? { reversedFromRecoveryInstanceId: s.recoveryInstanceId }
      : {}),
  };
}

export function toJob(job: Job, region: string): RecoveryJob {
  const servers = (job.participatingServers ?? []).map((p) => ({
    sourceServerId: p.sourceServerID ?? '',
    launchStatus: (p.launchStatus ?? 'PENDING') as ServerLaunchStatus,
    ...(p.recoveryInstanceID ? { recoveryInstanceId: p.recoveryInstanceID } : {}),
  }));
  return {
    jobId: job.jobID ?? '',
    region,
    status: (job.status ?? 'PENDING') as RecoveryJob['status'],
    isDrill: job.initiatedBy === 'START_DRILL',
    servers,
    tags: { ...(job.tags ?? {}) },
  };
}

export function toLogItem(item: JobLog): JobLogItem {
  const at = time(item.logDateTime) ?? 0;
  const data = item.eventData;
  const message = data?.rawError;
  return {
    event: item.event ?? 'UNKNOWN',
    at,
    ...(data?.sourceServerID ? { sourceServerId: data.sourceServerID } : {}),
    ...(message ? { message } : {}),
  };
}

export function toRecoveryInstance(ri: DrsRecoveryInstance, region: string): RecoveryInstance {
  const taken = time(ri.pointInTimeSnapshotDateTime);
  return {
    recoveryInstanceId: ri.recoveryInstanceID ?? '',
    region,
    ec2InstanceId: ri.ec2InstanceID ?? '',
    sourceServerId: ri.sourceServerID ?? '',
    isDrill: ri.isDrill ?? false,
    jobId: ri.jobID ?? '',
    ec2State: (ri.ec2InstanceState ?? 'PENDING').toLowerCase(),
    tags: { ...(ri.tags ?? {}) },
    ...(taken !== undefined ? { pointInTime: { snapshotId: '', takenAt: taken } } : {}),
  };
}
