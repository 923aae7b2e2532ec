/**
 * The runbook's commit policy (`spec.commit: { timeout, onTimeout }`, Zerto's commit policy) as
 * pure functions: when an uncommitted failover's window ends, and the state after it ended.
 *
 * - `onTimeout: commit`: drbot commits it (`committed.by = 'drbot'`, `auto: true`).
 * - `onTimeout: rollback`: drbot changes no production. Undoing a cutover stops or retargets
 *   live traffic, which only a two-person gate may allow; so the tier stays uncommitted, is
 *   marked `rollbackDue`, and `failback` becomes allowed without reprotect (its own gates guard
 *   it). The data written on the target since the cutover is not carried back: that is what a
 *   rollback means. `commit` stays possible until the failback starts.
 *
 * The window counts from the newest cutover: a switch-point restarts it.
 */
import { parseDuration } from '../duration.js';
import type { Runbook } from '../runbook/types.js';
import { applyCommit } from './machine.js';
import type { TierState } from './types.js';

/** Who the audit trail names for a choice drbot made on its own. */
export const DRBOT_ACTOR = 'drbot';

/** When the pending commit of `runId` times out, or undefined (no policy, other run, already due). */
export function commitDeadline(tier: TierState, runbook: Runbook, runId: string): number | undefined {
  const policy = runbook.spec.commit;
  const pending = tier.pendingCommit;
  if (!policy || pending?.runId !== runId || pending.rollbackDue) return undefined;
  return pending.since + parseDuration(policy.timeout);
}

/** The state once the window of `runId` has passed (the same object when nothing is due). */
export function applyCommitTimeout(tier: TierState, runbook: Runbook, runId: string, now: number): TierState {
  const deadline = commitDeadline(tier, runbook, runId);
  if (deadline === undefined || now < deadline || !tier.pendingCommit) return tier;
  if (runbook.spec.commit?.onTimeout === 'commit') {
    const committed = applyCommit(tier, runId, DRBOT_ACTOR, now);
    return { ...committed, committed: { ...committed.committed!, auto: true } };
  }
  return { ...tier, pendingCommit: { ...tier.pendingCommit, rollbackDue: { at: now } }, updatedAt: now };
}

/**
 * A run a restarted driver should `advance` once although it ended: a succeeded failover may
 * wait for `commit` under a commit policy, and only `advance` re-arms its deadline.
 */
export function mayAwaitCommit(summary: { mode: string; status: string }): boolean {
  return summary.mode === 'failover' && summary.status === 'succeeded';
}
