/**
 * The `database` capability: RDS DB instances and Aurora clusters, their manual snapshots copied
 * to the recovery region, restores, read-replica promotion and Aurora Global Database
 * switchover/failover. The endpoint hand-off (Parameter Store on AWS) belongs here too: it is how
 * a recovered database is announced to the app that starts after it.
 *
 * Every mutating call takes a `MutationGuard`: in a drill the provider refuses to delete, promote
 * or fail over anything not tagged with the run's id, whatever the action asked for.
 */
import type { MutationGuard } from './compute.js';

/** Tags drbot writes on the databases, snapshots and parameters it creates. */
export const DB_TAG = {
  runId: 'drbot:run-id',
  stepId: 'drbot:step-id',
  mode: 'drbot:mode',
  expires: 'drbot:expires',
  sourceDb: 'drbot:source-db',
  capturedAt: 'drbot:captured-at',
  captureKey: 'drbot:capture-key',
  managed: 'drbot:managed',
} as const;

export type DbKind = 'instance' | 'cluster';

export interface DbSelector {
  tags: Record<string, string>;
}

export interface Database {
  id: string;
  kind: DbKind;
  region: string;
  engine: string;
  /** `available`, `creating`, `backing-up`, `deleting`, `promoting` … as the cloud says. */
  status: string;
  instanceClass?: string;
  endpoint?: string;
  port?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  optionGroup?: string;
  parameterGroup?: string;
  subnetGroup?: string;
  /** The ARN (global cluster calls name members by ARN). */
  arn?: string;
  /** VPC security groups: a restore maps them through the network mapping. */
  securityGroupIds?: string[];
  tags: Record<string, string>;
  /** A read replica's source (id or ARN). */
  replicaSourceId?: string;
}

export interface DbSnapshot {
  id: string;
  kind: DbKind;
  region: string;
  sourceDbId: string;
  /** When the data was captured (epoch ms): the copy keeps the capture time of its source. */
  capturedAt: number;
  state: 'creating' | 'available' | 'error';
  encrypted: boolean;
  kmsKeyId?: string;
}

export interface DbProtectRequest {
  databases: Database[];
  sourceRegion: string;
  targetRegion: string;
  /** Copies kept per database in the target region. */
  retention: number;
  /** Same key → same snapshots: calling again reports their progress (the step's idempotency key). */
  captureKey: string;
  /** Re-encrypt copies with this key of the target region (required for encrypted sources). */
  kmsKeyId?: string;
  /** Source option group → target option group. */
  optionGroups?: Record<string, string>;
}

export interface DbProtectResult {
  /** Per database: the copy in the target region when it exists, else the source snapshot. */
  snapshots: DbSnapshot[];
  pruned: string[];
}

export interface DbRestoreRequest {
  /** Deterministic per run and step: a resumed restore finds its database instead of making a second. */
  identifier: string;
  snapshotId: string;
  kind: DbKind;
  region: string;
  engine?: string;
  instanceClass?: string;
  /** Tried in order when the region does not offer `instanceClass`. */
  fallbackClasses?: string[];
  subnetGroup?: string;
  securityGroupIds?: string[];
  parameterGroup?: string;
  optionGroup?: string;
  tags: Record<string, string>;
}

export interface DbRestoreResult {
  identifier: string;
  instanceClass?: string;
  /** Set when the requested class was not offered and a fallback was used. */
  fellBackFrom?: string;
  /** False when the database already existed from an earlier attempt of the same run and step. */
  created: boolean;
}

export interface GlobalClusterMember {
  clusterId: string;
  region: string;
  writer: boolean;
  /** Replication lag of a secondary, when known (ms). */
  lagMs?: number;
}

export interface GlobalCluster {
  id: string;
  status: string;
  members: GlobalClusterMember[];
  /** Tags of the global cluster (run-owned checks). */
  tags: Record<string, string>;
}

export interface ParameterWrite {
  name: string;
  value: string;
  region: string;
  tags: Record<string, string>;
}

/** A DB subnet group: the subnets (of one VPC, in at least two zones) a database is placed in. */
export interface DbSubnetGroup {
  name: string;
  region: string;
  subnetIds: string[];
  vpcId?: string;
  tags: Record<string, string>;
}

export interface DbSubnetGroupCreate {
  name: string;
  region: string;
  description: string;
  subnetIds: string[];
  tags: Record<string, string>;
}

export interface DatabasePort {
  /** DB instances and clusters on `region` whose tags match the selector (every tag). */
  listProtectedDatabases(selector: DbSelector, region: string): Promise<Database[]>;
  /** One snapshot + copy pass, idempotent per capture key, keeping the newest `retention`. */
  protectDatabases(request: DbProtectRequest): Promise<DbProtectResult>;
  /** The newest available snapshot of `dbId` on `region` (copies included), if any. */
  latestDbSnapshot(dbId: string, region: string): Promise<DbSnapshot | undefined>;
  restoreDatabase(request: DbRestoreRequest, guard: MutationGuard): Promise<DbRestoreResult>;
  describeDatabase(id: string, kind: DbKind, region: string): Promise<Database | undefined>;
  /** Databases tagged `drbot:run-id = runId` that are not being deleted. */
  findRunOwnedDatabases(runId: string, region: string): Promise<Database[]>;
  /** Deletes with no final snapshot and no retained backups; refused unless run-owned in a drill. */
  deleteDatabase(id: string, kind: DbKind, region: string, guard: MutationGuard): Promise<void>;
  /** Promotes a read replica to a standalone database; returns the lag at the moment of promotion. */
  /** `lagMs` is undefined when the provider cannot measure it (the action then claims no RPO). */
  promoteReadReplica(id: string, region: string, guard: MutationGuard): Promise<{ lagMs?: number }>;
  describeGlobalCluster(globalId: string): Promise<GlobalCluster | undefined>;
  /** Planned switchover (no data loss) or unplanned failover of an Aurora Global Database. */
  moveGlobalWriter(
    request: { globalId: string; targetClusterId: string; region: string; allowDataLoss: boolean },
    guard: MutationGuard,
  ): Promise<{ lagMs?: number }>;
  putParameter(write: ParameterWrite): Promise<void>;
  /**
   * DB subnet groups (engine/actions/support/db-subnet-group.ts creates a missing one in the
   * recovery region for rds.restore). Optional: a provider without them gets the group by name
   * only, as before.
   */
  describeSubnetGroup?(name: string, region: string): Promise<DbSubnetGroup | undefined>;
  createSubnetGroup?(group: DbSubnetGroupCreate): Promise<void>;
  /** Deletes every parameter under `path` (recursively); returns their names. */
  deleteParametersByPath(path: string, region: string): Promise<string[]>;
}
