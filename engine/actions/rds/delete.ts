/**
 * rds.delete: drill cleanup. Deletes the databases this run restored, with no final snapshot and
 * no retained automated backups, and waits until they are gone. It never deletes a database the
 * run did not create: the provider refuses anything not tagged with the run id, in every mode.
 */
import type { DbKind } from '../../cloud/database.js';
import { NonRetryableError } from '../../errors.js';
import { databaseOf } from '../support/data-tier.js';
import { stringList } from '../support/inputs.js';
import { regionOf } from '../support/regions.js';
import { side } from '../support/schemas.js';
import { type ActionDeps, type ActionHandler, defineAction } from '../types.js';

const ACTION = 'rds.delete';

interface DeleteHandle {
  region: string;
  targets: { id: string; kind: DbKind }[];
}

export function rdsDeleteHandler(deps: ActionDeps): ActionHandler {
  const settle = async (handle: DeleteHandle) => {
    const db = databaseOf(deps, ACTION);
    for (const t of handle.targets) {
      if (await db.describeDatabase(t.id, t.kind, handle.region))
        return { status: 'pending' as const, handle, pollAfterMs: deps.pollIntervalMs };
    }
    return { status: 'done' as const, outputs: { deleted: handle.targets.map((t) => t.id) } };
  };
  return {
    async start(ctx) {
      const db = databaseOf(deps, ACTION);
      const region = regionOf(ctx.runbook, ctx.mode, ctx.inputs.side);
      const named = stringList(ACTION, ctx.inputs, 'databases');
      if (!named && ctx.inputs.runOwned !== true)
        throw new NonRetryableError(`${ACTION} does not say which databases to delete`, {
          code: 'NO_TARGET',
          explanation: 'The step gives neither `runOwned: true` nor `databases`.',
          action:
            'Add `runOwned: true` to the step’s `with` (drill cleanup deletes what the drill restored).',
        });
      const targets = new Map<string, DbKind>();
      if (ctx.inputs.runOwned === true)
        for (const d of await db.findRunOwnedDatabases(ctx.runId, region)) targets.set(d.id, d.kind);
      for (const id of named ?? []) {
        const found =
          (await db.describeDatabase(id, 'instance', region)) ??
          (await db.describeDatabase(id, 'cluster', region));
        if (found) targets.set(found.id, found.kind);
      }
      const guard = { runId: ctx.runId, mode: ctx.mode };
      const list = [...targets].map(([id, kind]) => ({ id, kind }));
      for (const t of list) await db.deleteDatabase(t.id, t.kind, region, guard);
      if (list.length)
        ctx.note(`${ACTION}: deleting ${list.map((t) => t.id).join(', ')} (no final snapshot)`);
      return settle({ region, targets: list });
    },
    poll: (ctx) => settle(ctx.handle as DeleteHandle),
  };
}

export default defineAction({
  name: ACTION,
  typicalDuration: '10m',
  mutating: true,
  description:
    'Deletes databases this run restored (drill cleanup), skipping the final snapshot and dropping automated backups, and waits until they are gone. A database the run did not create is refused, in every mode.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      runOwned: { type: 'boolean', description: 'Delete every database tagged with this run id.' },
      databases: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Identifiers to delete; each must carry this run’s id tag or the call is refused.',
      },
      side,
    },
  },
  outputs: { deleted: 'Identifiers deleted.' },
  capabilities: ['database'],
  permissions: {
    aws: [
      {
        statement: 'DescribeDatabases',
        actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters', 'rds:ListTagsForResource'],
      },
      { statement: 'DeleteRunOwnedDatabases', actions: ['rds:DeleteDBInstance', 'rds:DeleteDBCluster'] },
    ],
  },
  effects: (inputs) =>
    inputs.runOwned === true && inputs.databases === undefined
      ? [{ verb: 'destroy', scope: 'run-owned', what: 'restored databases' }]
      : // named databases (or an expression) may name one the run did not create: answer the worst case
        [{ verb: 'destroy', scope: 'protected', what: 'databases the step names' }],
  handler: rdsDeleteHandler,
});
