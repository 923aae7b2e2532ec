/** ec2.waitHealthy: one batched describe per poll round until every instance passes its checks. */
import type { Instance } from '../../cloud/compute.js';
import { NonRetryableError } from '../../errors.js';
import { sideScope } from '../support/effects.js';
import { stringList } from '../support/inputs.js';
import { regionOf } from '../support/regions.js';
import { instanceList, side } from '../support/schemas.js';
import { type ActionDeps, type ActionHandler, type ActionResult, defineAction } from '../types.js';

interface Target {
  region: string;
  ids: string[];
}

const DEAD: Instance['state'][] = ['stopping', 'stopped', 'shutting-down', 'terminated'];

export function waitHealthyHandler({ cloud, pollIntervalMs }: ActionDeps): ActionHandler {
  const check = async (target: Target): Promise<ActionResult> => {
    if (target.ids.length === 0) return { status: 'done', outputs: { instanceIds: [] } };
    const instances = await cloud.describe(target.ids, target.region);
    const dead = instances.filter((i) => DEAD.includes(i.state));
    if (dead.length > 0) {
      throw new NonRetryableError(
        `${dead.map((i) => `${i.id} (${i.state})`).join(', ')} will not become healthy`,
        {
          code: 'INSTANCE_NOT_RUNNING',
          explanation: 'Instances that are stopping, stopped or terminated never pass their status checks.',
          action: 'Check who stopped them (the audit, the cloud console) and launch again.',
          context: { instanceIds: dead.map((i) => i.id) },
        },
      );
    }
    if (instances.every((i) => i.state === 'running' && i.healthy)) {
      return { status: 'done', outputs: { instanceIds: target.ids } };
    }
    return { status: 'pending', handle: target, pollAfterMs: pollIntervalMs };
  };
  return {
    start: (ctx) =>
      check({
        region: regionOf(ctx.runbook, ctx.mode, ctx.inputs.side),
        ids: stringList('ec2.waitHealthy', ctx.inputs, 'instances') ?? [],
      }),
    poll: (ctx) => check(ctx.handle as Target),
  };
}

export default defineAction({
  name: 'ec2.waitHealthy',
  typicalDuration: '3m',
  description: 'Waits until the instances run and pass their status checks.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['instances'],
    properties: { instances: instanceList, side },
  },
  outputs: { instanceIds: 'The healthy instance ids.' },
  capabilities: ['compute'],
  permissions: {
    aws: [{ statement: 'DescribeFleet', actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'] }],
    alibaba: ['ecs:DescribeInstances'],
  },
  effects: (inputs) => [{ verb: 'read', scope: sideScope(inputs.side), what: 'instance status checks' }],
  handler: waitHealthyHandler,
});
