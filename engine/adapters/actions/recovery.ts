/**
 * recovery.latestPoint (the RPO gate) and recovery.protect (one capture + copy pass).
 */
import type { ActionContext, ActionHandler } from '../../actions/types.js';
import type { CloudProvider, Instance } from '../../cloud.js';
import { formatDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { durationMs, invalidInput } from './inputs.js';
import { protectedRegion, recoveryRegion } from './regions.js';

/** @default retention when neither the step nor spec.defaults.retention sets one */
export const DEFAULT_RETENTION = 24;

/** The runbook's protected instances on the protected side; fails when the selector matches none. */
export async function protectedInstances(cloud: CloudProvider, ctx: ActionContext): Promise<Instance[]> {
  const region = protectedRegion(ctx.runbook, ctx.mode);
  const selector = ctx.runbook.spec.protect;
  const instances = await cloud.listProtected(selector, region);
  if (instances.length === 0) {
    throw new NonRetryableError(`No protected instances match the runbook in ${region}`, {
      code: 'NO_PROTECTED_INSTANCES',
      explanation: `spec.protect (${JSON.stringify(selector)}) matches no live instance in ${region}.`,
      action: 'Check the tags or instance ids in spec.protect and that the instances run in that region.',
      context: { region },
    });
  }
  return instances;
}

export function latestPointHandler(cloud: CloudProvider): ActionHandler {
  return {
    async start(ctx) {
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const maxAge = durationMs('recovery.latestPoint', ctx.inputs, 'maxAge');
      const instances = await protectedInstances(cloud, ctx);
      const points: Record<string, string> = {};
      const missing: string[] = [];
      let oldest = Number.POSITIVE_INFINITY;
      for (const instance of instances) {
        const point = await cloud.latestRecoveryPoint(instance.id, region);
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

interface ProtectHandle {
  captureKey: string;
  sourceRegion: string;
  targetRegion: string;
  retention: number;
  appConsistent: boolean;
  instanceIds: string[];
  /** Points deleted by retention: only the first protect call reports them. */
  pruned: string[];
}

export function protectHandler(cloud: CloudProvider, pollIntervalMs: number): ActionHandler {
  /** Protect is idempotent per capture key: calling it again reports the same points' progress. */
  const pass = async (handle: ProtectHandle, instances: Instance[]) => {
    const result = await cloud.protect({
      instances,
      sourceRegion: handle.sourceRegion,
      targetRegion: handle.targetRegion,
      retention: handle.retention,
      captureKey: handle.captureKey,
      appConsistent: handle.appConsistent,
    });
    handle.pruned = [...new Set([...handle.pruned, ...result.pruned])];
    const failed = result.points.filter((p) => p.state === 'error');
    if (failed.length > 0) {
      throw new NonRetryableError(
        `Recovery point copy failed for ${failed.map((p) => p.sourceInstanceId).join(', ')}`,
        {
          code: 'PROTECT_FAILED',
          explanation: `The cloud reports the points ${failed.map((p) => p.id).join(', ')} in state error.`,
          action: 'Check the snapshot copy in the cloud console and run the protection again.',
        },
      );
    }
    // AWS returns a capture still `pending` in the source region, then its copy pending in the
    // target region: only an available point on the recovery side is done; until then call
    // protect again with the same capture key, which continues where it stopped
    const done = (p: (typeof result.points)[number]) =>
      p.state === 'available' && p.region === handle.targetRegion;
    const covered = new Set(result.points.filter(done).map((p) => p.sourceInstanceId));
    if (handle.instanceIds.some((id) => !covered.has(id))) {
      return { status: 'pending' as const, handle, pollAfterMs: pollIntervalMs };
    }
    const points = Object.fromEntries(result.points.filter(done).map((p) => [p.sourceInstanceId, p.id]));
    return { status: 'done' as const, outputs: { points, pruned: handle.pruned } };
  };
  return {
    async start(ctx) {
      const retention = ctx.inputs.retention ?? ctx.runbook.spec.defaults?.retention ?? DEFAULT_RETENTION;
      if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 1) {
        throw invalidInput('recovery.protect', 'retention', 'an integer ≥ 1', retention);
      }
      const instances = await protectedInstances(cloud, ctx);
      const handle: ProtectHandle = {
        captureKey: ctx.idempotencyKey,
        sourceRegion: protectedRegion(ctx.runbook, ctx.mode),
        targetRegion: recoveryRegion(ctx.runbook, ctx.mode),
        retention,
        appConsistent: ctx.inputs.appConsistent === true,
        instanceIds: instances.map((i) => i.id),
        pruned: [],
      };
      return pass(handle, instances);
    },
    async poll(ctx) {
      const handle = ctx.handle as ProtectHandle;
      const instances = await cloud.describe(handle.instanceIds, handle.sourceRegion);
      return pass(handle, instances);
    },
  };
}
