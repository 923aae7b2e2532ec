/**
 * The data tier on AWS (DatabasePort): RDS DB instances and Aurora clusters through injected
 * RDSClients, Parameter Store through an injected store (createAwsDatabase: SSM, parameters.ts). Run-time drill safety lives here too: deletes
 * need the run's tag in every mode, promotions and global failovers need it in a drill.
 */
import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeGlobalClustersCommand,
  type DescribeGlobalClustersCommandOutput,
  DescribeOrderableDBInstanceOptionsCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
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
} from '../../../cloud/database.js';
import {
  DatabaseNotFoundError,
  DataTierSafetyError,
  DbIdentifierCollisionError,
} from '../../../cloud/errors.js';
import { NonRetryableError } from '../../../errors.js';
import { systemClock } from '../../system.js';
import { awsCall } from '../errors.js';
import {
  type AwsDatabaseOptions,
  isNotFound,
  type ParameterStore,
  RdsClients,
  rdsTagList,
  rdsTagMap,
} from './clients.js';
import { allClusters, allInstances, describeOne } from './describe.js';
import { SsmParameterStore } from './parameters.js';
import { cloudWatchReplicaLag, type ReplicaLagReader } from './replica-lag.js';
import { protectOne, snapshotsOf } from './snapshots.js';
import { createSubnetGroup, describeSubnetGroup } from './subnet-groups.js';

const matches = (tags: Record<string, string>, selector: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => tags[k] === v);

/** `arn:aws:rds:<region>:<account>:cluster:<id>` → region and id. */
function parseClusterArn(arn: string): { region: string; id: string } {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', id: parts.slice(6).join(':') };
}

export class AwsDatabase implements DatabasePort {
  private readonly clients: RdsClients;
  private globalRegion: string | undefined;
  private readonly replicaLag: ReplicaLagReader | undefined;
  private readonly parameters: ParameterStore | undefined;

  constructor(options: AwsDatabaseOptions = {}) {
    this.clients = new RdsClients(options);
    this.parameters = options.parameters;
    this.globalRegion = options.globalRegion;
    this.replicaLag =
      options.replicaLag ??
      (options.metrics ? cloudWatchReplicaLag(options.metrics, options.clock ?? systemClock) : undefined);
  }

  async listProtectedDatabases(selector: DbSelector, region: string): Promise<Database[]> {
    const client = this.clients.rds(region);
    const all = [...(await allInstances(client, region)), ...(await allClusters(client, region))];
    return all.filter((d) => d.status !== 'deleting' && matches(d.tags, selector.tags));
  }

  async protectDatabases(request: DbProtectRequest): Promise<DbProtectResult> {
    const snapshots: DbSnapshot[] = [];
    const pruned: string[] = [];
    for (const db of request.databases) {
      const pass = await protectOne(this.clients, db, request);
      snapshots.push(pass.snapshot);
      pruned.push(...pass.pruned);
    }
    return { snapshots, pruned };
  }

  async latestDbSnapshot(dbId: string, region: string): Promise<DbSnapshot | undefined> {
    const client = this.clients.rds(region);
    let found = await snapshotsOf(client, 'instance', dbId, region);
    if (found.length === 0) found = await snapshotsOf(client, 'cluster', dbId, region);
    const newest = found
      .filter((s) => s.state === 'available')
      .sort((a, b) => b.capturedAt - a.capturedAt)[0];
    if (!newest) return undefined;
    const { managed: _managed, ...snapshot } = newest;
    return snapshot;
  }

  /** The first of the wanted classes the region offers for the engine. */
  private async offeredClass(request: DbRestoreRequest): Promise<{ chosen?: string; wanted?: string }> {
    const wanted = request.instanceClass;
    if (!wanted || !request.engine) return { chosen: wanted, wanted };
    for (const candidate of [wanted, ...(request.fallbackClasses ?? [])]) {
      const out = await awsCall('DescribeOrderableDBInstanceOptions', () =>
        this.clients.rds(request.region).send(
          new DescribeOrderableDBInstanceOptionsCommand({
            Engine: request.engine,
            DBInstanceClass: candidate,
            MaxRecords: 20,
          }),
        ),
      );
      if ((out.OrderableDBInstanceOptions ?? []).length > 0) return { chosen: candidate, wanted };
    }
    throw new NonRetryableError(
      `No instance class of ${[wanted, ...(request.fallbackClasses ?? [])].join(', ')} is offered in ${request.region}.`,
      {
        code: 'DB_CLASS_UNAVAILABLE',
        explanation: `RDS offers none of these classes for ${request.engine} in ${request.region}.`,
        action: `Add an offered class to \`fallbackClasses\` (aws rds describe-orderable-db-instance-options --engine ${request.engine} --region ${request.region}).`,
      },
    );
  }

