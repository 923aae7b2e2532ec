/**
 * The simulated Elastic Disaster Recovery's state, kept inside SimState (`drs`) so it is saved,
 * sharded and restored with the rest of the world. Time-driven changes (initial sync done, job
 * converted, reverse replication continuous) are deadlines applied by `settleDrs`.
 */
import type { LaunchSettings, ReplicationState } from '../../../cloud/replication.js';

export interface SimSourceServer {
  id: string;
  /** Where DRS runs for it (the recovery side of its instance). */
  region: string;
  sourceInstanceId: string;
  sourceRegion: string;
  state: ReplicationState;
  /** Lag while continuous, ms. */
  lagMs: number;
  backlogBytes: number;
  /** Point-in-time snapshots exist from here on. */
  continuousSince?: number;
  /** Initial sync window (INITIAL_SYNC until syncDoneAt). */
  syncStartedAt?: number;
  syncDoneAt?: number;
  /** Replication stopped being consistent here (STALLED, DISCONNECTED): lag grows from it. */
  stalledAt?: number;
  tags: Record<string, string>;
  launch?: LaunchSettings;
  /** Set for a reversed server: the recovery instance it replicates back. */
  reversedFrom?: string;
}

export interface SimJobServer {
  sourceServerId: string;
  snapshotId: string;
  takenAt: number;
  recoveryInstanceId?: string;
  failed?: string;
}

export interface SimRecoveryJob {
  id: string;
  region: string;
  isDrill: boolean;
  createdAt: number;
  /** Snapshot converted: the EC2 launches happen then. */
  convertedAt: number;
  launched: boolean;
  servers: SimJobServer[];
  tags: Record<string, string>;
}

export interface SimRecoveryInstance {
  id: string;
  region: string;
  ec2InstanceId: string;
  sourceServerId: string;
  jobId: string;
  isDrill: boolean;
  tags: Record<string, string>;
  snapshotId: string;
  takenAt: number;
  terminated?: boolean;
}

export interface SimDrsState {
  sourceServers: Record<string, SimSourceServer>;
  jobs: Record<string, SimRecoveryJob>;
  recoveryInstances: Record<string, SimRecoveryInstance>;
  /** Source server id → how many recovery instances StartRecovery made of it (tests). */
  launchesByServer: Record<string, number>;
}

export function emptyDrsState(): SimDrsState {
  return { sourceServers: {}, jobs: {}, recoveryInstances: {}, launchesByServer: {} };
}
