/**
 * recovery.latestPoint, the RPO gate: the newest point of every protected instance on the
 * recovery side, failing when one is older than maxAge.
 */
import { formatDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { latestDrsPoints } from '../drs/points.js';
import { isDrsRunbook, replicationOf } from '../drs/servers.js';
import { durationMs } from '../support/inputs.js';
import { latestPoints, retryThrottled } from '../support/latest-points.js';
import { protectedInstances } from '../support/protected.js';
import { recoveryRegion } from '../support/regions.js';
import { duration } from '../support/schemas.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';

/** The newest points and the oldest capture among them: EBS/AMI copies, or DRS point-in-time snapshots. */
async function newestPoints(
  deps: Pick<ActionDeps, 'cloud' | 'replication'>,
  ctx: ActionContext,
  region: string,
): Promise<{ points: Record<string, string>; oldest: number }> {
  if (isDrsRunbook(ctx)) {
    const replication = replicationOf(deps, 'recovery.latestPoint');
    return latestDrsPoints({ cloud: deps.cloud, replication }, ctx);
  }
  const { cloud } = deps;
  const instances = await retryThrottled(() => protectedInstances(cloud, ctx));
  // One batched lookup for the whole fleet (issue #13: one call per instance failed the gate
  // whenever any of them was throttled).
  const latest = await latestPoints(
    cloud,
    instances.map((i) => i.id),
    region,
  );
  const points: Record<string, string> = {};
  const missing: string[] = [];
  let oldest = Number.POSITIVE_INFINITY;
  for (const instance of instances) {
    const point = latest[instance.id];
    if (!point) {
      missing.push(instance.id);
      continue;
    }
    points[instance.id] = point.id;
    oldest = Math.min(oldest, point.capturedAt);
  }
  if (missing.length > 0) {
    throw new NonRetryableError(`No recovery point in ${region} for ${missing.join(', ')}`, {
      code: 'NO_RECOVERY_POINT',
      explanation: `These protected instances have never been captured to ${region}, so they cannot be recovered.`,
      action: `Run \`drbot protect ${ctx.runbook.metadata.name}\` (or the protection schedule) and start again.`,
      context: { missing, region },
    });
  }
  return { points, oldest };
}

export function latestPointHandler(deps: Pick<ActionDeps, 'cloud' | 'replication'>): ActionHandler {
  return {
    async start(ctx) {
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const maxAge = durationMs('recovery.latestPoint', ctx.inputs, 'maxAge');
      const { points, oldest } = await newestPoints(deps, ctx, region);
      const ageMs = ctx.runStartedAt - oldest;
      if (maxAge !== undefined && ageMs > maxAge) {
        throw new NonRetryableError(
          `RPO gate: the oldest recovery point is ${formatDuration(ageMs)} old, over the ${formatDuration(maxAge)} allowed`,
          {
            code: 'RPO_EXCEEDED',
            explanation: `Recovering now would lose up to ${formatDuration(ageMs)} of data, more than the runbook's objective.`,
            action: `Run \`drbot protect ${ctx.runbook.metadata.name}\` to capture fresh points (and check the protection schedule), then start again.`,
            context: { ageMs, maxAgeMs: maxAge, region },
          },
        );
      }
      return {
        status: 'done',
        outputs: { points, oldestCapturedAt: oldest, ageMs },
        measures: { rpoClaimedMs: ageMs },
      };
    },
  };
}

export default defineAction({
  name: 'recovery.latestPoint',
  description:
    "Finds the newest recovery point of every protected instance on the recovery side; fails when one is older than maxAge (the RPO gate). With `spec.protect.method: drs` the points are the newest point-in-time snapshots of the tier's DRS source servers (DescribeRecoverySnapshots).",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxAge: { ...duration, description: 'The oldest acceptable recovery point, e.g. the RPO.' },
    },
  },
  outputs: {
    points:
      'Map of source instance id → recovery point id (with method: drs, source server id → point-in-time snapshot id).',
    oldestCapturedAt: 'Capture time (epoch ms) of the oldest of the chosen points.',
    ageMs: 'Age of the oldest chosen point when the disaster was declared (the claimed RPO).',
  },
  capabilities: ['compute', 'recoveryPoints'],
  permissions: {
    aws: [
      {
        statement: 'DescribeFleet',
        actions: ['ec2:DescribeInstances', 'ec2:DescribeSnapshots', 'ec2:DescribeImages', 'ec2:DescribeTags'],
      },
      {
        statement: 'DescribeReplication',
        actions: ['drs:DescribeSourceServers', 'drs:DescribeRecoverySnapshots'],
      },
    ],
    alibaba: ['ecs:DescribeInstances', 'ecs:DescribeDisks', 'ecs:DescribeImages', 'ecs:DescribeSnapshots'],
  },
  effects: () => [
    { verb: 'read', scope: 'protected', what: 'the protected instances' },
    { verb: 'read', scope: 'recovery', what: 'recovery points' },
  ],
  handler: latestPointHandler,
});