  async restoreDatabase(request: DbRestoreRequest, guard: MutationGuard): Promise<DbRestoreResult> {
    const client = this.clients.rds(request.region);
    const existing = await describeOne(client, request.identifier, request.kind, request.region);
    if (existing) {
      const same =
        existing.db.tags[DB_TAG.runId] === guard.runId &&
        existing.db.tags[DB_TAG.stepId] === request.tags[DB_TAG.stepId];
      if (!same)
        throw new DbIdentifierCollisionError(
          request.identifier,
          request.region,
          existing.db.tags[DB_TAG.runId],
        );
      if (request.kind === 'cluster' && existing.members.length === 0)
        await this.createWriter(request, request.instanceClass);
      return {
        identifier: request.identifier,
        ...(existing.db.instanceClass ? { instanceClass: existing.db.instanceClass } : {}),
        created: false,
      };
    }
    const { chosen, wanted } = await this.offeredClass(request);
    const Tags = rdsTagList({ ...request.tags, [DB_TAG.runId]: guard.runId });
    const network = {
      ...(request.subnetGroup ? { DBSubnetGroupName: request.subnetGroup } : {}),
      ...(request.securityGroupIds?.length ? { VpcSecurityGroupIds: request.securityGroupIds } : {}),
    };
    if (request.kind === 'instance') {
      await awsCall('RestoreDBInstanceFromDBSnapshot', () =>
        client.send(
          new RestoreDBInstanceFromDBSnapshotCommand({
            DBInstanceIdentifier: request.identifier,
            DBSnapshotIdentifier: request.snapshotId,
            ...(chosen ? { DBInstanceClass: chosen } : {}),
            ...network,
            ...(request.parameterGroup ? { DBParameterGroupName: request.parameterGroup } : {}),
            ...(request.optionGroup ? { OptionGroupName: request.optionGroup } : {}),
            MultiAZ: false,
            DeletionProtection: false,
            Tags,
          }),
        ),
      );
    } else {
      await awsCall('RestoreDBClusterFromSnapshot', () =>
        client.send(
          new RestoreDBClusterFromSnapshotCommand({
            DBClusterIdentifier: request.identifier,
            SnapshotIdentifier: request.snapshotId,
            Engine: request.engine ?? 'aurora-postgresql',
            ...network,
            ...(request.parameterGroup ? { DBClusterParameterGroupName: request.parameterGroup } : {}),
            DeletionProtection: false,
            Tags,
          }),
        ),
      );
      await this.createWriter(request, chosen);
    }
    return {
      identifier: request.identifier,
      ...(chosen ? { instanceClass: chosen } : {}),
      ...(chosen && wanted && chosen !== wanted ? { fellBackFrom: wanted } : {}),
      created: true,
    };
  }

