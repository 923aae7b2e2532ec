/**
 * drs.reverseReplication: reprotect after a committed failover. ReverseReplication of each of the
 * failover's recovery instances starts replication back to the origin region; the step waits
 * until every reversed source server is in continuous replication (noting progress), so the
 * failback can launch from them. Never in a drill.
 */
import type { RecoveryInstance } from '../../cloud/replication.js';
import { NonRetryableError } from '../../errors.js';
import { stringList } from '../support/inputs.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import { type ActionDeps, type ActionHandler, type ActionResult, defineAction } from '../types.js';
import { progressOf, reversedProgress, reverseRecoveryInstances } from './reverse-core.js';
import { replicationOf } from './servers.js';

interface Handle {
  originRegion: string;
  reversed: string[];
  noted: Record<string, string>;
}

export function reverseHandler(
  deps: Pick<ActionDeps, 'cloud' | 'replication' | 'pollIntervalMs'>,
): ActionHandler {
  const { pollIntervalMs } = deps;
  const pending = (handle: Handle): ActionResult => ({
    status: 'pending',
    handle,
    pollAfterMs: pollIntervalMs,
  });
  return {
    async start(ctx) {
      const replication = replicationOf(deps, 'drs.reverseReplication');
      // the recovery instances run on the live side: the target after a failover
      const live =
        ctx.mode === 'failback'
          ? protectedRegion(ctx.runbook, ctx.mode)
          : recoveryRegion(ctx.runbook, ctx.mode);
      const origin =
        live === ctx.runbook.spec.target.region
          ? ctx.runbook.spec.source.region
          : ctx.runbook.spec.target.region;
      const named = stringList('drs.reverseReplication', ctx.inputs, 'recoveryInstances');
      const candidates: RecoveryInstance[] = (await replication.recoveryInstances(live, named)).filter(
        (ri) => !ri.isDrill && ri.ec2State !== 'terminated',
      );
      if (candidates.length === 0) {
        throw new NonRetryableError(`No recovery instance to reverse in ${live}`, {
          code: 'DRS_NOTHING_TO_REVERSE',
          explanation: `DRS in ${live} has no live, non-drill recovery instance${named ? ` among ${named.join(', ')}` : ''}: reprotect follows a committed failover.`,
          action:
            'Fail over (and commit) first, or name the failover’s recovery instances in `recoveryInstances`.',
        });
      }
      const { reversed, already } = await reverseRecoveryInstances(
        replication,
        candidates.map((ri) => ri.recoveryInstanceId),
        { live, origin },
        { runId: ctx.runId, mode: ctx.mode },
      );
      ctx.note(
        already.length === candidates.length
          ? `Replication ${live} → ${origin} is already reversed for ${reversed.length} recovery instance(s) (reprotect did it)`
          : `Reverse replication ${live} → ${origin} started for ${reversed.length - already.length} recovery instance(s)${already.length > 0 ? `, ${already.length} already reversed` : ''}`,
        { reversed, already },
      );
      return pending({ originRegion: origin, reversed, noted: {} });
    },
    async poll(ctx) {
      const replication = replicationOf(deps, 'drs.reverseReplication');
      const handle = ctx.handle as Handle;
      const { servers, waiting } = await reversedProgress(replication, handle.originRegion, handle.reversed);
      for (const s of servers) {
        const progress = progressOf(s);
        if (handle.noted[s.sourceServerId] !== progress) {
          handle.noted[s.sourceServerId] = progress;
          ctx.note(`${s.sourceServerId}: reverse replication ${progress}`, {
            sourceServerId: s.sourceServerId,
          });
        }
      }
      if (waiting > 0) return pending(handle);
      return {
        status: 'done',
        outputs: { reversedSourceServerIds: handle.reversed, region: handle.originRegion },
      };
    },
  };
}

export default defineAction({
  name: 'drs.reverseReplication',
  typicalDuration: '5m',
  mutating: true,
  description:
    'Reprotect after a committed failover: ReverseReplication of each live, non-drill DRS recovery instance (or the named ones) back to the origin region, waiting for continuous replication; the failback then launches from the reversed source servers. Instances already reversed (by `reprotect`) are skipped, so the step is idempotent. Never in a drill.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      recoveryInstances: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description:
          'Recovery instance ids. @default every live non-drill recovery instance on the live side',
      },
    },
  },
  outputs: {
    reversedSourceServerIds: 'The source servers replicating back, in the origin region.',
    region: 'The origin region they replicate to.',
  },
  capabilities: ['replication'],
  effects: () => [
    { verb: 'modify', scope: 'protected', what: 'the direction of DRS replication (reverse replication)' },
  ],
  permissions: {
    aws: [
      {
        statement: 'DescribeReplication',
        actions: ['drs:DescribeRecoveryInstances', 'drs:DescribeSourceServers'],
      },
      {
        statement: 'ReverseDrsReplication',
        actions: ['drs:ReverseReplication', 'drs:CreateSourceServerForDrs'],
      },
    ],
  },
  handler: reverseHandler,
});
