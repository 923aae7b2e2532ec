/**
 * The engine's public face, used by every front end (Slack, shell, CLI, Lambda worker).
 * Implemented by `createEngine` in engine/executor/.
 */
import type { ActionRegistry } from './actions/types.js';
import type { Clock, Directory, Notifier, Random, RunStore } from './ports.js';
import type { GateRecord, Run, RunProvider, RunStatus } from './run.js';
import type { Mode, Runbook } from './runbook/types.js';
import type { ProtectedInstance, RecoveryPointRef, TierState } from './tier/types.js';

export type { RunProvider } from './run.js';

export interface StartRunRequest {
  runbook: Runbook;
  mode: Mode;
  initiator: string;
  params?: Record<string, string>;
  /**
   * Parameters only the engine sets (`switchFrom`, by switch-point), added after the check of
   * `params`, so no front end can pass them. Front ends never set this.
   */
  engineParams?: Record<string, string>;
  /** Front-end context (channel, thread ts …), stored on the run verbatim. */
  meta?: Record<string, string>;
}

export interface AdvanceResult {
  status: RunStatus;
  /**
   * When `advance` should be called again; absent when the run only waits on people or is done.
   * An ended failover waiting for `commit` under a commit policy (`spec.commit`) has its deadline here.
   */
  wakeAt?: number;
  run: Run;
  /** False when another worker holds the lease: nothing was done. */
  advanced: boolean;
}

/** Options of one `advance`. */
export interface AdvanceOptions {
  /**
   * A cloud event woke the run (engine/ports.ts Waker): every running step polls now instead of
   * at its `nextAt`, so a finished operation is seen at once. Retries keep their backoff.
   * Harmless when nothing finished: the polls answer "not yet" and are rescheduled.
   */
  wake?: string;
}

export type ApprovalRefusal =
  | 'initiator'
  | 'not-an-approver'
  | 'already-approved'
  | 'gate-closed'
  | 'not-waiting';

export interface ApprovalAnswer {
  /** Whether this click changed anything. */
  counted: boolean;
  reason?: ApprovalRefusal;
  /** A sentence for the person who clicked: why it counted or not. */
  explanation: string;
  gate?: GateRecord;
  /** True for exactly one caller: the one whose approval opened the gate. */
  opened: boolean;
  /** True when this call rejected the gate. */
  rejected: boolean;
}

export interface EngineOptions {
  store: RunStore;
  clock: Clock;
  random: Random;
  notifier: Notifier;
  directory: Directory;
  actions: ActionRegistry;
  /**
   * The cloud this process acts on. New runs record it; a run recorded with another provider is
   * never advanced, approved, rejected or confirmed here (`RUN_PROVIDER_MISMATCH`).
   * @default none: runs record no provider and any provider's run is driven (tests)
   */
  provider?: RunProvider;
  /** Max steps started at once per run. @default 50 */
  concurrency?: number;
  /** Lease length for one advance. @default 60_000 */
  leaseMs?: number;
  /** This worker's identity in leases. @default a random id */
  owner?: string;
  /**
   * Randomness for the random part of run ids, kept apart from `random` so a seeded `random`
   * (reproducible faults and jitter) still gives every run a distinct id: the edge passes a
   * per-process entropy source here. @default `random`
   */
  idEntropy?: Random;
}

export interface Engine {
  /** Validates access, takes the per-runbook lock for failover/failback, persists the run. */
  startRun(request: StartRunRequest): Promise<Run>;
  /** Starts every ready step, polls due ones, persists transitions; never waits in memory. */
  advance(runId: string, options?: AdvanceOptions): Promise<AdvanceResult>;
  approve(runId: string, stepKey: string, user: string): Promise<ApprovalAnswer>;
  reject(runId: string, stepKey: string, user: string, reason?: string): Promise<ApprovalAnswer>;
  /** Confirms a `manual` step as done. */
  confirmManual(runId: string, stepKey: string, user: string): Promise<Run>;
  /** Cancels running steps; drill cleanup still runs. Allowed for the initiator and owners. */
  abort(runId: string, by: string, reason?: string): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  /** The runbook snapshot a run executes (stored at start, by content hash). */
  runbookOf(run: Run): Promise<Runbook>;
  /** The tier state of a runbook, reconciled with its runs (engine/tier/). */
  getTier(runbook: Runbook): Promise<TierState>;
  /**
   * Accepts the uncommitted failover `runId`: allowed to the approvers of its cutover gate, never
   * to the initiator alone (when the gate excludes the initiator). Audited on the run.
   */
  commit(runId: string, user: string): Promise<TierState>;
  /**
   * Reverses protection after a committed failover: `protect` captures the recovered instances
   * and copies their points toward the source region (the cloud's copy path, reversed).
   */
  reprotect(runbook: Runbook, user: string, protect?: ReprotectPass): Promise<TierState>;
  /**
   * Recovers an uncommitted failover from an earlier point: starts a failover run from `point`
   * that replaces `runId` once it succeeds (see engine/ARCHITECTURE.md, "Tier lifecycle").
   */
  switchPoint(runId: string, point: string, user: string): Promise<Run>;
}

/**
 * One reversed protection pass over the recovered instances (snapshot copies, or DRS reverse
 * replication for `method: drs`); returns the newest point. Runs only after the tier allowed the
 * reprotect (a committed failover), with that tier state.
 */
export type ReprotectPass = (
  instances: ProtectedInstance[],
  tier: TierState,
) => Promise<RecoveryPointRef | undefined>;
