/**
 * rds.promoteReplica: warm standby. Promotes the cross-region read replica in the recovery region
 * to a standalone, writable database and waits until it is available. The replica lag measured
 * at the moment of promotion is the claimed RPO: writes newer than that are lost.
 */
import { NonRetryableError } from '../../errors.js';
import { databaseOf } from '../support/data-tier.js';
import { invalidInput, optionalString } from '../support/inputs.js';
import { recoveryRegion } from '../support/regions.js';
import { type ActionDeps, type ActionHandler, defineAction } from '../types.js';

const ACTION = 'rds.promoteReplica';

interface PromoteHandle {
  id: string;
  region: string;
  lagMs?: number;
}

export function rdsPromoteHandler(deps: ActionDeps): ActionHandler {
  const check = async (handle: PromoteHandle) => {
    const found = await databaseOf(deps, ACTION).describeDatabase(handle.id, 'instance', handle.region);
    if (!found)
      throw new NonRetryableError(`${handle.id} disappeared during its promotion`, {
        code: 'DB_NOT_FOUND',
        explanation: `RDS no longer lists ${handle.id} in ${handle.region}.`,
        action: 'Check the RDS events of the recovery region.',
      });
    if (found.status !== 'available' || found.replicaSourceId || !found.endpoint)
      return { status: 'pending' as const, handle, pollAfterMs: deps.pollIntervalMs };
    return {
      status: 'done' as const,
      outputs: {
        identifier: found.id,
        endpoint: found.endpoint,
        port: found.port,
        lagMs: handle.lagMs ?? null,
      },
      ...(handle.lagMs !== undefined ? { measures: { rpoClaimedMs: handle.lagMs } } : {}),
    };
  };
  return {
    async start(ctx) {
      const id = optionalString(ACTION, ctx.inputs, 'replica');
      if (!id) throw invalidInput(ACTION, 'replica', 'the read replica identifier', id);
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const { lagMs } = await databaseOf(deps, ACTION).promoteReadReplica(id, region, {
        runId: ctx.runId,
        mode: ctx.mode,
      });
      ctx.note(
        lagMs === undefined
          ? `${ACTION}: promoting ${id} in ${region}; the replica lag could not be measured, so no RPO is claimed`
          : `${ACTION}: promoting ${id} in ${region}; replica lag at promotion ${lagMs} ms`,
        { lagMs: lagMs ?? null },
      );
      return check({ id, region, ...(lagMs !== undefined ? { lagMs } : {}) });
    },
    poll: (ctx) => check(ctx.handle as PromoteHandle),
  };
}

export default defineAction({
  name: ACTION,
  typicalDuration: '5m',
  mutating: true,
  description:
    'Promotes the cross-region read replica in the recovery region to a standalone writable database and waits until it is available; reports the replica lag at promotion as the claimed RPO. Irreversible: replication from the source stops.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['replica'],
    properties: {
      replica: {
        type: 'string',
        minLength: 1,
        description: 'The read replica identifier in the recovery region.',
      },
    },
  },
  outputs: {
    identifier: 'The promoted database identifier.',
    endpoint: 'Its endpoint host name.',
    port: 'Its port.',
    lagMs: 'Replica lag measured at the moment of promotion (the claimed RPO).',
  },
  capabilities: ['database'],
  permissions: {
    aws: [
      { statement: 'DescribeDatabases', actions: ['rds:DescribeDBInstances', 'rds:ListTagsForResource'] },
      { statement: 'PromoteStandbyDatabases', actions: ['rds:PromoteReadReplica'] },
      { statement: 'ReadReplicaLag', actions: ['cloudwatch:GetMetricData'] },
    ],
  },
  effects: () => [
    { verb: 'modify', scope: 'protected', what: 'the standby database (promoted, replication stops)' },
  ],
  handler: rdsPromoteHandler,
});
