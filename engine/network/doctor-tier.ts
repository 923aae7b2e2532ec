/**
 * The doctor reads the tier state (engine/tier/): while the target is live it checks the reverse
 * direction (the protected copies on the target, the network mapping read back toward the
 * source, recovery points on the source side), and it reports only the blockers the current
 * state needs. Until reprotect there are no points toward the source, and nothing that needs
 * them can start yet (the next step is commit or reprotect), so their absence is a warning that
 * names the next step, not a blocker.
 */
import type { TierState } from '../tier/types.js';
import type { DoctorFacts, Finding } from './doctor.js';

/** Where the tier is in its lifecycle, as far as readiness cares. */
export type DoctorTierPhase =
  | 'source-active'
  | 'in-flight'
  | 'uncommitted'
  | 'rollback-due'
  | 'committed'
  | 'reprotected';

export interface DoctorTier {
  phase: DoctorTierPhase;
  activeRegion: string;
  /** The run the phase is about (in flight, uncommitted, committed). */
  runId?: string;
  inFlightMode?: string;
}

/** The doctor's direction: reverse (target → source) while the target is live. */
export function doctorDirection(tier: TierState | undefined): 'forward' | 'reverse' {
  return tier?.active.side === 'target' ? 'reverse' : 'forward';
}

export function doctorTier(tier: TierState): DoctorTier {
  const base = { activeRegion: tier.active.region };
  if (tier.inFlight)
    return { ...base, phase: 'in-flight', runId: tier.inFlight.runId, inFlightMode: tier.inFlight.mode };
  if (tier.pendingCommit) {
    const phase = tier.pendingCommit.rollbackDue ? 'rollback-due' : 'uncommitted';
    return { ...base, phase, runId: tier.pendingCommit.runId };
  }
  if (tier.active.side === 'source') return { ...base, phase: 'source-active' };
  if (tier.protection.direction === 'target→source' && tier.protection.state === 'protecting')
    return { ...base, phase: 'reprotected' };
  return { ...base, phase: 'committed', ...(tier.committed ? { runId: tier.committed.runId } : {}) };
}

const POINT_CODES = new Set(['NO_RECOVERY_POINT', 'RECOVERY_POINT_TOO_OLD']);

/** Adjusts `out` to the tier's phase and adds the state's own finding (see the file comment). */
export function tierFindings(f: DoctorFacts, out: Finding[]): void {
  const tier = f.tier;
  if (!tier || tier.phase === 'source-active' || tier.phase === 'reprotected') return;
  const name = f.runbook;
  const notYet = tier.phase !== 'in-flight';
  if (notYet) {
    // No points toward the source before reprotect: expected, and reprotect makes them.
    const points = out.filter((x) => POINT_CODES.has(x.code));
    for (const x of points) out.splice(out.indexOf(x), 1);
    if (points.length > 0) {
      out.push({
        code: 'TIER_NOT_REPROTECTED',
        severity: 'warning',
        subject: name,
        message: `${name} is live in ${tier.activeRegion} and not reprotected: its ${points.length} instance(s) have no recovery point in ${f.targetRegion} yet`,
        remedy:
          tier.phase === 'uncommitted'
            ? `Next: \`commit ${tier.runId}\`, then \`reprotect ${name}\` (it captures points here and copies them to ${f.targetRegion}).`
            : `Next: \`reprotect ${name}\` (it captures points here and copies them to ${f.targetRegion}).`,
      });
    }
  }
  const state: Record<Exclude<DoctorTierPhase, 'source-active' | 'reprotected'>, [string, string]> = {
    'in-flight': [
      `A ${tier.inFlightMode} of ${name} (run ${tier.runId}) is in flight; the checks describe the side that is live now`,
      `Let it finish (\`status ${tier.runId}\`), then run the doctor again.`,
    ],
    uncommitted: [
      `${name} failed over to ${tier.activeRegion} (run ${tier.runId}) and waits to be committed; drills and failback wait for it`,
      `Next: \`commit ${tier.runId}\`, or \`switch-point ${tier.runId} <point>\`.`,
    ],
    'rollback-due': [
      `The failover of ${name} (run ${tier.runId}) was not committed within spec.commit.timeout: a rollback is due`,
      `Next: \`failback ${name}\`, or \`commit ${tier.runId}\` to keep ${tier.activeRegion}.`,
    ],
    committed: [
      `${name} is live in ${tier.activeRegion}, committed, not reprotected`,
      `Next: \`reprotect ${name}\`.`,
    ],
  };
  const [message, remedy] = state[tier.phase];
  out.push({ code: 'TIER_STATE', severity: 'warning', subject: name, message, remedy });
}
