/**
 * aurora.switchover and aurora.failover share this: move the writer of an Aurora Global Database
 * to the secondary cluster in the recovery region, then wait until that cluster writes. The lag
 * of that secondary at the moment of the move is reported as the claimed RPO.
 */
import { NonRetryableError } from '../../errors.js';
import { databaseOf } from '../support/data-tier.js';
import { invalidInput, optionalString } from '../support/inputs.js';
import { recoveryRegion } from '../support/regions.js';
import type { ActionDeps, ActionHandler } from '../types.js';

interface MoveHandle {
  globalId: string;
  target: string;
  region: string;
  lagMs?: number;
}

export function globalWriterHandler(deps: ActionDeps, action: string, unplanned: boolean): ActionHandler {
  const check = async (handle: MoveHandle) => {
    const db = databaseOf(deps, action);
    const global = await db.describeGlobalCluster(handle.globalId);
    const writer = global?.members.find((m) => m.writer);
    if (!global || writer?.clusterId !== handle.target || global.status !== 'available')
      return { status: 'pending' as const, handle, pollAfterMs: deps.pollIntervalMs };
    const cluster = await db.describeDatabase(handle.target, 'cluster', handle.region);
    return {
      status: 'done' as const,
      outputs: {
        writer: handle.target,
        endpoint: cluster?.endpoint,
        port: cluster?.port,
        lagMs: handle.lagMs ?? null,
      },
      ...(handle.lagMs !== undefined ? { measures: { rpoClaimedMs: handle.lagMs } } : {}),
    };
  };
  return {
    async start(ctx) {
      const globalId = optionalString(action, ctx.inputs, 'globalCluster');
      const target = optionalString(action, ctx.inputs, 'targetCluster');
      if (!globalId) throw invalidInput(action, 'globalCluster', 'the global cluster identifier', globalId);
      if (!target) throw invalidInput(action, 'targetCluster', 'the secondary cluster identifier', target);
      const allowDataLoss = ctx.inputs.allowDataLoss === true;
      if (unplanned && !allowDataLoss)
        throw new NonRetryableError(`${action} needs allowDataLoss: true`, {
          code: 'DATA_LOSS_NOT_ALLOWED',
          explanation:
            'An unplanned failover promotes the secondary without waiting for replication: writes within the replica lag are lost.',
          action:
            'Set `allowDataLoss: true` behind the two-person cutover approval, or use aurora.switchover while the primary region is healthy.',
        });
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const { lagMs } = await databaseOf(deps, action).moveGlobalWriter(
        { globalId, targetClusterId: target, region, allowDataLoss: unplanned },
        { runId: ctx.runId, mode: ctx.mode },
      );
      ctx.note(
        lagMs === undefined
          ? `${action}: moving the writer of ${globalId} to ${target}; the lag could not be measured, so no RPO is claimed`
          : `${action}: moving the writer of ${globalId} to ${target}; secondary lag ${lagMs} ms`,
        { lagMs: lagMs ?? null },
      );
      return check({ globalId, target, region, ...(lagMs !== undefined ? { lagMs } : {}) });
    },
    poll: (ctx) => check(ctx.handle as MoveHandle),
  };
}

export const globalInputs = {
  globalCluster: { type: 'string', minLength: 1, description: 'The Aurora global cluster identifier.' },
  targetCluster: {
    type: 'string',
    minLength: 1,
    description: 'The secondary cluster (in the recovery region) that becomes the writer.',
  },
};

export const globalOutputs = {
  writer: 'The cluster that now writes.',
  endpoint: 'Its writer endpoint.',
  port: 'Its port.',
  lagMs: 'Replication lag of the secondary when the move started (the claimed RPO).',
};
