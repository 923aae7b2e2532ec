/**
 * The simulated data tier (DatabasePort): DB instances and Aurora clusters, manual snapshots and
 * their cross-region copies (with latency), restores (idempotent per identifier), read replicas
 * and global clusters with lag, and Parameter Store. Every call first applies what the sim clock
 * says has happened; mutating calls end by handing the state to `persist`.
 */

import { snapshotIdentifier } from '../../../actions/support/identifiers.js';
import type { MutationGuard } from '../../../cloud/compute.js';
import {
  type Database,
  type DatabasePort,
  DB_TAG,
  type DbKind,
  type DbProtectRequest,
  type DbProtectResult,
  type DbRestoreRequest,
  type DbRestoreResult,
  type DbSelector,
  type DbSnapshot,
  type GlobalCluster,
  type ParameterWrite,
} from '../../../cloud/database.js';
import {
  DatabaseNotFoundError,
  DataTierSafetyError,
  DbIdentifierCollisionError,
  KmsKeyRequiredError,
} from '../../../cloud/errors.js';
import type { Clock } from '../../../ports.js';
import { emitAt, type SimWakeups } from '../events.js';
import { SimDbStateError } from './errors.js';
import type { SimDataSeed } from './seed.js';
import {
  endpointOf,
  initialDataState,
  key,
  portOf,
  type SimDataState,
  type SimDb,
  type SimDbSnapshot,
} from './state.js';

export interface SimDatabaseOptions {
  seed: SimDataSeed;
  clock: Clock;
  /** Multiplies the data-tier latencies (the runtime's latencyScale). @default 1 */
  latencyScale?: number;
  state?: SimDataState;
  persist?: (state: SimDataState) => void | Promise<void>;
  /** Completion events (../events.ts): a restore wakes its run when available. @default none */
  wakeups?: SimWakeups;
}

const matches = (tags: Record<string, string>, selector: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => tags[k] === v);

export class SimDatabase implements DatabasePort {
  private readonly state: SimDataState;
  private readonly scale: number;

  constructor(private readonly options: SimDatabaseOptions) {
    this.state = options.state
      ? structuredClone(options.state)
      : initialDataState(options.seed, options.clock.now());
    this.scale = options.latencyScale ?? 1;
  }

  /** A copy of the state (tests, persistence). */
  snapshot(): SimDataState {
    return structuredClone(this.state);
  }

