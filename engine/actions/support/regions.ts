/**
 * Which region a step acts in. The recovery side is where instances are recovered: spec.target for
 * drill and failover, spec.source for failback (the way home). The protected side is the other.
 */
import type { ProtectSelector } from '../../cloud/compute.js';
import type { Mode, Runbook } from '../../runbook/types.js';

export type Side = 'recovery' | 'protected';

export function recoveryRegion(runbook: Pick<Runbook, 'spec'>, mode: Mode): string {
  return mode === 'failback' ? runbook.spec.source.region : runbook.spec.target.region;
}

export function protectedRegion(runbook: Pick<Runbook, 'spec'>, mode: Mode): string {
  return mode === 'failback' ? runbook.spec.target.region : runbook.spec.source.region;
}

/** The region of `side` (default recovery) for this run. */
export function regionOf(runbook: Pick<Runbook, 'spec'>, mode: Mode, side: unknown): string {
  return side === 'protected' ? protectedRegion(runbook, mode) : recoveryRegion(runbook, mode);
}

/**
 * A cross-zone site pair is one region with a zone per side (`cn-hangzhou-h` → `cn-hangzhou-i`).
 * There, a tag selector also matches the recovered copies on the other side, so only the
 * instances in the side's own zone belong to it. Cross-region pairs are not filtered.
 */
/** The zone of a side for a same-region (cross-zone) pair; undefined across regions. */
export function sideZone(runbook: Pick<Runbook, 'spec'>, mode: Mode, side: Side): string | undefined {
  const { source, target } = runbook.spec;
  if (source.region !== target.region) return undefined;
  const protectedSide = mode === 'failback' ? target : source;
  const recoverySide = mode === 'failback' ? source : target;
  return (side === 'protected' ? protectedSide : recoverySide).zone;
}

/** spec.protect for one side: with the side's zone for a same-region (cross-zone) pair. */
export function sideSelector(runbook: Pick<Runbook, 'spec'>, mode: Mode, side: Side): ProtectSelector {
  const zone = sideZone(runbook, mode, side);
  return { ...runbook.spec.protect, ...(zone ? { zone } : {}) };
}

export function inSideZone<T extends { zone?: string }>(
  runbook: Pick<Runbook, 'spec'>,
  mode: Mode,
  side: Side,
  instances: T[],
): T[] {
  const { source, target } = runbook.spec;
  if (source.region !== target.region) return instances;
  const protectedSide = mode === 'failback' ? target : source;
  const recoverySide = mode === 'failback' ? source : target;
  const zone = (side === 'protected' ? protectedSide : recoverySide).zone;
  return zone ? instances.filter((i) => i.zone === zone) : instances;
}
