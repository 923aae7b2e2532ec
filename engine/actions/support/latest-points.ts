/**
 * The newest available recovery point of many instances in one region, for the RPO gate, the
 * launch and the doctor: the provider's batched lookup when it has one (one describe per 200
 * instances on AWS), else one latestRecoveryPoint per instance. Throttled calls are retried here
 * within the attempt, so one RequestLimitExceeded among a fleet's lookups does not fail the step.
 */
import type { CloudProvider } from '../../cloud/provider.js';
import type { RecoveryPoint } from '../../cloud/recovery-points.js';
import { RetryAfterError } from '../../errors.js';

/** Tries of one throttled call within an attempt, the first included. */
export const THROTTLE_TRIES = 4;

/** Runs `call`, trying again at once while it is throttled (the adapters already back off). */
export async function retryThrottled<T>(call: () => Promise<T>, tries = THROTTLE_TRIES): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof RetryAfterError) || attempt >= tries) throw err;
    }
  }
}

/** Source instance id → newest available point; instances without one are absent. */
export async function latestPoints(
  cloud: CloudProvider,
  sourceInstanceIds: readonly string[],
  region: string,
): Promise<Record<string, RecoveryPoint>> {
  if (cloud.latestRecoveryPoints) {
    const batched = cloud.latestRecoveryPoints.bind(cloud);
    return retryThrottled(() => batched(sourceInstanceIds, region));
  }
  const out: Record<string, RecoveryPoint> = {};
  for (const id of sourceInstanceIds) {
    const point = await retryThrottled(() => cloud.latestRecoveryPoint(id, region));
    if (point) out[id] = point;
  }
  return out;
}