  private latency(name: keyof SimDataSeed['latencies'], extra = 0): number {
    return Math.round((this.options.seed.latencies[name] + extra) * this.scale);
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** Applies every transition that is due. */
  private settle(): void {
    const now = this.now();
    for (const [k, db] of Object.entries(this.state.databases)) {
      if (!db.transition || db.transition.at > now) continue;
      if (db.transition.to === 'gone') delete this.state.databases[k];
      else {
        if (db.status === 'promoting') db.replicaSourceId = undefined;
        db.status = db.transition.to;
        db.transition = undefined;
      }
    }
    for (const g of Object.values(this.state.globals)) {
      if (g.moving && g.moving.at <= now) {
        g.writer = g.moving.to;
        g.moving = undefined;
      }
    }
  }

  private async persist(): Promise<void> {
    await this.options.persist?.(this.snapshot());
  }

  private db(id: string, region: string): SimDb | undefined {
    return this.state.databases[key(region, id)];
  }

  private view(db: SimDb): Database {
    const ready = db.status !== 'creating';
    return {
      id: db.id,
      kind: db.kind,
      region: db.region,
      engine: db.engine,
      status: db.status,
      instanceClass: db.instanceClass,
      ...(ready ? { endpoint: endpointOf(db), port: portOf(db.engine) } : {}),
      encrypted: db.encrypted,
      ...(db.kmsKeyId ? { kmsKeyId: db.kmsKeyId } : {}),
      ...(db.optionGroup ? { optionGroup: db.optionGroup } : {}),
      ...(db.parameterGroup ? { parameterGroup: db.parameterGroup } : {}),
      ...(db.subnetGroup ? { subnetGroup: db.subnetGroup } : {}),
      ...(db.securityGroupIds ? { securityGroupIds: [...db.securityGroupIds] } : {}),
      tags: { ...db.tags },
      ...(db.replicaSourceId ? { replicaSourceId: db.replicaSourceId } : {}),
    };
  }

  private snapView(s: SimDbSnapshot): DbSnapshot {
    return {
      id: s.id,
      kind: s.kind,
      region: s.region,
      sourceDbId: s.sourceDbId,
      capturedAt: s.capturedAt,
      state: s.availableAt <= this.now() ? 'available' : 'creating',
      encrypted: s.encrypted,
      ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
    };
  }

  async listProtectedDatabases(selector: DbSelector, region: string): Promise<Database[]> {
    this.settle();
    return Object.values(this.state.databases)
      .filter((d) => d.region === region && d.status !== 'deleting' && matches(d.tags, selector.tags))
      .map((d) => this.view(d));
  }

  async protectDatabases(request: DbProtectRequest): Promise<DbProtectResult> {
    this.settle();
    const now = this.now();
    const snapshots: DbSnapshot[] = [];
    const pruned: string[] = [];
    for (const database of request.databases) {
      const db = this.db(database.id, request.sourceRegion);
      if (!db) throw new DatabaseNotFoundError(database.id, request.sourceRegion);
      if (db.encrypted && !request.kmsKeyId) throw new KmsKeyRequiredError(db.id, request.targetRegion);
      const id = snapshotIdentifier(db.id, request.captureKey);
      const tags = {
        [DB_TAG.sourceDb]: db.id,
        [DB_TAG.captureKey]: request.captureKey,
        [DB_TAG.managed]: 'true',
      };
      const sourceKey = key(request.sourceRegion, id);
      const copyKey = key(request.targetRegion, id);
      let copy = this.state.snapshots[copyKey];
      let source = this.state.snapshots[sourceKey];
      if (!copy && !source) {
        source = {
          id,
          kind: db.kind,
          region: db.region,
          sourceDbId: db.id,
          capturedAt: now,
          availableAt: now + this.latency('dbSnapshot'),
          encrypted: db.encrypted,
          ...(db.kmsKeyId ? { kmsKeyId: db.kmsKeyId } : {}),
          tags,
        };
        this.state.snapshots[sourceKey] = source;
      }
      if (!copy && source && source.availableAt <= now) {
        copy = {
          ...source,
          region: request.targetRegion,
          availableAt:
            now + this.latency('dbSnapshot', this.options.seed.latencies.dbCopyPerGiB * db.storageGiB),
          ...(request.kmsKeyId ? { kmsKeyId: request.kmsKeyId } : {}),
          tags: { ...tags },
        };
        this.state.snapshots[copyKey] = copy;
        this.state.counters.snapshotCopies += 1;
      }
      if (copy && copy.availableAt <= now) {
        // the source-region snapshot only existed to be copied
        delete this.state.snapshots[sourceKey];
        pruned.push(...this.prune(db.id, request.targetRegion, request.retention));
      }
      snapshots.push(this.snapView((copy ?? source) as SimDbSnapshot));
    }
    await this.persist();
    return { snapshots, pruned };
  }

  /** Keeps the newest `retention` drbot-managed copies of a database on `region`. */
  private prune(dbId: string, region: string, retention: number): string[] {
    const mine = Object.entries(this.state.snapshots)
      .filter(([, s]) => s.region === region && s.sourceDbId === dbId && s.tags[DB_TAG.managed] === 'true')
      .sort(([, a], [, b]) => b.capturedAt - a.capturedAt);
    const dropped = mine.slice(retention);
    for (const [k] of dropped) delete this.state.snapshots[k];
    return dropped.map(([, s]) => s.id);
  }

  async latestDbSnapshot(dbId: string, region: string): Promise<DbSnapshot | undefined> {
    this.settle();
    const now = this.now();
    const newest = Object.values(this.state.snapshots)
      .filter((s) => s.region === region && s.sourceDbId === dbId && s.availableAt <= now)
      .sort((a, b) => b.capturedAt - a.capturedAt)[0];
    return newest && this.snapView(newest);
  }

  async restoreDatabase(request: DbRestoreRequest, guard: MutationGuard): Promise<DbRestoreResult> {
    this.settle();
    this.state.counters.restoreCalls += 1;
    const existing = this.db(request.identifier, request.region);
    if (existing) {
      const same =
        existing.tags[DB_TAG.runId] === guard.runId &&
        existing.tags[DB_TAG.stepId] === request.tags[DB_TAG.stepId];
      if (!same)
        throw new DbIdentifierCollisionError(request.identifier, request.region, existing.tags[DB_TAG.runId]);
      return { identifier: existing.id, instanceClass: existing.instanceClass, created: false };
    }
    const snap = this.state.snapshots[key(request.region, request.snapshotId)];
    if (!snap || snap.availableAt > this.now())
      throw new SimDbStateError(
        `Snapshot ${request.snapshotId} is not available in ${request.region}.`,
        'A restore needs an available snapshot copy in the recovery region.',
        'Run recovery.protect (or wait for the copy) and use rds.latestPoint to pick the snapshot.',
        'DB_SNAPSHOT_NOT_FOUND',
      );
    const source = Object.values(this.state.databases).find((d) => d.id === snap.sourceDbId);
    const unoffered = new Set(this.options.seed.unofferedClasses[request.region] ?? []);
    const wanted = request.instanceClass ?? source?.instanceClass ?? 'db.r6g.large';
    const chosen = [wanted, ...(request.fallbackClasses ?? [])].find((c) => !unoffered.has(c));
    if (!chosen)
      throw new SimDbStateError(
        `No instance class of ${[wanted, ...(request.fallbackClasses ?? [])].join(', ')} is offered in ${request.region}.`,
        'The recovery region does not offer the requested class nor any fallback.',
        'Add an offered class to `fallbackClasses` (aws rds describe-orderable-db-instance-options).',
        'DB_CLASS_UNAVAILABLE',
      );
    this.state.databases[key(request.region, request.identifier)] = {
      id: request.identifier,
      kind: request.kind,
      region: request.region,
      engine: request.engine ?? source?.engine ?? 'postgres',
      status: 'creating',
      transition: { to: 'available', at: this.now() + this.latency('dbRestore') },
      instanceClass: chosen,
      storageGiB: source?.storageGiB ?? 100,
      encrypted: snap.encrypted,
      ...(snap.kmsKeyId ? { kmsKeyId: snap.kmsKeyId } : {}),
      ...(request.subnetGroup ? { subnetGroup: request.subnetGroup } : {}),
      ...(request.securityGroupIds ? { securityGroupIds: request.securityGroupIds } : {}),
      ...(request.parameterGroup ? { parameterGroup: request.parameterGroup } : {}),
      ...(request.optionGroup ? { optionGroup: request.optionGroup } : {}),
      tags: { ...request.tags, [DB_TAG.runId]: guard.runId },
    };
    this.state.counters.restores += 1;
    const restored = this.state.databases[key(request.region, request.identifier)]!;
    emitAt(this.options.wakeups, restored.transition!.at, guard.runId, `rds:available ${request.identifier}`);
    await this.persist();
    return {
      identifier: request.identifier,
      instanceClass: chosen,
      ...(chosen !== wanted ? { fellBackFrom: wanted } : {}),
      created: true,
    };
  }

  async describeDatabase(id: string, _kind: DbKind, region: string): Promise<Database | undefined> {
    this.settle();
    const db = this.db(id, region);
    return db && this.view(db);
  }

  async findRunOwnedDatabases(runId: string, region: string): Promise<Database[]> {
    this.settle();
    return Object.values(this.state.databases)
      .filter((d) => d.region === region && d.tags[DB_TAG.runId] === runId && d.status !== 'deleting')
      .map((d) => this.view(d));
  }

  async deleteDatabase(id: string, _kind: DbKind, region: string, guard: MutationGuard): Promise<void> {
    this.settle();
    const db = this.db(id, region);
    if (!db) return;
    // deletes are for the run's own restores only, in every mode: production is never deleted
    if (db.tags[DB_TAG.runId] !== guard.runId)
      throw new DataTierSafetyError('delete', `database ${id}`, guard.runId);
    if (db.status === 'deleting') return;
    db.status = 'deleting';
    db.transition = { to: 'gone', at: this.now() + this.latency('dbDelete') };
    this.state.counters.deletes += 1;
    await this.persist();
  }

  async promoteReadReplica(id: string, region: string, guard: MutationGuard): Promise<{ lagMs: number }> {
    this.settle();
    const db = this.db(id, region);
    if (!db) throw new DatabaseNotFoundError(id, region);
    if (guard.mode === 'drill' && db.tags[DB_TAG.runId] !== guard.runId)
      throw new DataTierSafetyError('promote', `database ${id}`, guard.runId);
    if (db.status === 'promoting') return { lagMs: db.lagMs ?? 0 };
    if (!db.replicaSourceId)
      throw new SimDbStateError(
        `${id} in ${region} is not a read replica.`,
        'Only a read replica can be promoted; this database is already standalone.',
        'Check the identifier: promote the cross-region replica, not the primary.',
        'DB_NOT_A_REPLICA',
      );
    db.status = 'promoting';
    db.transition = { to: 'available', at: this.now() + this.latency('dbPromote') };
    this.state.counters.promotions += 1;
    await this.persist();
    return { lagMs: db.lagMs ?? 0 };
  }

  async describeGlobalCluster(globalId: string): Promise<GlobalCluster | undefined> {
    this.settle();
    const g = this.state.globals[globalId];
    if (!g) return undefined;
    return {
      id: g.id,
      status: g.moving ? 'failing-over' : 'available',
      tags: { ...g.tags },
      members: g.members.map((clusterId) => {
        const region = Object.values(this.state.databases).find((d) => d.id === clusterId)?.region ?? '';
        const writer = clusterId === g.writer;
        return { clusterId, region, writer, ...(writer ? {} : { lagMs: g.lagMs }) };
      }),
    };
  }

  async moveGlobalWriter(
    request: { globalId: string; targetClusterId: string; region: string; allowDataLoss: boolean },
    guard: MutationGuard,
  ): Promise<{ lagMs: number }> {
    this.settle();
    const g = this.state.globals[request.globalId];
    if (!g) throw new DatabaseNotFoundError(request.globalId, 'global');
    if (guard.mode === 'drill' && g.tags[DB_TAG.runId] !== guard.runId)
      throw new DataTierSafetyError('fail over', `global cluster ${g.id}`, guard.runId);
    if (!g.members.includes(request.targetClusterId))
      throw new DatabaseNotFoundError(request.targetClusterId, request.region);
    if (g.writer === request.targetClusterId || g.moving?.to === request.targetClusterId)
      return { lagMs: g.lagMs };
    g.moving = { to: request.targetClusterId, at: this.now() + this.latency('globalSwitch') };
    await this.persist();
    return { lagMs: g.lagMs };
  }

  async putParameter(write: ParameterWrite): Promise<void> {
    this.state.parameters[key(write.region, write.name)] = { value: write.value, tags: write.tags };
    await this.persist();
  }

  async deleteParametersByPath(path: string, region: string): Promise<string[]> {
    const prefix = key(region, path.endsWith('/') ? path : `${path}/`);
    const names = Object.keys(this.state.parameters).filter((k) => k.startsWith(prefix));
    for (const k of names) delete this.state.parameters[k];
    if (names.length) await this.persist();
    return names.map((k) => k.slice(region.length + 1));
  }

  /** A parameter's value (tests, the shell). */
  parameter(name: string, region: string): string | undefined {
    return this.state.parameters[key(region, name)]?.value;
  }
}
