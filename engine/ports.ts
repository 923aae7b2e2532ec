/**
 * The engine's ports. The core depends only on these interfaces; adapters (memory, DynamoDB,
 * sim, AWS, Slack) implement them and are injected, so tests run on a fake clock with no network.
 */
import { canonicalUser } from './identity.js';
import type { AuditEvent, GateRecord, Run, RunSummary } from './run.js';
import type { Mode, Principals } from './runbook/types.js';
import type { TierState } from './tier/types.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

export type LockResult = { acquired: true } | { acquired: false; holder: string };

export type ApprovalWrite =
  | { counted: true; gate: GateRecord; opened: boolean }
  | { counted: false; reason: 'already-approved' | 'gate-closed'; gate: GateRecord };

export interface ListRunsQuery {
  runbook?: string;
  mode?: Mode;
  /** @default 20 */
  limit?: number;
}

/**
 * What a save changed since the version it replaces, so a store can write a delta (issue #20):
 * the executor's session collects it from its transitions (engine/executor/session.ts).
 */
export interface RunChanges {
  /**
   * Keys of the steps that may differ from the stored copy. No step was added or removed (the
   * session sends no `changes` then), so a step's position in `run.steps` is the stored one.
   */
  steps: ReadonlySet<string>;
}

/**
 * Durable state. Every mutation is a single-item conditional write (dynalite has no
 * transactions, and single-item conditions are the right pattern anyway).
 */
export interface RunStore {
  /** Creates the run; ConflictError when the id exists. */
  createRun(run: Run): Promise<void>;
  getRun(runId: string): Promise<Run | undefined>;
  /**
   * Replaces the run when the stored version equals `expectedVersion`; the caller has already set
   * `run.version = expectedVersion + 1`. Throws ConflictError otherwise. With `changes`, the store
   * may write only those steps (and the rest of the run): the caller vouches that every other
   * step equals the stored copy of `expectedVersion`. Either way the save is all or nothing.
   */
  saveRun(run: Run, expectedVersion: number, changes?: RunChanges): Promise<void>;
  /** Newest first. */
  listRuns(query: ListRunsQuery): Promise<RunSummary[]>;

  /** Appends events; each (runId, seq) is written at most once (ConflictError on a duplicate). */
  appendAudit(events: AuditEvent[]): Promise<void>;
  /** Events in `seq` order, optionally only those after `afterSeq`. */
  listAudit(runId: string, afterSeq?: number): Promise<AuditEvent[]>;

  /** Takes or renews the run's lease when free, expired, or already ours. */
  acquireLease(runId: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(runId: string, owner: string): Promise<void>;

  /** Per-runbook exclusive lock (failover/failback). Re-acquiring with the same holder succeeds. */
  acquireLock(name: string, holder: string, now: number): Promise<LockResult>;
  releaseLock(name: string, holder: string): Promise<void>;

  /** Creates the gate item if absent and returns the stored one. */
  openGate(gate: GateRecord): Promise<GateRecord>;
  getGate(runId: string, stepKey: string): Promise<GateRecord | undefined>;
  /**
   * One conditional update: adds `user` unless already there or the gate is decided. When the
   * approvals reach `required`, exactly one caller sees `opened: true` (it wrote the decision).
   */
  recordApproval(runId: string, stepKey: string, user: string, at: number): Promise<ApprovalWrite>;
  /** Writes a reject / timeout decision unless the gate is already decided. */
  decideGate(
    runId: string,
    stepKey: string,
    decision: NonNullable<GateRecord['decision']>,
  ): Promise<{ applied: boolean; gate: GateRecord }>;

  /** The tier state of one runbook (engine/tier/), or undefined before its first write. */
  getTier(runbook: string): Promise<TierState | undefined>;
  /**
   * Writes the tier state when the stored version equals `expectedVersion` (0: none stored yet);
   * the caller has already set `tier.version = expectedVersion + 1`. Throws ConflictError
   * `TIER_VERSION_CONFLICT` otherwise, so of two writers racing from one version exactly one wins.
   */
  saveTier(tier: TierState, expectedVersion: number): Promise<void>;

  /** Small JSON documents: runbook snapshots, sim state, mappings, Slack message refs. */
  getDoc<T>(kind: string, id: string): Promise<T | undefined>;
  putDoc<T>(kind: string, id: string, doc: T): Promise<void>;
}

/** Receives audit events after they are persisted; front ends render them. Must not throw. */
export interface Notifier {
  publish(run: Run, events: AuditEvent[]): Promise<void>;
}

/** Resolves user groups to members (Slack user groups in production). */
export interface Directory {
  membersOf(group: string): Promise<string[]>;
}

/** True when `user` is listed, `*` is listed, or the user is in one of the groups (canonical ids). */
export async function isAllowed(
  user: string,
  who: Principals | undefined,
  directory: Directory,
): Promise<boolean> {
  if (!who) return false;
  const me = canonicalUser(user);
  if (who.users?.some((u) => u === '*' || canonicalUser(u) === me)) return true;
  for (const group of who.groups ?? []) {
    if ((await directory.membersOf(group)).some((u) => canonicalUser(u) === me)) return true;
  }
  return false;
}

/**
 * Event-driven wake-ups: a finished cloud operation (an instance running, a snapshot copied, a
 * command done) wakes the run that owns it, so the run does not wait for its next poll. The local
 * driver implements it in process; on AWS an EventBridge rule puts a message on the work queue
 * (bot/lambda/events.ts). Polls stay the fallback: a lost wake-up only costs the poll interval,
 * and a duplicate or late one is an `advance` that finds nothing new (idempotent under the lease).
 */
export interface Waker {
  /** `reason` says what finished (`ec2:running i-0abc`), for logs; it changes nothing. */
  wake(runId: string, reason: string): void;
}

/** Calls `fn` once the clock reaches `at`; returns a cancel function (FakeClock, realTimers). */
export interface Timers {
  at(at: number, fn: () => void): () => void;
}
