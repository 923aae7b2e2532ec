/**
 * network.deleteDrillVpc (cleanup): deletes what carries this run's drill-VPC tag in the recovery
 * region — subnets, security groups, then the VPC — once no instance is left in it (it polls while
 * copies are still terminating). Nothing else is touched, and a resumed step finding nothing left
 * is done.
 */
import { NonRetryableError } from '../../errors.js';
import type { NetworkCloud } from '../../network/ports.js';
import { recoveryRegion } from '../support/regions.js';
import { type ActionContext, type ActionHandler, type ActionResult, defineAction } from '../types.js';
import { drillVpcNetwork } from './drill-vpc.js';
import { DRILL_VPC_DELETE, DRILL_VPC_DESCRIBE } from './iam.js';

export function deleteDrillVpcHandler(
  network: NetworkCloud | undefined,
  pollIntervalMs: number,
): ActionHandler {
  const attempt = async (ctx: ActionContext): Promise<ActionResult> => {
    const net = drillVpcNetwork('network.deleteDrillVpc', network);
    const region = recoveryRegion(ctx.runbook, ctx.mode);
    const done = (ctx.handle as { deleted?: string[] } | undefined)?.deleted ?? [];
    const result = await net.deleteDrillVpcs(region, ctx.runId);
    const deleted = [...done, ...result.deleted];
    if (result.blockedBy.length > 0) {
      return {
        status: 'pending',
        handle: { deleted, blockedBy: result.blockedBy },
        pollAfterMs: pollIntervalMs,
      };
    }
    if (deleted.length > 0)
      ctx.note(`Deleted the run's drill VPC resources in ${region}: ${deleted.join(', ')}`);
    return { status: 'done', outputs: { deleted } };
  };
  return {
    async start(ctx) {
      if (ctx.mode !== 'drill') {
        throw new NonRetryableError(`network.deleteDrillVpc runs only in drills, not in ${ctx.mode}`, {
          code: 'DRILL_VPC_NOT_DRILL',
          explanation: 'Only a drill creates a per-run drill VPC (network.drillVpc).',
          action: `Remove the network.deleteDrillVpc step from the ${ctx.mode} mode of the runbook.`,
        });
      }
      return attempt(ctx);
    },
    poll: attempt,
  };
}

export default defineAction({
  name: 'network.deleteDrillVpc',
  typicalDuration: '1m',
  mutating: true,
  description:
    "Cleanup of network.drillVpc: deletes the service endpoints, subnets, security groups and VPC tagged with this run's drill-VPC tag in the recovery region, after every instance in it is gone (it waits while copies terminate; put it after ec2.terminate with `needs`). Only run-tagged resources are deleted; nothing left is done.",
  inputSchema: { type: 'object', additionalProperties: false, properties: {} },
  outputs: { deleted: 'Ids deleted (subnets, security groups, VPCs); empty when nothing was left.' },
  capabilities: ['network', 'drillNetwork'],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      { statement: 'DescribeNetwork', actions: DRILL_VPC_DESCRIBE },
      { statement: 'DeleteDrillVpc', actions: DRILL_VPC_DELETE },
    ],
  },
  effects: () => [{ verb: 'destroy', scope: 'drill-network', what: "the run's own drill VPC" }],
  handler: ({ network, pollIntervalMs }) => deleteDrillVpcHandler(network, pollIntervalMs),
});
