/**
 * The cloud side of the tier commands: reprotect (one protection pass of the recovered
 * instances, reversed: captured on the target, copied to the source region, same retention) and
 * `points` (the recovery points per instance on the side a failover or failback recovers to).
 */
import { DEFAULT_RETENTION } from '../../engine/actions/recovery/protect.js';
import { sideSelector } from '../../engine/actions/support/regions.js';
import type { Instance } from '../../engine/cloud/compute.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import { DrbotError } from '../../engine/errors.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { standbyRegion } from '../../engine/tier/machine.js';
import type { ProtectedInstance, RecoveryPointRef, TierState } from '../../engine/tier/types.js';
import type { PointRow } from '../render/tier.js';

/** How long a reprotect waits for its copies, and how often it looks. */
const COPY_TIMEOUT_MS = 30 * 60_000;
const COPY_POLL_MS = 1_000;

export interface TierCloud {
  cloud: CloudProvider;
  /** Waits between polls of pending copies. @default setTimeout */
  wait?: (ms: number) => Promise<void>;
  now: () => number;
}

export function cloudUnavailable(runbook: Runbook, what: string): DrbotError {
  return new DrbotError(`${what} of ${runbook.metadata.name} cannot run here.`, {
    code: 'TIER_CLOUD_UNAVAILABLE',
    explanation:
      'This drbot process does not talk to the cloud itself (the Slack function on Lambda only enqueues).',
    action: `Run it from \`drbot shell\` or \`drbot serve\`, which hold cloud access.`,
  });
}

/**
 * The instances on the active side (`side`): the tier's recorded inventory, else the protect
 * selector of that side (with its zone for a cross-zone pair, whose selector also matches the
 * copies in the other zone).
 */
async function activeInstances(
  cloud: CloudProvider,
  runbook: Runbook,
  side: 'source' | 'target',
  inventory: ProtectedInstance[],
): Promise<Instance[]> {
  const region = side === 'source' ? runbook.spec.source.region : runbook.spec.target.region;
  if (inventory.length > 0) {
    const described = await cloud.describe(
      inventory.map((i) => i.instanceId),
      region,
    );
    return described.filter((i) => i.state !== 'terminated');
  }
  return cloud.listProtected(
    sideSelector(runbook, side === 'source' ? 'drill' : 'failback', 'protected'),
    region,
  );
}

/** One reversed protection pass; returns the newest point copied toward the source region. */
export async function reprotectPass(
  deps: TierCloud,
  runbook: Runbook,
  inventory: ProtectedInstance[],
): Promise<RecoveryPointRef | undefined> {
  const { cloud } = deps;
  const from = runbook.spec.target.region;
  const to = runbook.spec.source.region;
  const instances = await activeInstances(cloud, runbook, 'target', inventory);
  const request = {
    instances,
    sourceRegion: from,
    targetRegion: to,
    retention: runbook.spec.defaults?.retention ?? DEFAULT_RETENTION,
    captureKey: `reprotect:${runbook.metadata.name}:${deps.now()}`,
  };
  let points = (await cloud.protect(request)).points;
  const deadline = deps.now() + COPY_TIMEOUT_MS;
  const wait = deps.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  while (points.some((p) => p.state === 'pending') && deps.now() < deadline) {
    await wait(COPY_POLL_MS);
    points = (await cloud.protect(request)).points; // same capture key: progress only
  }
  const copied = points.filter((p) => p.region === to && p.state === 'available');
  const newest = copied.sort((a, b) => b.capturedAt - a.capturedAt)[0];
  return newest ? { id: newest.id, capturedAt: newest.capturedAt, region: to } : undefined;
}

/** Every recovery point of the tier's instances on the side it would recover to, newest first. */
export async function listPoints(
  cloud: CloudProvider,
  runbook: Runbook,
  tier: TierState,
): Promise<PointRow[]> {
  // While a failover waits for commit, the points that matter are those it recovered from (on the
  // active side, of the original instances in the source zone): switch-point picks among them.
  const pending = tier.pendingCommit !== undefined;
  const region = pending ? tier.active.region : standbyRegion(tier, runbook);
  const instances = pending
    ? await cloud.listProtected(sideSelector(runbook, 'failover', 'protected'), runbook.spec.source.region)
    : await activeInstances(cloud, runbook, tier.active.side, tier.protection.inventory);
  const rows: PointRow[] = [];
  for (const instance of instances) {
    const points = await cloud.recoveryPoints(instance.id, region);
    for (const p of points
      .filter((x) => x.state === 'available')
      .sort((a, b) => b.capturedAt - a.capturedAt)) {
      rows.push({
        instanceId: instance.id,
        pointId: p.id,
        capturedAt: p.capturedAt,
        appConsistent: p.appConsistent,
        region: p.region,
      });
    }
  }
  return rows;
}
