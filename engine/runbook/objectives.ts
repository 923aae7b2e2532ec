/**
 * The recovery objectives a run of one mode is held to. `spec.objectives` sets the tier's RTO and
 * RPO; a mode may set its own RTO (`objectives.failback.rto`): a failback is a planned move back
 * that runs while the recovered site still serves, so its window is usually not the disaster's.
 * The RPO stays the tier's: the RPO gates read `spec.objectives.rpo`, and a second RPO that the
 * gates did not enforce would be a promise nothing keeps.
 * The plan and the run's measures both read this, so a plan and its scorecard agree.
 */
import type { Mode, RunbookSpec } from './types.js';

export interface ModeObjectives {
  rto: string;
  rpo: string;
  /** The mode whose own RTO this is (for "RTO 40m (the failback's own)"). */
  overriddenBy?: Mode;
}

export function modeObjectives(spec: Pick<RunbookSpec, 'objectives'>, mode: Mode): ModeObjectives {
  const { rto, rpo } = spec.objectives;
  const override = spec.objectives[mode];
  if (!override) return { rto, rpo };
  return { rto: override.rto, rpo, overriddenBy: mode };
}
