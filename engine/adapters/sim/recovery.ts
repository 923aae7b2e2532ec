/**
 * Simulated recovery points: snapshot capture, cross-region copy (latency grows with size),
 * retention, and idempotency per capture key.
 */
import type { ProtectRequest, ProtectResult, RecoveryPoint } from '../../cloud/recovery-points.js';
import { NonRetryableError, RetryAfterError } from '../../errors.js';
import { prune, type SimContext, writeMarker } from './context.js';
import { countCall, countKey } from './counters.js';
import { apiCall } from './ec2.js';
import { emitAt, runOfKey } from './events.js';
import { isAlibabaRegion, newPoint, publicPoint, type SimPoint } from './state.js';

export function recoveryPoints(ctx: SimContext, sourceInstanceId: string, region: string): RecoveryPoint[] {
  apiCall(ctx, 'DescribeSnapshots', region);
  return pointsOf(ctx, sourceInstanceId, region).map(publicPoint);
}

/** The newest point that can be launched from (available). */
export function latestRecoveryPoint(
  ctx: SimContext,
  sourceInstanceId: string,
  region: string,
): RecoveryPoint | undefined {
  apiCall(ctx, 'DescribeSnapshots', region);
  const newest = pointsOf(ctx, sourceInstanceId, region).find((p) => p.state === 'available');
  return newest ? publicPoint(newest) : undefined;
}

/** EC2's limit of values per filter: the batched lookup asks for 200 source ids per request. */
export const FILTER_VALUES_MAX = 200;
/** Items per describe page (MaxResults). */
const PAGE_SIZE = 1000;
/** Tries per throttled page, as the AWS adapter does (recovery-point-batch.ts). */
const PAGE_ATTEMPTS = 5;

/** One page call, retried while throttled; every try is counted, as AWS would bill it. */
function pageCall(ctx: SimContext, api: string, region: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      apiCall(ctx, api, region);
      return;
    } catch (err) {
      if (!(err instanceof RetryAfterError) || attempt >= PAGE_ATTEMPTS) throw err;
    }
  }
}

/**
 * The newest available point of each instance, with the AWS adapter's call shape: per 200 ids,
 * one DescribeImages and one DescribeSnapshots, plus one per further page of 1000 matches.
 */
export function latestRecoveryPoints(
  ctx: SimContext,
  sourceInstanceIds: readonly string[],
  region: string,
): Record<string, RecoveryPoint> {
  const ids = [...new Set(sourceInstanceIds)];
  const out: Record<string, RecoveryPoint> = {};
  for (let i = 0; i < ids.length; i += FILTER_VALUES_MAX) {
    const batch = new Set(ids.slice(i, i + FILTER_VALUES_MAX));
    const matches = Object.values(ctx.state.points).filter(
      (p) => p.region === region && batch.has(p.sourceInstanceId),
    );
    const pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
    for (let n = 0; n < pages; n++) pageCall(ctx, 'DescribeImages', region);
    for (let n = 0; n < pages; n++) pageCall(ctx, 'DescribeSnapshots', region);
    const newest = new Map<string, SimPoint>();
    for (const point of matches) {
      if (point.state !== 'available') continue;
      const best = newest.get(point.sourceInstanceId);
      if (!best || point.capturedAt > best.capturedAt) newest.set(point.sourceInstanceId, point);
    }
    for (const [id, point] of newest) out[id] = publicPoint(point);
  }
  return out;
}

/** Newest first. */
function pointsOf(ctx: SimContext, sourceInstanceId: string, region: string): SimPoint[] {
  return Object.values(ctx.state.points)
    .filter((p) => p.sourceInstanceId === sourceInstanceId && p.region === region)
    .sort((a, b) => b.capturedAt - a.capturedAt);
}

/**
 * One capture per instance (CreateSnapshots in the source region + CopySnapshot to the target),
 * then retention. A capture key seen before returns the same points, in their current state.
 */
export async function protect(ctx: SimContext, request: ProtectRequest): Promise<ProtectResult> {
  const { state } = ctx;
  countKey(state.counters, request.captureKey);
  const known = state.tokens.capture[request.captureKey];
  if (known) {
    apiCall(ctx, 'DescribeSnapshots', request.targetRegion);
    const points = known.map((id) => state.points[id]).filter((p): p is SimPoint => p !== undefined);
    return { points: points.map(publicPoint), pruned: [] };
  }
  if (request.retention < 1) {
    throw new NonRetryableError(`Retention ${request.retention} would delete every recovery point`, {
      code: 'INVALID_RETENTION',
      explanation: 'protect keeps the newest N points per instance; N must be at least 1.',
      action: 'Set retention (or spec.defaults.retention) to 1 or more.',
    });
  }
  // Alibaba Cloud's cross-zone DR uses images in place (they are regional), so the sim allows one
  // region there; an AWS pair in one region protects against nothing a region outage takes.
  if (request.sourceRegion === request.targetRegion && !isAlibabaRegion(request.sourceRegion)) {
    throw new NonRetryableError(`Source and target region are both ${request.sourceRegion}`, {
      code: 'SAME_REGION',
      explanation: 'Recovery points protect against a region failure only when copied to another region.',
      action: 'Give the runbook different spec.source and spec.target regions.',
    });
  }
  const sources = request.instances.map((i) => {
    const inst = state.instances[i.id];
    if (!inst || inst.region !== request.sourceRegion || inst.state === 'terminated') {
      throw new NonRetryableError(`Cannot protect ${i.id}: not a live instance in ${request.sourceRegion}`, {
        code: 'NOT_FOUND',
        explanation: 'Only existing, non-terminated instances of the source region can be captured.',
        action: 'Check the runbook protect selector and the source region.',
        context: { instanceId: i.id },
      });
    }
    return inst;
  });
  apiCall(ctx, 'CreateSnapshots', request.sourceRegion, Math.max(1, sources.length));
  countCall(state.counters, 'CopySnapshot', sources.length);
  ctx.faults.beforeCall('CopySnapshot', request.targetRegion);
  const now = ctx.clock.now();
  const created: SimPoint[] = [];
  const pruned: string[] = [];
  for (const source of sources) {
    if (ctx.sandbox?.hasRunner) await writeMarker(ctx.sandbox, source, now);
    const size = source.volumes.reduce((sum, v) => sum + v.sizeGiB, 0);
    const point = newPoint(state, {
      // as asked (spec.protect.capture); else ECS custom images (m-…) on Alibaba Cloud, EBS snapshot sets on AWS
      kind: request.capture
        ? request.capture === 'ami'
          ? 'ami'
          : 'snapshot'
        : isAlibabaRegion(request.targetRegion)
          ? 'ami'
          : 'snapshot',
      region: request.targetRegion,
      source,
      capturedAt: now,
      availableAt: now + ctx.latency.copy(size),
      appConsistent: request.appConsistent ?? false,
    });
    state.points[point.id] = point;
    // a capture by a run (recovery.protect: the key is its idempotency key) wakes it when copied
    emitAt(ctx.wakeups, point.availableAt, runOfKey(request.captureKey), `${point.kind}:copied ${point.id}`);
    if (ctx.sandbox) {
      ctx.sandbox.copy(source.id, point.id);
      point.sandboxReady = true;
    }
    created.push(point);
    pruned.push(...prune(ctx, source.id, request.targetRegion, request.retention));
  }
  if (pruned.length > 0) countCall(state.counters, 'DeleteSnapshot', pruned.length);
  state.tokens.capture[request.captureKey] = created.map((p) => p.id);
  return { points: created.map(publicPoint), pruned };
}
