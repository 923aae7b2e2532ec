/**
 * The durable run record and its audit trail. Everything here is plain JSON so any store
 * (memory, DynamoDB) can persist it verbatim.
 */
import type { UserFacingError } from './errors.js';
import type { Mode } from './runbook/types.js';

export type RunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'aborted';
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
/** main: the mode's steps; rollback: compensations in reverse; cleanup: drill cleanup; done. */
export type RunPhase = 'main' | 'rollback' | 'cleanup' | 'done';

export interface StepState {
  /** Step id as written in the runbook. */
  id: string;
  /** Which list the step belongs to. Compensations use `compensate:<stepId>` as their key. */
  phase: 'main' | 'cleanup' | 'compensate';
  action: string;
  status: StepStatus;
  /** Current attempt, 1-based; 0 before the first start. */
  attempt: number;
  /**
   * Persisted before the action is called: after a crash, a running step with an intent whose
   * `acknowledged` is false is reconciled by calling `start` again with the same idempotency key.
   */
  intent?: { key: string; at: number; acknowledged: boolean };
  /** Opaque action state between start and poll (e.g. instance ids, command id). */
  handle?: unknown;
  /** When the engine should next look at the step (poll or retry), epoch ms. */
  nextAt?: number;
  startedAt?: number;
  attemptStartedAt?: number;
  endedAt?: number;
  outputs?: Record<string, unknown>;
  error?: UserFacingError;
  /** Approval gate name, for `approval` steps. */
  gate?: string;
  /**
   * Attempts that ended in a throttle (`RetryAfterError`). They count towards `maxAttempts` but
   * not towards backoff growth, so the backoff exponent is `attempt - throttles`.
   */
  throttles?: number;
}

/** The cloud a run acts on, recorded at start. */
export interface RunProvider {
  /** `sim`, `aws`, `alibaba` … (CloudProvider.name). */
  name: string;
  /** Cloud account, when known (AWS account id). */
  account?: string;
  /** Home region of the provider's clients, when known (AWS_REGION). */
  region?: string;
}

export interface RunMeasures {
  objectives: { rtoMs: number; rpoMs: number };
  /** Run start → success of the step marked `rto: end`. */
  rtoMs?: number;
  /** Age of the recovery point used, at declaration time. */
  rpoClaimedMs?: number;
  /** Declaration time − newest RPO marker found on the recovered copy (agent). */
  rpoMeasuredMs?: number;
  durationMs?: number;
}

export interface Run {
  id: string;
  runbook: { name: string; hash: string };
  mode: Mode;
  initiator: string;
  params: Record<string, string>;
  /**
   * The cloud the run was started on (provider name, account, region). Only a process on the same
   * provider advances it or records its approvals. Absent on runs from before this field.
   */
  provider?: RunProvider;
  status: RunStatus;
  phase: RunPhase;
  createdAt: number;
  updatedAt: number;
  endedAt?: number;
  /** Keyed by step key: `<id>` for main steps, `cleanup:<id>`, `compensate:<id>`. */
  steps: Record<string, StepState>;
  measures: RunMeasures;
  abortRequested?: { by: string; at: number; reason?: string };
  /** Where the front end renders the run (Slack channel + message ts, etc.). Opaque to the engine. */
  meta: Record<string, string>;
  /** Optimistic-locking version; every save increments it. */
  version: number;
  /** Sequence number of the last audit event appended. */
  auditSeq: number;
  /**
   * `reverse`: a drill started while the target is live rehearses the way back: its actions see
   * the runbook with source and target swapped (engine/tier/, "After a failover").
   */
  direction?: 'reverse';
  /**
   * The operator's choice on a failover that ended uncommitted: `commit`, or `switch-point` to a
   * new run (`run`). Absent while it waits (front ends then offer Commit / Switch recovery point).
   */
  tierChoice?: { kind: 'committed' | 'switched'; by: string; at: number; run?: string; point?: string };
  /** Name of the per-runbook lock this run holds (failover/failback), if any. */
  lock?: string;
  /**
   * Audit outbox: the events written by the save that stored this copy. They are appended to the
   * audit trail right after the save; whoever loads the run re-appends any that are missing (a
   * crash between the two writes), so events are never lost and keep their order.
   */
  pendingAudit?: AuditEvent[];
}

export type AuditKind =
  | 'run.started'
  | 'run.succeeded'
  | 'run.failed'
  | 'run.aborted'
  | 'run.abort-requested'
  | 'phase.changed'
  | 'step.started'
  | 'step.retrying'
  | 'step.succeeded'
  | 'step.failed'
  | 'step.skipped'
  | 'step.cancelled'
  | 'step.waiting'
  | 'step.note'
  | 'approval.requested'
  | 'approval.recorded'
  | 'approval.refused'
  | 'approval.granted'
  | 'approval.rejected'
  | 'approval.timed-out'
  | 'manual.confirmed'
  | 'tier.committed'
  | 'tier.reprotected'
  | 'tier.point-switch-requested'
  | 'tier.commit-timed-out';

export interface AuditEvent {
  runId: string;
  /** 1-based, gapless per run: the order of events is the order of `seq`. */
  seq: number;
  at: number;
  kind: AuditKind;
  /** Who caused it: a user id, or `drbot` for the engine itself. */
  actor: string;
  stepKey?: string;
  message: string;
  error?: UserFacingError;
  data?: Record<string, unknown>;
}

/** One approval gate's decisions, stored as its own item so approving is one conditional update. */
export interface GateRecord {
  runId: string;
  stepKey: string;
  gate: string;
  required: number;
  approvals: { user: string; at: number }[];
  decision?: { outcome: 'approved' | 'rejected' | 'timed-out'; by: string; at: number; reason?: string };
}

export interface RunSummary {
  id: string;
  runbook: string;
  mode: Mode;
  initiator: string;
  status: RunStatus;
  createdAt: number;
  endedAt?: number;
  measures: RunMeasures;
}

export function summarize(run: Run): RunSummary {
  return {
    id: run.id,
    runbook: run.runbook.name,
    mode: run.mode,
    initiator: run.initiator,
    status: run.status,
    createdAt: run.createdAt,
    endedAt: run.endedAt,
    measures: run.measures,
  };
}

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'aborted'];
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}
