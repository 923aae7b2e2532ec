/**
 * drs.terminateRecoveryInstances: drill cleanup DRS's own recovery plans lack ("does not terminate
 * the instances that a plan launches, including drill instances"). `runOwned: true` takes the
 * recovery instances tagged with this run's id; named ones are checked by the adapter in a drill.
 * It waits until their EC2 instances are terminated.
 */
import { DRS_TAGS } from '../../cloud/replication.js';
import { invalidInput, stringList } from '../support/inputs.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import { type ActionDeps, type ActionHandler, type ActionResult, defineAction } from '../types.js';
import { replicationOf } from './servers.js';

interface Handle {
  region: string;
  instanceIds: string[];
}

export function terminateHandler(
  deps: Pick<ActionDeps, 'cloud' | 'replication' | 'pollIntervalMs'>,
): ActionHandler {
  const { cloud, pollIntervalMs } = deps;
  return {
    async start(ctx) {
      const replication = replicationOf(deps, 'drs.terminateRecoveryInstances');
      const named = stringList('drs.terminateRecoveryInstances', ctx.inputs, 'recoveryInstances');
      const runOwned = ctx.inputs.runOwned === true;
      if (!named && !runOwned)
        throw invalidInput(
          'drs.terminateRecoveryInstances',
          'runOwned',
          'true, or recoveryInstances a list of ids',
          ctx.inputs.runOwned,
        );
      // a failback terminates on the side it left; everything else where it recovered
      const region =
        ctx.inputs.side === 'protected'
          ? protectedRegion(ctx.runbook, ctx.mode)
          : recoveryRegion(ctx.runbook, ctx.mode);
      const all = await replication.recoveryInstances(region, named);
      const targets = runOwned && !named ? all.filter((ri) => ri.tags[DRS_TAGS.runId] === ctx.runId) : all;
      const ids = targets.map((ri) => ri.recoveryInstanceId);
      if (ids.length === 0) return { status: 'done', outputs: { recoveryInstanceIds: [] } };
      await replication.terminateRecoveryInstances(ids, region, { runId: ctx.runId, mode: ctx.mode });
      ctx.note(`Terminating ${ids.length} DRS recovery instance(s): ${ids.join(', ')}`);
      const handle: Handle = { region, instanceIds: targets.map((ri) => ri.ec2InstanceId) };
      return { status: 'pending', handle: { ...handle, ids }, pollAfterMs: pollIntervalMs };
    },
    async poll(ctx): Promise<ActionResult> {
      const handle = ctx.handle as Handle & { ids: string[] };
      const described = await cloud.describe(handle.instanceIds, handle.region);
      if (described.some((i) => i.state !== 'terminated'))
        return { status: 'pending', handle, pollAfterMs: pollIntervalMs };
      return { status: 'done', outputs: { recoveryInstanceIds: handle.ids } };
    },
  };
}

export default defineAction({
  name: 'drs.terminateRecoveryInstances',
  typicalDuration: '2m',
  mutating: true,
  description:
    "Terminates DRS recovery instances: this run's own (`runOwned: true`, the drill cleanup DRS recovery plans do not do) or named ones; in a drill the adapter refuses any it did not launch.",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      runOwned: { type: 'boolean', description: 'The recovery instances tagged with this run id.' },
      recoveryInstances: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Recovery instance ids, e.g. `${{ steps.launch.outputs.recoveryInstanceIds }}`.',
      },
      side: {
        enum: ['recovery', 'protected'],
        description:
          'Where they are: `recovery` (the default) or `protected` (a failback retiring the failover copies).',
      },
    },
  },
  outputs: { recoveryInstanceIds: 'The recovery instances terminated.' },
  capabilities: ['compute', 'replication'],
  effects: (inputs) =>
    inputs.runOwned === true && inputs.recoveryInstances === undefined
      ? [{ verb: 'destroy', scope: 'run-owned', what: "this run's DRS recovery instances" }]
      : [
          {
            verb: 'destroy',
            scope: inputs.side === 'recovery' || inputs.side === undefined ? 'recovery' : 'protected',
            what: 'DRS recovery instances',
          },
        ],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      { statement: 'DescribeReplication', actions: ['drs:DescribeRecoveryInstances'] },
      {
        statement: 'TerminateDrsRecoveryInstances',
        actions: ['drs:TerminateRecoveryInstances', 'ec2:TerminateInstances'],
      },
    ],
  },
  handler: terminateHandler,
});
