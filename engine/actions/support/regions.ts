/**
 * Which region a step acts in. The recovery side is where instances are recovered: spec.target for
 * drill and failover, spec.source for failback (the way home). The protected side is the other.
 */
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
