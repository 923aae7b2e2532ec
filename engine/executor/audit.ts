/**
 * Audit trail plumbing. Events get their gapless `seq` from `run.auditSeq` when emitted, travel
 * in the run's outbox (`pendingAudit`) with the save that caused them, and are appended to the
 * trail right after it. A crash between the two writes is repaired by `recoverOutbox` on the
 * next load, so events are never lost and never reordered.
 */
import { ConflictError, type UserFacingError } from '../errors.js';
import type { Notifier, RunStore } from '../ports.js';
import type { AuditEvent, AuditKind, Run } from '../run.js';

/** What a caller says about an event; the builder adds run id, seq and time. */
export interface EventFields {
  /** Who caused it. @default 'drbot' */
  actor?: string;
  stepKey?: string;
  message: string;
  error?: UserFacingError;
  data?: Record<string, unknown>;
}

/** The engine's own actor name in the audit trail. */
export const ENGINE_ACTOR = 'drbot';

/** Builds the next event of `run`, consuming one sequence number. */
export function nextEvent(run: Run, at: number, kind: AuditKind, fields: EventFields): AuditEvent {
  run.auditSeq += 1;
  const event: AuditEvent = {
    runId: run.id,
    seq: run.auditSeq,
    at,
    kind,
    actor: fields.actor ?? ENGINE_ACTOR,
    message: fields.message,
  };
  if (fields.stepKey !== undefined) event.stepKey = fields.stepKey;
  if (fields.error !== undefined) event.error = fields.error;
  if (fields.data !== undefined) event.data = fields.data;
  return event;
}

/**
 * Appends events, tolerating ones already written (a retried append, or a recovered outbox):
 * on a duplicate it reads the trail and writes only what is missing. Returns what it wrote.
 */
export async function appendEvents(store: RunStore, events: AuditEvent[]): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  try {
    await store.appendAudit(events);
    return events;
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    return appendMissing(store, events);
  }
}

async function appendMissing(store: RunStore, events: AuditEvent[]): Promise<AuditEvent[]> {
  const first = events[0];
  if (!first) return [];
  const firstSeq = Math.min(...events.map((e) => e.seq));
  const written = new Set((await store.listAudit(first.runId, firstSeq - 1)).map((e) => e.seq));
  const missing = events.filter((e) => !written.has(e.seq));
  for (const event of missing) {
    try {
      await store.appendAudit([event]);
    } catch (err) {
      // Someone else wrote it in the meantime: that is the outcome we wanted.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  return missing;
}

/**
 * Run id → the stored version whose whole outbox this process has appended itself (a version is
 * written once, by one version-checked save, so its outbox never changes). A load of exactly that
 * version has nothing to repair; any other version (someone saved since, or our append failed)
 * is checked against the trail.
 */
export type AppendedOutboxes = Map<string, number>;

/** Runs remembered per engine: the ones it advanced lately. */
const OUTBOXES_KEPT = 1000;

export function rememberAppendedOutbox(
  known: AppendedOutboxes | undefined,
  runId: string,
  version: number,
): void {
  if (!known) return;
  known.delete(runId);
  if (known.size >= OUTBOXES_KEPT) known.delete(known.keys().next().value as string);
  known.set(runId, version);
}

/**
 * Re-appends outbox events a crashed writer saved with the run but never appended. One read in
 * the normal case (everything already there), none when this process appended that very outbox.
 */
export async function recoverOutbox(
  store: RunStore,
  run: Run,
  known?: AppendedOutboxes,
): Promise<AuditEvent[]> {
  const outbox = run.pendingAudit ?? [];
  if (outbox.length === 0 || known?.get(run.id) === run.version) return [];
  const firstSeq = Math.min(...outbox.map((e) => e.seq));
  const written = new Set((await store.listAudit(run.id, firstSeq - 1)).map((e) => e.seq));
  const missing = outbox.filter((e) => !written.has(e.seq));
  return missing.length === 0 ? [] : appendEvents(store, missing);
}

/** Hands events to the front ends. A notifier failure must never fail the run: it is swallowed. */
export async function publish(notifier: Notifier, run: Run, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await notifier.publish(run, events);
  } catch {
    // The trail is already durable; front ends catch up from `listAudit`.
  }
}
