/**
 * rds.restore: restores a snapshot copy in the recovery region as a new DB instance (or Aurora
 * cluster with its writer), in the mapped subnet group and security groups, with an instance class
 * fallback, and waits until it is available. The identifier is fixed per run and step, so a
 * resumed or re-sent restore finds the database it already created instead of making a second.
 */
import { type Database, DB_TAG, type DbKind } from '../../cloud/database.js';
import { parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { loadRunbookMapping } from '../../network/mapping-store.js';
import { DEFAULT_DRILL_TTL } from '../ec2/launch.js';
import { databaseOf, protectedDatabases } from '../support/data-tier.js';
import { ensureRecoverySubnetGroup } from '../support/db-subnet-group.js';
import { restoreIdentifier } from '../support/identifiers.js';
import { invalidInput, optionalString, stringList } from '../support/inputs.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';

const ACTION = 'rds.restore';

interface RestoreHandle {
  identifier: string;
  kind: DbKind;
  region: string;
}

/** The source database (for its class, groups and tags): named, or the runbook's first protected one. */
async function sourceDatabase(deps: ActionDeps, ctx: ActionContext): Promise<Database> {
  const db = databaseOf(deps, ACTION);
  const named = optionalString(ACTION, ctx.inputs, 'database');
  const region = protectedRegion(ctx.runbook, ctx.mode);
  if (named) {
    const kind = ctx.inputs.kind === 'cluster' ? 'cluster' : 'instance';
    const found =
      (await db.describeDatabase(named, kind, region)) ??
      (
        await db.listProtectedDatabases({ tags: ctx.runbook.spec.protect.databases?.tags ?? {} }, region)
      ).find((d) => d.id === named);
    // the protected side may be down (a real outage): restore from what the snapshot knows
    return found ?? { id: named, kind, region, engine: '', status: 'unknown', encrypted: false, tags: {} };
  }
  const [first] = await protectedDatabases(db, ctx, ACTION);
  return first as Database;
}

/** Security groups on the recovery side: given, else the source's mapped by `network replicate`. */
async function securityGroups(
  deps: ActionDeps,
  ctx: ActionContext,
  source: Database,
): Promise<string[] | undefined> {
  const given = stringList(ACTION, ctx.inputs, 'securityGroups');
  if (given) return given;
  if (!deps.store || !source.securityGroupIds?.length) return undefined;
  const mapping = await loadRunbookMapping(deps.store, ctx.runbook.metadata.name);
  if (mapping.empty) return undefined;
  const t = ctx.mode === 'failback' ? mapping.reverse() : mapping.forward();
  const mapped = source.securityGroupIds.map((g) => t.id(g));
  if (mapped.some((g) => g === undefined))
    throw new NonRetryableError(`${ACTION}: the source database's security groups are not replicated`, {
      code: 'DB_NETWORK_NOT_MAPPED',
      explanation: `The network mapping of ${ctx.runbook.metadata.name} has no target for ${source.securityGroupIds.join(', ')}.`,
      action: `Run \`drbot network replicate ${ctx.runbook.metadata.name}\`, or give \`securityGroups\` in the step.`,
    });
  return mapped as string[];
}

export function rdsRestoreHandler(deps: ActionDeps): ActionHandler {
  const check = async (handle: RestoreHandle) => {
    const db = databaseOf(deps, ACTION);
    const found = await db.describeDatabase(handle.identifier, handle.kind, handle.region);
    if (!found)
      throw new NonRetryableError(`${handle.identifier} disappeared while it was being restored`, {
        code: 'DB_RESTORE_LOST',
        explanation: `RDS no longer lists ${handle.identifier} in ${handle.region}: it was deleted during the restore.`,
        action: 'Check the RDS events of the recovery region and run the step again.',
      });
    if (['failed', 'incompatible-restore', 'incompatible-parameters', 'storage-full'].includes(found.status))
      throw new NonRetryableError(`${handle.identifier} ended ${found.status}`, {
        code: 'DB_RESTORE_FAILED',
        explanation: `RDS reports the restored database in state ${found.status}.`,
        action: `Read the RDS events (aws rds describe-events --source-identifier ${handle.identifier} --region ${handle.region}), delete it, and run the step again.`,
      });
    if (found.status !== 'available' || !found.endpoint)
      return { status: 'pending' as const, handle, pollAfterMs: deps.pollIntervalMs };
    return {
      status: 'done' as const,
      outputs: {
        identifier: found.id,
        endpoint: found.endpoint,
        port: found.port,
        instanceClass: found.instanceClass,
        region: found.region,
      },
    };
  };
  return {
    async start(ctx) {
      const db = databaseOf(deps, ACTION);
      const snapshotId = optionalString(ACTION, ctx.inputs, 'snapshot');
      if (!snapshotId)
        throw invalidInput(
          ACTION,
          'snapshot',
          'a snapshot id (steps.<rds.latestPoint>.outputs.snapshotId)',
          snapshotId,
        );
      const source = await sourceDatabase(deps, ctx);
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const identifier =
        optionalString(ACTION, ctx.inputs, 'identifier') ?? restoreIdentifier(ctx.runId, ctx.stepId);
      const groups = await securityGroups(deps, ctx, source);
      const mapping = ctx.runbook.spec.protect.databases;
      const ttl = parseDuration(ctx.runbook.spec.defaults?.drillTtl ?? DEFAULT_DRILL_TTL);
      const inherited = Object.fromEntries(
        Object.entries(source.tags).filter(([k]) => !k.startsWith('drbot:')),
      );
      const instanceClass = optionalString(ACTION, ctx.inputs, 'instanceClass') ?? source.instanceClass;
      const subnetGroup = optionalString(ACTION, ctx.inputs, 'subnetGroup') ?? source.subnetGroup;
      if (subnetGroup)
        await ensureRecoverySubnetGroup({
          database: db,
          ...(deps.store ? { store: deps.store } : {}),
          runbook: ctx.runbook,
          mode: ctx.mode,
          name: subnetGroup,
          runId: ctx.runId,
          note: (m) => ctx.note(m),
        });
      const parameterGroup = source.parameterGroup && mapping?.parameterGroups?.[source.parameterGroup];
      const optionGroup = source.optionGroup && mapping?.optionGroups?.[source.optionGroup];
      const result = await db.restoreDatabase(
        {
          identifier,
          snapshotId,
          kind: source.kind,
          region,
          ...(source.engine ? { engine: source.engine } : {}),
          ...(instanceClass ? { instanceClass } : {}),
          fallbackClasses: stringList(ACTION, ctx.inputs, 'fallbackClasses') ?? [],
          ...(subnetGroup ? { subnetGroup } : {}),
          ...(groups ? { securityGroupIds: groups } : {}),
          ...(parameterGroup ? { parameterGroup } : {}),
          ...(optionGroup ? { optionGroup } : {}),
          tags: {
            ...inherited,
            [DB_TAG.runId]: ctx.runId,
            [DB_TAG.stepId]: ctx.stepId,
            [DB_TAG.mode]: ctx.mode,
            [DB_TAG.sourceDb]: source.id,
            ...(ctx.mode === 'drill' ? { [DB_TAG.expires]: new Date(ctx.now() + ttl).toISOString() } : {}),
          },
        },
        { runId: ctx.runId, mode: ctx.mode },
      );
      if (result.fellBackFrom)
        ctx.note(
          `${ACTION}: ${result.fellBackFrom} is not offered in ${region}; restored as ${result.instanceClass}`,
        );
      if (!result.created)
        ctx.note(`${ACTION}: ${identifier} already exists from an earlier attempt; waiting for it`);
      return check({ identifier, kind: source.kind, region });
    },
    poll: (ctx) => check(ctx.handle as RestoreHandle),
  };
}

export default defineAction({
  name: ACTION,
  typicalDuration: '20m',
  mutating: true,
  description:
    'Restores a database snapshot copy in the recovery region (DB instance, or Aurora cluster and its writer) in the mapped subnet group (created over the replicated subnets when missing) and security groups, falling back to another instance class when needed, and waits until it is available. Drill restores are tagged with the run id and a TTL, and only those can be deleted by rds.delete.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['snapshot'],
    properties: {
      snapshot: {
        type: 'string',
        minLength: 1,
        description: 'Snapshot copy id, usually `${{ steps.<rds.latestPoint>.outputs.snapshotId }}`.',
      },
      database: {
        type: 'string',
        minLength: 1,
        description: 'The source database id; defaults to the first of spec.protect.databases.',
      },
      kind: {
        enum: ['instance', 'cluster'],
        description: 'With `database`: a DB instance (default) or an Aurora cluster.',
      },
      identifier: {
        type: 'string',
        pattern: '^[a-zA-Z][a-zA-Z0-9-]{0,62}$',
        description: 'The new database identifier. @default drbot-<run>-<step>, fixed per run and step.',
      },
      instanceClass: {
        type: 'string',
        minLength: 1,
        description: 'DB instance class; defaults to the source’s.',
      },
      fallbackClasses: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Classes tried in order when the region does not offer `instanceClass`.',
      },
      subnetGroup: {
        type: 'string',
        minLength: 1,
        description:
          'DB subnet group of the recovery region; defaults to the source’s name. When missing it is created over the subnets `network replicate` mapped for the source group’s subnets.',
      },
      securityGroups: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'VPC security groups; defaults to the source’s, mapped by network replicate.',
      },
    },
  },
  outputs: {
    identifier: 'The restored database identifier.',
    endpoint: 'Its endpoint host name (for a cluster, the writer endpoint).',
    port: 'Its port.',
    instanceClass: 'The instance class used (after any fallback).',
    region: 'Where it was restored.',
  },
  capabilities: ['database'],
  permissions: {
    aws: [
      {
        statement: 'DescribeDatabases',
        actions: [
          'rds:DescribeDBInstances',
          'rds:DescribeDBClusters',
          'rds:DescribeOrderableDBInstanceOptions',
          'rds:DescribeDBSubnetGroups',
          'rds:ListTagsForResource',
        ],
      },
      { statement: 'CreateDbSubnetGroups', actions: ['rds:CreateDBSubnetGroup', 'rds:AddTagsToResource'] },
      {
        statement: 'RestoreDatabases',
        actions: [
          'rds:RestoreDBInstanceFromDBSnapshot',
          'rds:RestoreDBClusterFromSnapshot',
          'rds:CreateDBInstance',
          'rds:AddTagsToResource',
        ],
      },
      { statement: 'UseRecoveryKmsKey', actions: ['kms:CreateGrant', 'kms:DescribeKey'] },
    ],
  },
  effects: (_inputs, mode) => [
    { verb: 'read', scope: 'recovery', what: 'database snapshots' },
    // network plumbing over the subnets network replicate made, never production data or compute
    {
      verb: 'create',
      scope: mode === 'drill' ? 'drill-network' : 'recovery',
      what: 'the DB subnet group over the replicated subnets, when missing',
    },
    mode === 'drill'
      ? { verb: 'create', scope: 'run-owned', what: 'a restored database' }
      : { verb: 'create', scope: 'recovery', what: 'the recovered production database' },
  ],
  handler: rdsRestoreHandler,
});
