/**
 * Reading, reconciling and changing a tier state through the RunStore port. Every change is a
 * read → pure transition (machine.ts) → `saveTier` conditioned on the version read; a conflict
 * starts over from a fresh read, so concurrent writers serialise and none is lost.
 *
 * Reconcile on read (the tier's outbox, like the audit trail's): a run's end is applied right
 * after the run's final save, and a crash in between leaves the tier behind the run. Whoever
 * reads the tier applies what is missing: the end of the in-flight run it names, and the ends of
 * recent drills. A claim whose run was never created (a crash between the claim and
 * `createRun`) is dropped once it is older than `STALE_CLAIM_MS`.
 */
import { ConflictError, NonRetryableError } from '../errors.js';
import type { RunStore } from '../ports.js';
import { isTerminal, type Run } from '../run.js';
import type { Runbook } from '../runbook/types.js';
import { applyRunEnd, dropClaim, hasApplied, initialTier } from './machine.js';
import type { TierRefusal, TierState } from './types.js';

/** A claim without its run is stale after this long (its start either created the run by then or failed). */
export const STALE_CLAIM_MS = 5 * 60_000;
const MAX_TRIES = 50;

export async function readTier(store: RunStore, runbook: Runbook, now: number): Promise<TierState> {
  return (await store.getTier(runbook.metadata.name)) ?? initialTier(runbook, now);
}

/**
 * Applies `change` to the current state and saves it, conditioned on the version read. `change`
 * returns the same object to mean "nothing to do", or throws to refuse; it may run more than once.
 */
export async function updateTier(
  store: RunStore,
  runbook: Runbook,
  now: () => number,
  change: (tier: TierState) => TierState,
): Promise<TierState> {
  for (let tries = 1; ; tries++) {
    const current = await readTier(store, runbook, now());
    const next = change(current);
    if (next === current) return current;
    const saved = { ...next, version: current.version + 1 };
    try {
      await store.saveTier(saved, current.version);
      return saved;
    } catch (err) {
      if (!(err instanceof ConflictError) || tries >= MAX_TRIES) throw err;
    }
  }
}

/** Applies the end of an ended run (after its final save); a no-op when already applied. */
export async function applyEndedRun(
  store: RunStore,
  runbook: Runbook,
  run: Run,
  now: () => number,
): Promise<TierState> {
  return updateTier(store, runbook, now, (tier) => {
    if (!isTerminal(run.status) || hasApplied(tier, run.id)) return tier;
    // Failovers and failbacks change the tier only through the claim their start wrote.
    if (run.mode !== 'drill' && tier.inFlight?.runId !== run.id) return tier;
    // A drill that ended before the last recorded one would only make `lastDrill` older.
    if (run.mode === 'drill' && (tier.lastDrill?.at ?? 0) > (run.endedAt ?? 0)) return tier;
    return applyRunEnd(tier, run, runbook, now());
  });
}

/** Reads the tier and brings it up to date with its runs (see the file comment). */
export async function reconcileTier(
  store: RunStore,
  runbook: Runbook,
  now: () => number,
): Promise<TierState> {
  let tier = await readTier(store, runbook, now());
  const claim = tier.inFlight;
  if (claim) {
    const run = await store.getRun(claim.runId);
    if (run && isTerminal(run.status)) tier = await applyEndedRun(store, runbook, run, now);
    else if (!run && now() - claim.since > STALE_CLAIM_MS) {
      tier = await updateTier(store, runbook, now, (t) => dropClaim(t, claim.runId, now()));
    }
  }
  const drills = await store.listRuns({ runbook: runbook.metadata.name, mode: 'drill', limit: 3 });
  const newest = drills.find((d) => isTerminal(d.status));
  if (newest && !hasApplied(tier, newest.id) && (tier.lastDrill?.at ?? 0) < (newest.endedAt ?? 0)) {
    const run = await store.getRun(newest.id);
    if (run) tier = await applyEndedRun(store, runbook, run, now);
  }
  return tier;
}

/** A tier refusal as the error front ends show: the state, then the next step. */
export function tierRefusedError(
  refusal: TierRefusal,
  context: Record<string, unknown> = {},
): NonRetryableError {
  return new NonRetryableError(refusal.state, {
    code: refusal.code,
    explanation: refusal.why,
    action: refusal.next,
    context,
  });
}
