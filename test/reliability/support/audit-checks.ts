/**
 * What "the audit trail is complete and in order" means, as one function the reliability tests
 * share: seq is gapless from 1 to the run's `auditSeq`, every outbox event reached the trail,
 * time never goes backwards, the run starts with `run.started` and ends once, with its outcome, and
 * each step's events follow its state machine (started or waiting before it succeeded, succeeded
 * once).
 */
import type { RunStore } from '../../../engine/ports.js';
import type { AuditEvent, AuditKind, Run } from '../../../engine/run.js';

/** How a step begins: an action starts; a gate asks for approval or confirmation. */
const STARTS: AuditKind[] = ['step.started', 'approval.requested', 'step.waiting'];
const RUN_ENDS: AuditKind[] = ['run.succeeded', 'run.failed', 'run.aborted'];
/**
 * A click counted on the gate item just before another decided it is saved to the run after
 * the decision, so it may land after the run's end event (seq is commit order, not click order).
 */
const CLICKS_AFTER_END: AuditKind[] = ['approval.recorded', 'approval.refused'];

/** Problems found in one run's trail; empty when the trail is complete and ordered. */
export async function auditProblems(store: RunStore, run: Run): Promise<string[]> {
  const events = await store.listAudit(run.id);
  return trailProblems(run, events);
}

export function trailProblems(run: Run, events: AuditEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((event, index) => {
    if (event.seq !== index + 1) problems.push(`event #${index + 1} has seq ${event.seq}`);
    const previous = events[index - 1];
    if (previous && event.at < previous.at)
      problems.push(`seq ${event.seq} is earlier than seq ${previous.seq}`);
  });
  if (events.length !== run.auditSeq) problems.push(`${events.length} events for auditSeq ${run.auditSeq}`);
  const seqs = new Set(events.map((e) => e.seq));
  for (const pending of run.pendingAudit ?? []) {
    if (!seqs.has(pending.seq)) problems.push(`outbox event ${pending.seq} never reached the trail`);
  }
  if (events[0]?.kind !== 'run.started') problems.push(`first event is ${events[0]?.kind}`);
  const ends = events.filter((e) => RUN_ENDS.includes(e.kind));
  if (ends.length !== 1 || ends[0]?.kind !== `run.${run.status}`) {
    problems.push(`run end events ${ends.map((e) => e.kind).join(', ') || 'none'}, run is ${run.status}`);
  }
  const end = events.indexOf(ends[0] as AuditEvent);
  for (const late of events.slice(end + 1)) {
    if (!CLICKS_AFTER_END.includes(late.kind))
      problems.push(`${late.kind} (seq ${late.seq}) after the run ended`);
  }
  for (const [key, step] of Object.entries(run.steps)) {
    const mine = events.filter((e) => e.stepKey === key);
    const succeeded = mine.filter((e) => e.kind === 'step.succeeded');
    const firstStart = mine.findIndex((e) => STARTS.includes(e.kind));
    if (step.status === 'succeeded') {
      if (succeeded.length !== 1) problems.push(`${key} succeeded ${succeeded.length} times in the trail`);
      const succeededAt = mine.findIndex((e) => e.kind === 'step.succeeded');
      if (firstStart < 0 || firstStart > succeededAt) problems.push(`${key} succeeded before it started`);
    }
  }
  return problems;
}
