/**
 * rds.latestPoint, the database's RPO gate: the newest snapshot copy of every protected database
 * in the recovery region, failing when one is older than maxAge.
 */
import { formatDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { databaseOf, protectedDatabases } from '../support/data-tier.js';
import { durationMs, stringList } from '../support/inputs.js';
import { recoveryRegion } from '../support/regions.js';
import { duration } from '../support/schemas.js';
import { type ActionDeps, type ActionHandler, defineAction } from '../types.js';

const ACTION = 'rds.latestPoint';

export function rdsLatestPointHandler(deps: ActionDeps): ActionHandler {
  return {
    async start(ctx) {
      const db = databaseOf(deps, ACTION);
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const maxAge = durationMs(ACTION, ctx.inputs, 'maxAge');
      const ids =
        stringList(ACTION, ctx.inputs, 'databases') ??
        (await protectedDatabases(db, ctx, ACTION)).map((d) => d.id);
      const snapshots: Record<string, string> = {};
      const missing: string[] = [];
      let oldest = Number.POSITIVE_INFINITY;
      for (const id of ids) {
        const snapshot = await db.latestDbSnapshot(id, region);
        if (!snapshot) missing.push(id);
        else {
          snapshots[id] = snapshot.id;
          oldest = Math.min(oldest, snapshot.capturedAt);
        }
      }
      if (missing.length > 0)
        throw new NonRetryableError(`No database snapshot in ${region} for ${missing.join(', ')}`, {
          code: 'NO_RECOVERY_POINT',
          explanation: `These databases have no available snapshot copy in ${region}, so they cannot be restored there.`,
          action: `Run \`drbot protect ${ctx.runbook.metadata.name}\` (recovery.protect copies the snapshots) and start again.`,
          context: { missing, region },
        });
      const ageMs = ctx.runStartedAt - oldest;
      if (maxAge !== undefined && ageMs > maxAge)
        throw new NonRetryableError(
          `RPO gate: the oldest database snapshot is ${formatDuration(ageMs)} old, over the ${formatDuration(maxAge)} allowed`,
          {
            code: 'RPO_EXCEEDED',
            explanation: `Restoring now would lose up to ${formatDuration(ageMs)} of database writes, more than the runbook's objective.`,
            action: `Run \`drbot protect ${ctx.runbook.metadata.name}\` to copy a fresh snapshot, then start again.`,
            context: { ageMs, maxAgeMs: maxAge, region },
          },
        );
      const first = Object.values(snapshots)[0];
      return {
        status: 'done',
        outputs: { snapshots, snapshotId: first, oldestCapturedAt: oldest, ageMs },
        measures: { rpoClaimedMs: ageMs },
      };
    },
  };
}

export default defineAction({
  name: ACTION,
  typicalDuration: '30s',
  description:
    'The database RPO gate: finds the newest snapshot copy of every protected DB instance or Aurora cluster in the recovery region; fails when one is older than maxAge.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxAge: { ...duration, description: 'The oldest acceptable snapshot, e.g. the RPO.' },
      databases: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Database ids to check; defaults to those spec.protect.databases selects.',
      },
    },
  },
  outputs: {
    snapshots: 'Map of database id → newest snapshot copy id in the recovery region.',
    snapshotId: 'The snapshot of the first database (the usual one-database tier).',
    oldestCapturedAt: 'Capture time (epoch ms) of the oldest of the chosen snapshots.',
    ageMs: 'Age of the oldest chosen snapshot when the disaster was declared (the claimed RPO).',
  },
  capabilities: ['database'],
  permissions: {
    aws: [
      {
        statement: 'DescribeDatabases',
        actions: [
          'rds:DescribeDBInstances',
          'rds:DescribeDBClusters',
          'rds:DescribeDBSnapshots',
          'rds:DescribeDBClusterSnapshots',
        ],
      },
    ],
  },
  effects: () => [{ verb: 'read', scope: 'recovery', what: 'database snapshots' }],
  handler: rdsLatestPointHandler,
});
