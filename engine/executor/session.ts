/**
 * A working copy of one run while the engine changes it. Every change emits its audit events
 * here; `commit` writes them with one version-checked `saveRun` (events in the outbox) and one
 * `appendAudit`, then notifies. That is 2 writes per batch of transitions; only the first is on
 * the critical path of an advance (`deferAudit`).
 */
import { ConflictError } from '../errors.js';
import type { Clock, Notifier, RunChanges, RunStore } from '../ports.js';
import type { AuditEvent, AuditKind, Run, RunPhase, StepStatus } from '../run.js';
import type { Runbook } from '../runbook/types.js';
import {
  type AppendedOutboxes,
  appendEvents,
  type EventFields,
  nextEvent,
  publish,
  recoverOutbox,
  rememberAppendedOutbox,
} from './audit.js';
import { leaseLost } from './errors.js';

export interface SessionDeps {
  store: RunStore;
  clock: Clock;
  notifier: Notifier;
  /** Told when the stored version's whole outbox has been appended (the engine's memory of it). */
  appendedOutboxes?: AppendedOutboxes;
}

export interface SessionOptions {
  /**
   * Set for the lease holder (advance): on a version conflict it merges the few changes others
   * may make while it holds the lease (approvals deciding waiting steps, abort requests, audit
   * events) instead of failing. Called first to confirm the lease is still ours.
   */
  confirmLease?: () => Promise<boolean>;
}

/**
 * Give up merging after this many conflicts in a row: something is writing in a loop. A burst of
 * people clicking (hundreds of approvals and refusals, each one run save) is not a loop, and the
 * lease holder must outlast it rather than fail the advance.
 */
const MAX_MERGES = 500;

export class RunSession {
  private events: AuditEvent[] = [];
  private dirty = false;
  private baseVersion: number;
  private basePhase: RunPhase;
  private baseStatus = new Map<string, StepStatus>();
  /** Step keys, in order, of the stored copy `baseVersion`: a save whose keys differ is written whole. */
  private baseKeys: string[] = [];
  /**
   * Steps changed since the last save, so the store writes only those (RunChanges). A transition
   * names its step in its audit event, so `emit` collects it; changes without an event name it
   * with `touch(key)`. The memory store checks the claim in tests (`checkChanges`).
   */
  private changedSteps = new Set<string>();
  /** Told every step key a change names (the machine's StepIndex, which re-reads those steps). */
  private stepObserver: ((key: string) => void) | undefined;
  /** Audit appends and notifications of earlier commits, in commit order (see `commit`). */
  private trail: Promise<void> = Promise.resolve();
  private trailError: unknown;
  /**
   * Events of earlier commits whose append has not landed yet, in seq order. They stay in the
   * outbox of every save until it has: a save replaces `pendingAudit`, and a crash after a save
   * that dropped them, before their background append, would lose them.
   */
  private unappended: AuditEvent[] = [];
  /** Committed events waiting for the trail, one group per commit (each group is published alone). */
  private queued: AuditEvent[][] = [];

  constructor(
    private readonly deps: SessionDeps,
    readonly run: Run,
    readonly runbook: Runbook,
    private readonly options: SessionOptions = {},
  ) {
    this.baseVersion = run.version;
    this.basePhase = run.phase;
    this.snapshot();
  }

  now(): number {
    return this.deps.clock.now();
  }

  /** Records an audit event for the next commit. */
  emit(kind: AuditKind, fields: EventFields): AuditEvent {
    const event = nextEvent(this.run, this.now(), kind, fields);
    this.events.push(event);
    this.dirty = true;
    if (fields.stepKey !== undefined) this.named(fields.stepKey);
    return event;
  }

  /**
   * Marks a change that has no audit event of its own (e.g. a poll handle), so it is saved; `stepKey`
   * names the step it changed (every step change must be named, or a delta save would drop it).
   */
  touch(stepKey?: string): void {
    this.dirty = true;
    if (stepKey !== undefined) this.named(stepKey);
  }

  /** Names a changed step without asking for a save of its own (it rides with the next one). */
  changedStep(stepKey: string): void {
    this.named(stepKey);
  }

  /** Registers the one observer of named step changes (a newer one replaces it). */
  observeSteps(observer: (key: string) => void): void {
    this.stepObserver = observer;
  }

  private named(stepKey: string): void {
    this.changedSteps.add(stepKey);
    this.stepObserver?.(stepKey);
  }

  get hasChanges(): boolean {
    return this.dirty;
  }

