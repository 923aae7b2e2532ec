/**
 * The sim's ReplicationPort: Elastic Disaster Recovery over the same world and state as the sim's
 * EC2 (recovery instances are sim instances, so ec2.waitHealthy and the agent work on them).
 * Calls share SimCloud's queue: settled first, serialised, persisted after mutations.
 */
import type { MutationGuard } from '../../../cloud/compute.js';
import type {
  JobLogItem,
  LaunchSettings,
  PointInTimeSnapshot,
  RecoveryInstance,
  RecoveryJob,
  ReplicationPort,
  SourceServer,
  StartRecoveryRequest,
} from '../../../cloud/replication.js';
import type { SimContext } from '../context.js';
import { describeJob, jobLog, recoveryInstances, startRecovery, terminateRecoveryInstances } from './jobs.js';
import {
  applyLaunchSettings,
  describeSourceServers,
  drsState,
  recoverySnapshots,
  reverseReplication,
} from './servers.js';
import type { SimDrsState } from './state.js';

export type SimOp = <T>(mutating: boolean, fn: () => T | Promise<T>) => Promise<T>;

export class SimReplication implements ReplicationPort {
  constructor(
    private readonly ctx: SimContext,
    private readonly op: SimOp,
  ) {}

  sourceServers(region: string): Promise<SourceServer[]> {
    return this.op(false, () => describeSourceServers(this.ctx, region));
  }
  recoverySnapshots(sourceServerId: string, region: string): Promise<PointInTimeSnapshot[]> {
    return this.op(false, () => recoverySnapshots(this.ctx, sourceServerId, region));
  }
  applyLaunchSettings(settings: LaunchSettings): Promise<void> {
    return this.op(true, () => applyLaunchSettings(this.ctx, settings));
  }
  startRecovery(request: StartRecoveryRequest): Promise<RecoveryJob> {
    return this.op(true, () => startRecovery(this.ctx, request));
  }
  describeJob(jobId: string, region: string): Promise<RecoveryJob> {
    return this.op(false, () => describeJob(this.ctx, jobId, region));
  }
  jobLog(jobId: string, region: string): Promise<JobLogItem[]> {
    return this.op(false, () => jobLog(this.ctx, jobId, region));
  }
  recoveryInstances(region: string, ids?: readonly string[]): Promise<RecoveryInstance[]> {
    return this.op(false, () => recoveryInstances(this.ctx, region, ids));
  }
  terminateRecoveryInstances(ids: readonly string[], region: string, guard: MutationGuard): Promise<void> {
    return this.op(true, () => terminateRecoveryInstances(this.ctx, ids, region, guard));
  }
  reverseReplication(recoveryInstanceId: string, region: string, guard: MutationGuard): Promise<string> {
    return this.op(true, () => reverseReplication(this.ctx, recoveryInstanceId, region, guard));
  }

  /** The DRS state as it is now, without counting a call (tests, shell). */
  inspect(): Promise<SimDrsState> {
    return this.op(false, () => structuredClone(drsState(this.ctx)));
  }
}
