/**
 * The durable state of one tier (one runbook): which site is live, which way it is protected,
 * an uncommitted failover, and the last drill / failover / failback. Plain JSON, stored as one
 * item per runbook and changed only by version-checked writes (`RunStore.saveTier`).
 */
import type { RunStatus } from '../run.js';
import type { Mode } from '../runbook/types.js';

export type Side = 'source' | 'target';

/** Where the tier's production runs. */
export interface ActiveSite {
  side: Side;
  region: string;
  zone?: string;
  /** The run that made this side active; absent for the initial state. */
  sinceRun?: string;
  since: number;
}

/** One protected instance on the active side, and the instance it was recovered from. */
export interface ProtectedInstance {
  instanceId: string;
  /** The original (source) instance this one descends from; equal to `instanceId` for originals. */
  sourceId: string;
}

export interface RecoveryPointRef {
  id: string;
  capturedAt: number;
  region?: string;
}

export interface Protection {
  /** `source→target` normally; `target→source` after reprotect. */
  direction: 'source→target' | 'target→source';
  state: 'protecting' | 'paused' | 'none';
  /** Empty until the first protect or reprotect records it; then the instances on the active side. */
  inventory: ProtectedInstance[];
  newestPoint?: RecoveryPointRef;
}

/** A failover (or a switch of its recovery point) that has cut over and waits for `commit`. */
export interface PendingCommit {
  runId: string;
  since: number;
  /** The recovery point the live copies were launched from, when known. */
  point?: RecoveryPointRef;
  /** Recovered instances now serving, with their sources. */
  instances: ProtectedInstance[];
  rpoMeasuredMs?: number;
  rpoClaimedMs?: number;
  /** Earlier runs of this commit (switch-point replaces the run). */
  switchedFrom?: string[];
  /**
   * Set when `spec.commit.timeout` passed with `onTimeout: rollback`: nobody committed, so the
   * failover should be undone. `failback` is allowed from here without reprotect.
   */
  rollbackDue?: { at: number };
}

export interface RunOutcome {
  runId: string;
  outcome: RunStatus;
  rtoMs?: number;
  rpoMs?: number;
  at: number;
}

export interface TierState {
  runbook: string;
  /** Optimistic-locking version; 0 means "never stored". */
  version: number;
  active: ActiveSite;
  protection: Protection;
  /** A failover or failback that has started and not ended (claimed before its run is created). */
  inFlight?: { runId: string; mode: Mode; since: number; by: string };
  pendingCommit?: PendingCommit;
  /** When the current target-active period was committed (absent while source is active). */
  committed?: { runId: string; by: string; at: number; auto?: boolean };
  lastDrill?: RunOutcome;
  lastFailover?: RunOutcome;
  lastFailback?: RunOutcome;
  /** Ids of the most recent runs whose end this state already reflects (idempotent reconcile). */
  applied: string[];
  updatedAt: number;
}

/** A transition the state does not allow: what the state is and what to do next. */
export interface TierRefusal {
  code: string;
  /** The state, one sentence ("app-tier is live in us-west-2 since run …7M2W."). */
  state: string;
  /** Why that state does not allow it: the rule, in one sentence. */
  why: string;
  /** The next step(s), one sentence with commands in backticks. */
  next: string;
}