  /**
   * Saves the run (version-checked), appends its events, notifies. No-op without changes.
   *
   * With `deferAudit` (advance), the append and the notification run in the background, chained
   * in commit order, so actions start right after the save: the events are already durable in
   * the run's outbox, which is what the next reader repairs from. `flush` waits for them; a
   * failed append stops the next commit, exactly as an inline failure would have.
   */
  async commit(options: { deferAudit?: boolean } = {}): Promise<void> {
    this.throwTrailError();
    if (!this.dirty) return;
    let saved: RunChanges | undefined;
    for (let merges = 0; ; merges++) {
      this.run.version = this.baseVersion + 1;
      this.run.updatedAt = this.now();
      this.run.pendingAudit =
        this.unappended.length === 0 ? this.events : [...this.unappended, ...this.events];
      try {
        saved = this.changes();
        await this.deps.store.saveRun(this.run, this.baseVersion, saved);
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || !this.options.confirmLease || merges >= MAX_MERGES) {
          this.run.version = this.baseVersion;
          throw err;
        }
        await this.merge();
      }
    }
    this.baseVersion = this.run.version;
    this.basePhase = this.run.phase;
    this.rebase(saved);
    const events = this.events;
    this.events = [];
    this.dirty = false;
    this.changedSteps = new Set();
    if (events.length > 0) {
      this.unappended.push(...events);
      this.queued.push(events);
    }
    this.trail = this.trail.then(() => this.drainTrail());
    if (!options.deferAudit) await this.flush();
  }

  /**
   * Appends every commit queued since the last append in one call (the first commit's append
   * may still be running when the next ones save: one request per page then, not per commit),
   * then notifies per commit, in commit order.
   */
  private async drainTrail(): Promise<void> {
    if (this.trailError !== undefined || this.queued.length === 0) return;
    const groups = this.queued;
    this.queued = [];
    const batch = groups.length === 1 ? (groups[0] as AuditEvent[]) : groups.flat();
    try {
      await appendEvents(this.deps.store, batch);
    } catch (err) {
      this.trailError = err;
      return;
    }
    const appended = new Set(batch);
    this.unappended = this.unappended.filter((event) => !appended.has(event));
    // Every event of the saved version's outbox is in the trail now (a save in flight has not
    // moved baseVersion yet: its version is not vouched for).
    if (this.unappended.length === 0) {
      rememberAppendedOutbox(this.deps.appendedOutboxes, this.run.id, this.baseVersion);
    }
    for (const group of groups) await publish(this.deps.notifier, this.run, group);
  }

  /** Waits for deferred audit appends and notifications; rethrows a failed append. */
  async flush(): Promise<void> {
    await this.trail;
    this.throwTrailError();
  }

  private throwTrailError(): void {
    if (this.trailError === undefined) return;
    const err = this.trailError;
    this.trailError = undefined;
    throw err;
  }

  private snapshot(): void {
    this.baseStatus.clear();
    for (const [key, step] of Object.entries(this.run.steps)) this.baseStatus.set(key, step.status);
    this.baseKeys = Object.keys(this.run.steps);
  }

  /**
   * After a save: the stored statuses are ours. Only the saved delta's steps can have moved, so
   * only they are read again (a full snapshot of 1000 steps per save was ~0.5 ms on the
   * critical path of every wave).
   */
  private rebase(saved: RunChanges | undefined): void {
    if (saved === undefined) {
      this.snapshot();
      return;
    }
    for (const key of saved.steps) {
      const step = this.run.steps[key];
      if (step) this.baseStatus.set(key, step.status);
    }
  }

  /** The delta of this save, or undefined (a whole write) when steps were added or removed. */
  private changes(): RunChanges | undefined {
    const keys = Object.keys(this.run.steps);
    if (keys.length !== this.baseKeys.length) return undefined;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== this.baseKeys[i]) return undefined;
    return { steps: this.changedSteps };
  }

  /**
   * While we hold the lease, others only: decide waiting steps (approve/reject/confirm),
   * request an abort, and append audit events. Anything else means another worker advanced
   * the run, and we must stop rather than overwrite its work.
   */
  private async merge(): Promise<void> {
    const { store } = this.deps;
    if (!(await this.options.confirmLease?.())) throw leaseLost(this.run.id);
    const fresh = await store.getRun(this.run.id);
    if (!fresh || fresh.phase !== this.basePhase) throw leaseLost(this.run.id);
    await recoverOutbox(store, fresh);
    for (const [key, theirs] of Object.entries(fresh.steps)) {
      const before = this.baseStatus.get(key);
      if (before === theirs.status) continue;
      if (before !== 'waiting') throw leaseLost(this.run.id);
      // Their decision comes from the gate item, the same truth we read: take their copy and
      // drop our events about the step, which would repeat theirs.
      this.run.steps[key] = theirs;
      this.named(key);
      this.baseStatus.set(key, theirs.status);
      this.events = this.events.filter((e) => e.stepKey !== key);
    }
    this.run.abortRequested ??= fresh.abortRequested;
    this.run.meta = fresh.meta;
    let seq = fresh.auditSeq;
    for (const event of this.events) event.seq = ++seq;
    this.run.auditSeq = seq;
    this.baseVersion = fresh.version;
    this.baseKeys = Object.keys(fresh.steps);
  }
}
