/**
 * The compute capability: the protected inventory, launches of recovered copies, their status
 * and their lifecycle. One batched describe per region per poll round for a whole fleet.
 */

export type LaunchType = 'TEST' | 'CUTOVER';

export interface ProtectSelector {
  tags?: Record<string, string>;
  instanceIds?: string[];
  /**
   * Only instances in this zone. drbot sets it for a same-region (cross-zone) site pair, where
   * both sides share a region: one protected instance per origin is then chosen per side.
   */
  zone?: string;
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

export interface Blueprint {
  sourceInstanceId: string;
  /** The original the source descends from, when the source is itself a recovered copy (engine/cloud/origin.ts). */
  origin?: string;
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
  /** Boot script for every instance (plain text; the provider encodes it), e.g. the recovered DB endpoint. */
  userData?: string;
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

/** A private address in one subnet (what EC2 gives to one network interface only). */
export interface SubnetAddress {
  subnetId: string;
  ip: string;
}

export interface ComputePort {
  listProtected(selector: ProtectSelector, region: string): Promise<Instance[]>;
  launch(request: LaunchRequest): Promise<LaunchedInstance[]>;
  /** One batched describe for the whole fleet. */
  describe(instanceIds: string[], region: string): Promise<Instance[]>;
  /** Instances tagged `drbot:run-id = runId` and not terminated. */
  findRunOwned(runId: string, region: string): Promise<Instance[]>;
  stop(instanceIds: string[], region: string, guard: MutationGuard): Promise<void>;
  start(instanceIds: string[], region: string, guard: MutationGuard): Promise<void>;
  terminate(instanceIds: string[], region: string, guard: MutationGuard): Promise<void>;
  /**
   * Who holds each of these addresses now (`subnet|ip` → an instance or interface id), whatever
   * it is: a stopped copy of an earlier failover, an original, anything else. A CUTOVER launch
   * asking for a held address would fail (InvalidIPAddress.InUse).
   */
  addressHolders(region: string, addresses: readonly SubnetAddress[]): Promise<Record<string, string>>;
}

/** The key of `addressHolders`' answer. */
export const addressKey = (a: SubnetAddress) => `${a.subnetId}|${a.ip}`;