  /** An Aurora cluster restored from a snapshot has no instance: its writer is created next. */
  private async createWriter(request: DbRestoreRequest, instanceClass: string | undefined): Promise<void> {
    await awsCall('CreateDBInstance', () =>
      this.clients.rds(request.region).send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${request.identifier.slice(0, 56)}-writer`,
          DBClusterIdentifier: request.identifier,
          Engine: request.engine ?? 'aurora-postgresql',
          DBInstanceClass: instanceClass ?? 'db.r6g.large',
          Tags: rdsTagList(request.tags),
        }),
      ),
    );
  }

  async describeDatabase(id: string, kind: DbKind, region: string): Promise<Database | undefined> {
    const found = await describeOne(this.clients.rds(region), id, kind, region);
    if (!found) return undefined;
    if (kind === 'cluster' && found.db.status === 'available') {
      // a cluster serves only once its writer instance is available
      const writers = await Promise.all(
        found.members.map((m) => describeOne(this.clients.rds(region), m, 'instance', region)),
      );
      if (!writers.some((w) => w?.db.status === 'available'))
        return { ...found.db, status: 'creating-writer' };
    }
    return found.db;
  }

  async findRunOwnedDatabases(runId: string, region: string): Promise<Database[]> {
    const client = this.clients.rds(region);
    const all = [...(await allInstances(client, region)), ...(await allClusters(client, region))];
    return all.filter((d) => d.tags[DB_TAG.runId] === runId && d.status !== 'deleting');
  }

  async deleteDatabase(id: string, kind: DbKind, region: string, guard: MutationGuard): Promise<void> {
    const client = this.clients.rds(region);
    const found = await describeOne(client, id, kind, region);
    if (!found) return;
    if (found.db.tags[DB_TAG.runId] !== guard.runId)
      throw new DataTierSafetyError('delete', `database ${id}`, guard.runId);
    if (found.db.status === 'deleting') return;
    const instances = kind === 'instance' ? [id] : found.members;
    for (const instance of instances)
      await awsCall('DeleteDBInstance', () =>
        client.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: instance,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        ),
      );
    if (kind === 'cluster')
      await awsCall('DeleteDBCluster', () =>
        client.send(
          new DeleteDBClusterCommand({
            DBClusterIdentifier: id,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        ),
      );
  }

  /** The lag right before the promotion call: what the run loses if the source is gone (the claimed RPO). */
  private async lag(id: string, region: string, kind: DbKind): Promise<{ lagMs?: number }> {
    // best effort: an unreadable metric must never hold up a promotion (no RPO is claimed then)
    const lagMs = await this.replicaLag?.(id, region, kind).catch(() => undefined);
    return lagMs === undefined ? {} : { lagMs };
  }

  async promoteReadReplica(id: string, region: string, guard: MutationGuard): Promise<{ lagMs?: number }> {
    const client = this.clients.rds(region);
    const found = await describeOne(client, id, 'instance', region);
    if (!found) throw new DatabaseNotFoundError(id, region);
    if (guard.mode === 'drill' && found.db.tags[DB_TAG.runId] !== guard.runId)
      throw new DataTierSafetyError('promote', `database ${id}`, guard.runId);
    const lag = await this.lag(id, region, 'instance');
    // a resumed step finds it promoting (or promoted): RDS refuses a second promotion
    if (!found.db.replicaSourceId) return lag;
    await awsCall('PromoteReadReplica', () =>
      client.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id })),
    );
    return lag;
  }

  async describeGlobalCluster(globalId: string): Promise<GlobalCluster | undefined> {
    const region = this.globalRegion ?? 'us-east-1';
    let out: DescribeGlobalClustersCommandOutput;
    try {
      out = await this.clients
        .rds(region)
        .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalId }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      return awsCall<undefined>('DescribeGlobalClusters', () => Promise.reject(err));
    }
    const g = out.GlobalClusters?.[0];
    if (!g) return undefined;
    return {
      id: g.GlobalClusterIdentifier ?? globalId,
      status: g.Status ?? 'unknown',
      tags: rdsTagMap(g.TagList),
      members: (g.GlobalClusterMembers ?? []).map((m) => {
        const { region: r, id } = parseClusterArn(m.DBClusterArn ?? '');
        return { clusterId: id, region: r, writer: m.IsWriter === true };
      }),
    };
  }

  async moveGlobalWriter(
    request: { globalId: string; targetClusterId: string; region: string; allowDataLoss: boolean },
    guard: MutationGuard,
  ): Promise<{ lagMs?: number }> {
    this.globalRegion ??= request.region;
    const global = await this.describeGlobalCluster(request.globalId);
    if (!global) throw new DatabaseNotFoundError(request.globalId, 'global');
    if (guard.mode === 'drill' && global.tags[DB_TAG.runId] !== guard.runId)
      throw new DataTierSafetyError('fail over', `global cluster ${request.globalId}`, guard.runId);
    const target = await describeOne(
      this.clients.rds(request.region),
      request.targetClusterId,
      'cluster',
      request.region,
    );
    if (!target) throw new DatabaseNotFoundError(request.targetClusterId, request.region);
    const lag = await this.lag(request.targetClusterId, request.region, 'cluster');
    const member = global.members.find((m) => m.clusterId === request.targetClusterId);
    // already the writer, or moving to it (a resumed step): do not ask twice
    if (member?.writer || global.status !== 'available') return lag;
    const TargetDbClusterIdentifier =
      (await this.clusterArn(request.targetClusterId, request.region)) ?? request.targetClusterId;
    if (request.allowDataLoss)
      await awsCall('FailoverGlobalCluster', () =>
        this.clients.rds(this.globalRegion as string).send(
          new FailoverGlobalClusterCommand({
            GlobalClusterIdentifier: request.globalId,
            TargetDbClusterIdentifier,
            AllowDataLoss: true,
          }),
        ),
      );
    else
      await awsCall('SwitchoverGlobalCluster', () =>
        this.clients.rds(this.globalRegion as string).send(
          new SwitchoverGlobalClusterCommand({
            GlobalClusterIdentifier: request.globalId,
            TargetDbClusterIdentifier,
          }),
        ),
      );
    return lag;
  }

  private async clusterArn(id: string, region: string): Promise<string | undefined> {
    const out = await describeOne(this.clients.rds(region), id, 'cluster', region);
    return out ? out.db.arn : undefined;
  }

  putParameter = async (write: Parameters<DatabasePort['putParameter']>[0]) =>
    this.parameterStore().putParameter(write);

  deleteParametersByPath = async (path: string, region: string) =>
    this.parameterStore().deleteParametersByPath(path, region);

  private parameterStore(): ParameterStore {
    if (this.parameters) return this.parameters;
    throw new NonRetryableError(
      'This data-tier adapter has no Parameter Store (built without `parameters`).',
      {
        code: 'NO_PARAMETER_STORE',
        explanation:
          'Only the `protect` function builds the adapter this way: it takes and copies snapshots, nothing else.',
        action: 'Use createAwsDatabase, which hands endpoints off through SSM Parameter Store.',
      },
    );
  }

  describeSubnetGroup = (name: string, region: string) =>
    describeSubnetGroup(this.clients.rds(region), name, region);

  createSubnetGroup = (group: Parameters<NonNullable<DatabasePort['createSubnetGroup']>>[0]) =>
    createSubnetGroup(this.clients.rds(group.region), group);
}

/** The data tier with Parameter Store (SSM) for the endpoint hand-off, unless `parameters` is given. */
export function createAwsDatabase(options: AwsDatabaseOptions = {}): AwsDatabase {
  return new AwsDatabase({
    ...options,
    parameters: options.parameters ?? new SsmParameterStore(options.ssm),
  });
}
