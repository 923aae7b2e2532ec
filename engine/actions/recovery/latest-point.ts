/**
 * recovery.latestPoint, the RPO gate: the newest point of every protected instance on the
 * recovery side, failing when one is older than maxAge.
 */
import { formatDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { latestDrsPoints } from '../drs/points.js';
import { isDrsRunbook, replicationOf } from '../drs/servers.js';
import {
  choosePoints,
  describeChoice,
  POINT_PARAM,
  type PointChoice,
  parsePointChoice,
} from '../support/choose-point.js';
import { durationMs } from '../support/inputs.js';
import { retryThrottled } from '../support/latest-points.js';
import { protectedInstances } from '../support/protected.js';
import { recoveryRegion } from '../support/regions.js';
import { duration } from '../support/schemas.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';

/** The newest points and the oldest capture among them: EBS/AMI copies, or DRS point-in-time snapshots. */
interface ChosenPoints {
  points: Record<string, string>;
  oldest: number;
  oldestPoint?: { id: string; capturedAt: number; region: string };
}

/**
 * The points the gate picks: DRS point-in-time snapshots for a `method: drs` tier, else the
 * recovery point of every protected instance that the `point` start parameter chooses (the
 * newest by default), in one batched lookup for the whole fleet (issue #13: one call per instance
 * failed the gate whenever any of them was throttled).
 */
async function newestPoints(
  deps: Pick<ActionDeps, 'cloud' | 'replication'>,
  ctx: ActionContext,
  region: string,
  choice: PointChoice,
): Promise<ChosenPoints> {
  if (isDrsRunbook(ctx)) {
    const replication = replicationOf(deps, 'recovery.latestPoint');
    return latestDrsPoints({ cloud: deps.cloud, replication }, ctx);
  }
  const { cloud } = deps;
  const instances = await retryThrottled(() => protectedInstances(cloud, ctx));
  const latest = await choosePoints(
    cloud,
    instances.map((i) => i.id),
    region,
    choice,
  );
  const points: Record<string, string> = {};
  const missing: string[] = [];
  let oldest = Number.POSITIVE_INFINITY;
  let oldestPoint: ChosenPoints['oldestPoint'];
  for (const instance of instances) {
    const point = latest[instance.id];
    if (!point) {
      missing.push(instance.id);
      continue;
    }
    points[instance.id] = point.id;
    if (point.capturedAt < oldest) oldestPoint = { id: point.id, capturedAt: point.capturedAt, region };
    oldest = Math.min(oldest, point.capturedAt);
  }
  if (missing.length > 0) {
    throw new NonRetryableError(`No recovery point in ${region} for ${missing.join(', ')}`, {
      code: 'NO_RECOVERY_POINT',
      explanation:
        choice.kind === 'latest'
          ? `These protected instances have never been captured to ${region}, so they cannot be recovered.`
          : `These protected instances have no point in ${region} matching ${describeChoice(choice)}.`,
      action: `Run \`drbot protect ${ctx.runbook.metadata.name}\` (or the protection schedule) and start again.`,
      context: { missing, region },
    });
  }
  return { points, oldest, ...(oldestPoint ? { oldestPoint } : {}) };
}

export function latestPointHandler(deps: Pick<ActionDeps, 'cloud' | 'replication'>): ActionHandler {
  return {
    async start(ctx) {
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const maxAge = durationMs('recovery.latestPoint', ctx.inputs, 'maxAge');
      const choice = parsePointChoice(ctx.params[POINT_PARAM]);
      const { points, oldest, oldestPoint } = await newestPoints(deps, ctx, region, choice);
      const ageMs = ctx.runStartedAt - oldest;
      // A point the operator named (point=…, switch-point) is a deliberate choice of more data
      // loss, e.g. to get before a corruption: say so, but do not refuse it.
      if (maxAge !== undefined && ageMs > maxAge && choice.kind !== 'latest') {
        ctx.note(
          `The chosen point (${describeChoice(choice)}) is ${formatDuration(ageMs)} old, over the ${formatDuration(maxAge)} RPO: recovering from it loses up to that much data, as asked`,
          { ageMs, maxAgeMs: maxAge },
        );
      } else if (maxAge !== undefined && ageMs > maxAge) {
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
        outputs: {
          points,
          oldestCapturedAt: oldest,
          ageMs,
          ...(oldestPoint ? { chosenPoint: oldestPoint } : {}),
        },
        measures: { rpoClaimedMs: ageMs },
      };
    },
  };
}

export default defineAction({
  name: 'recovery.latestPoint',
  typicalDuration: '30s',
  description:
    "Finds the newest recovery point of every protected instance on the recovery side (or the one the `point` start parameter names: an id, an ISO time, `latest` or `latest-app-consistent`); fails when one is older than maxAge (the RPO gate). With `spec.protect.method: drs` the points are the newest point-in-time snapshots of the tier's DRS source servers (DescribeRecoverySnapshots).",
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
    chosenPoint:
      'The oldest chosen point `{ id, capturedAt, region }` (the tier records it for commit / switch-point).',
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
