/**
 * The CloudProvider port: DR-level operations, not a copy of the AWS API. The sim and the AWS
 * adapter implement it and share one contract test suite. Long operations return at once and are
 * polled (`describe`, `commandStatus`, `dnsStatus`), one batched call per poll round for a fleet.
 */

export type LaunchType = 'TEST' | 'CUTOVER';

export interface ProtectSelector {
  tags?: Record<string, string>;
  instanceIds?: string[];
}

export interface Volume {
  id: string;
  device: string;
  sizeGiB: number;
  type: string;
}

export interface Instance {
  id: string;
  region: string;
  zone?: string;
  type: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  subnetId?: string;
  privateIp?: string;
  securityGroups: string[];
  instanceProfile?: string;
  volumes: Volume[];
  tags: Record<string, string>;
  /** Instance status checks passed (both system and instance). */
  healthy?: boolean;
}

export interface RecoveryPoint {
  id: string;
  kind: 'snapshot' | 'ami';
  region: string;
  sourceInstanceId: string;
  /** When the data was captured, epoch ms (the tag drbot:captured-at). */
  capturedAt: number;
  /** Taken between agent freeze and thaw. */
  appConsistent: boolean;
  state: 'pending' | 'available' | 'error';
}

export interface Blueprint {
  sourceInstanceId: string;
  recoveryPointId: string;
  region: string;
  instanceType: string;
  /** Used when the target region lacks `instanceType` (capacity or unsupported). */
  defaultInstanceType?: string;
  subnetId?: string;
  privateIp?: string;
  securityGroups?: string[];
  instanceProfile?: string;
  tags?: Record<string, string>;
}

/** Tags drbot puts on everything it creates. */
export interface RunTags {
  runId: string;
  mode: string;
  /** Drill TTL: epoch ms after which a sweeper may delete the resource. */
  expiresAt?: number;
}

export interface LaunchRequest {
  blueprints: Blueprint[];
  launchType: LaunchType;
  tags: RunTags;
  /** The attempt's idempotency key; each blueprint's ClientToken derives from it. */
  idempotencyKey: string;
}

export interface LaunchedInstance {
  instanceId: string;
  sourceInstanceId: string;
  instanceType: string;
  privateIp?: string;
  /** Set when the requested type was unavailable and the default was used. */
  fellBackFrom?: string;
}

/** Drill safety: stop/terminate only resources tagged with this run id when `mode` is drill. */
export interface MutationGuard {
  runId: string;
  mode: string;
}

export interface ProtectRequest {
  instances: Instance[];
  sourceRegion: string;
  targetRegion: string;
  /** Keep the newest N recovery points per instance in the target region. */
  retention: number;
  /** Idempotency per capture: the same key never captures twice. */
  captureKey: string;
  appConsistent?: boolean;
}

export interface ProtectResult {
  points: RecoveryPoint[];
  /** Recovery points deleted by retention. */
  pruned: string[];
}

export type CommandInvocationStatus =
  | 'pending'
  | 'in-progress'
  | 'success'
  | 'failed'
  | 'timed-out'
  | 'cancelled';

export interface CommandInvocation {
  instanceId: string;
  status: CommandInvocationStatus;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

export interface CommandResult {
  commandId: string;
  done: boolean;
  invocations: CommandInvocation[];
}

export interface CloudProvider {
  readonly name: 'sim' | 'aws' | string;
  listProtected(selector: ProtectSelector, region: string): Promise<Instance[]>;
  recoveryPoints(sourceInstanceId: string, region: string): Promise<RecoveryPoint[]>;
  latestRecoveryPoint(sourceInstanceId: string, region: string): Promise<RecoveryPoint | undefined>;
  protect(request: ProtectRequest): Promise<ProtectResult>;
  launch(request: LaunchRequest): Promise<LaunchedInstance[]>;
  /** One batched describe for the whole fleet. */
  describe(instanceIds: string[], region: string): Promise<Instance[]>;
  /** Instances tagged `drbot:run-id = runId` and not terminated. */
  findRunOwned(runId: string, region: string): Promise<Instance[]>;
  stop(instanceIds: string[], region: string, guard: MutationGuard): Promise<void>;
  start(instanceIds: string[], region: string, guard: MutationGuard): Promise<void>;
  terminate(instanceIds: string[], region: string, guard: MutationGuard): Promise<void>;
  runCommand(
    instanceIds: string[],
    region: string,
    document: string,
    parameters: Record<string, string[]>,
    idempotencyKey: string,
  ): Promise<{ commandId: string }>;
  commandStatus(commandId: string, region: string): Promise<CommandResult>;
  switchDns(
    zone: string,
    record: string,
    target: string,
    idempotencyKey: string,
  ): Promise<{ changeId: string }>;
  dnsStatus(changeId: string): Promise<'PENDING' | 'INSYNC'>;
  /** Creates or updates drbot's SSM documents in a region before first use (AWS only; the sim has them built in). */
  ensureDocuments?(
    region: string,
    docs: { name: string; content: string; format: 'YAML' | 'JSON' }[],
  ): Promise<Record<string, 'created' | 'updated' | 'unchanged'>>;
}
