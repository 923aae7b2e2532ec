/**
 * The replication capability: continuous block-level replication by a managed service (AWS
 * Elastic Disaster Recovery, DRS). drbot orchestrates it and adds what the service lacks: the
 * two-person rule, chat, drill cleanup and a measured RPO. Source servers live in the recovery
 * region (where DRS keeps the staging disks); each replicates one protected instance.
 */
import { NonRetryableError } from '../errors.js';
import type { MutationGuard, RunTags } from './compute.js';
import { DrsSafetyError } from './errors.js';

/** DRS's dataReplicationInfo.dataReplicationState, plus `DISCONNECTED` (the agent lost contact). */
export type ReplicationState =
  | 'STOPPED'
  | 'INITIATING'
  | 'INITIAL_SYNC'
  | 'BACKLOG'
  | 'CREATING_SNAPSHOT'
  | 'CONTINUOUS'
  | 'PAUSED'
  | 'RESCAN'
  | 'STALLED'
  | 'DISCONNECTED';

export interface SourceServer {
  /** `s-…` */
  sourceServerId: string;
  /** The region DRS runs in for this server (the recovery side). */
  region: string;
  /** The EC2 instance it replicates (identificationHints.awsInstanceID). */
  sourceInstanceId?: string;
  /** The region of that instance. */
  sourceRegion?: string;
  replicationState: ReplicationState;
  /** Replication lag, ms (DRS `lagDuration`); absent while it has no consistent point yet. */
  lagMs?: number;
  /** Bytes written on the source and not yet replicated. */
  backlogBytes: number;
  /** Initial sync progress, 0–100, while `INITIAL_SYNC`. */
  initialSyncPercent?: number;
  /** The newest point-in-time snapshot, epoch ms. */
  lastSnapshotAt?: number;
  /** DRS's stall reason or agent error, when there is one. */
  error?: string;
  tags: Record<string, string>;
  /** Set when this server replicates a recovery instance back (reverse replication). */
  reversedFromRecoveryInstanceId?: string;
}

/** A point-in-time snapshot (DescribeRecoverySnapshots). */
export interface PointInTimeSnapshot {
  snapshotId: string;
  sourceServerId: string;
  /** When the data was consistent, epoch ms. */
  takenAt: number;
}

/** What drbot sets on a source server's launch configuration and EC2 launch template. */
export interface LaunchSettings {
  sourceServerId: string;
  region: string;
  instanceType: string;
  /** Used when the recovery region does not offer `instanceType`. */
  fellBackFrom?: string;
  subnetId?: string;
  securityGroups?: string[];
  /** Only for CUTOVER launch settings: a drill never takes a production address. */
  privateIp?: string;
  instanceProfile?: string;
  tags: Record<string, string>;
}

export interface StartRecoveryRequest {
  region: string;
  sourceServers: { sourceServerId: string; recoverySnapshotId?: string }[];
  isDrill: boolean;
  tags: RunTags;
  /** Each call's job is found again by this key on resume: StartRecovery has no client token. */
  idempotencyKey: string;
  guard: MutationGuard;
}

export type RecoveryJobStatus = 'PENDING' | 'STARTED' | 'COMPLETED';
export type ServerLaunchStatus = 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED' | 'TERMINATED';

export interface RecoveryJob {
  jobId: string;
  region: string;
  status: RecoveryJobStatus;
  isDrill: boolean;
  servers: { sourceServerId: string; launchStatus: ServerLaunchStatus; recoveryInstanceId?: string }[];
  tags: Record<string, string>;
}

export interface JobLogItem {
  /** DRS event name: JOB_START, SNAPSHOT_START, CONVERSION_END, LAUNCH_START, LAUNCH_FAILED, JOB_END … */
  event: string;
  at: number;
  sourceServerId?: string;
  message?: string;
}

export interface RecoveryInstance {
  recoveryInstanceId: string;
  region: string;
  ec2InstanceId: string;
  sourceServerId: string;
  isDrill: boolean;
  jobId: string;
  ec2State: string;
  tags: Record<string, string>;
  /** The point-in-time snapshot it was launched from, with its time. */
  pointInTime?: { snapshotId: string; takenAt: number };
}

export interface ReplicationPort {
  /** Every source server DRS knows in `region` (DescribeSourceServers, all pages). */
  sourceServers(region: string): Promise<SourceServer[]>;
  /** A server's point-in-time snapshots, newest first (DescribeRecoverySnapshots). */
  recoverySnapshots(sourceServerId: string, region: string): Promise<PointInTimeSnapshot[]>;
  /** UpdateLaunchConfiguration + the EC2 launch template's new default version. */
  applyLaunchSettings(settings: LaunchSettings): Promise<void>;
  /** StartRecovery of at most 200 servers; refused in a drill without `isDrill`. */
  startRecovery(request: StartRecoveryRequest): Promise<RecoveryJob>;
  /** DescribeJobs of one job. */
  describeJob(jobId: string, region: string): Promise<RecoveryJob>;
  /** DescribeJobLogItems of one job, oldest first. */
  jobLog(jobId: string, region: string): Promise<JobLogItem[]>;
  /** DescribeRecoveryInstances, optionally of some ids only. */
  recoveryInstances(region: string, ids?: readonly string[]): Promise<RecoveryInstance[]>;
  /** TerminateRecoveryInstances; refused for instances the guarded run did not launch in a drill. */
  terminateRecoveryInstances(ids: readonly string[], region: string, guard: MutationGuard): Promise<void>;
  /**
   * ReverseReplication of one recovery instance: replication from it back to its origin region.
   * Never in a drill. Returns the reversed source server (in the origin region).
   */
  reverseReplication(recoveryInstanceId: string, region: string, guard: MutationGuard): Promise<string>;
}

/** Tags drbot puts on recovery jobs and instances. */
export const DRS_TAGS = {
  runId: 'drbot:run-id',
  mode: 'drbot:mode',
  expires: 'drbot:expires',
  key: 'drbot:idempotency-key',
} as const;

/** StartRecovery takes at most this many source servers per call. */
export const DRS_RECOVERY_BATCH = 200;

/**
 * What every provider (the sim and AWS) refuses before StartRecovery: a non-drill recovery in a
 * drill (DrsSafetyError), and a batch outside 1..DRS_RECOVERY_BATCH servers.
 */
export function checkStartRecovery(request: StartRecoveryRequest): void {
  const { guard } = request;
  if (guard.mode === 'drill' && !request.isDrill) {
    throw new DrsSafetyError(
      'start a non-drill recovery',
      'A drill launches recovery instances with isDrill: true only; a real recovery belongs to a failover behind the two-person approval.',
      guard.runId,
    );
  }
  if (request.sourceServers.length === 0 || request.sourceServers.length > DRS_RECOVERY_BATCH) {
    throw new NonRetryableError(`StartRecovery takes 1 to ${DRS_RECOVERY_BATCH} source servers`, {
      code: 'DRS_BATCH_SIZE',
      explanation: `The request named ${request.sourceServers.length} source servers.`,
      action: 'drbot splits fleets into batches of 200; report this as a bug.',
    });
  }
}

/** drbot's SSM document that runs AWS's DRS agent installer (parameter `Region`: where DRS runs). */
export const DRS_INSTALLER_DOCUMENT = 'DrbotInstallDrsAgent';
