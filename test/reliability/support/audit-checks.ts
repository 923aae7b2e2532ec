/**
 * What "the audit trail is complete and in order" means, as one function the reliability tests
 * share: seq is gapless from 1 to the run's `auditSeq`, every outbox event reached the trail,
 * time never goes backwards, the run starts with `run.started` and ends with its outcome, and
 * each step's events follow its state machine (started before it succeeded, succeeded once).
 */
import type { RunStore } from '../../../engine/ports.js';
import type { AuditEvent, Run } from '../../../engine/run.js';

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
    if (previous && event.at < previous.at) problems.push(`seq ${event.seq} is earlier than seq ${previous.seq}`);
  });
  if (events.length !== run.auditSeq) problems.push(`${events.length} events for auditSeq ${run.auditSeq}`);
  const seqs = new Set(events.map((e) => e.seq));
  for (const pending of run.pendingAudit ?? []) {
    if (!seqs.has(pending.seq)) problems.push(`outbox event ${pending.seq} never reached the trail`);
  }
  if (events[0]?.kind !== 'run.started') problems.push(`first event is ${events[0]?.kind}`);
  const last = events.at(-1)?.kind;
  if (last !== `run.${run.status}`) problems.push(`last event is ${last}, run is ${run.status}`);
  for (const [key, step] of Object.entries(run.steps)) {
    const mine = events.filter((e) => e.stepKey === key);
    const succeeded = mine.filter((e) => e.kind === 'step.succeeded');
    const firstStart = mine.findIndex((e) => e.kind === 'step.started');
    if (step.status === 'succeeded') {
      if (succeeded.length !== 1) problems.push(`${key} succeeded ${succeeded.length} times in the trail`);
      const succeededAt = mine.findIndex((e) => e.kind === 'step.succeeded');
      if (firstStart < 0 || firstStart > succeededAt) problems.push(`${key} succeeded before it started`);
    }
  }
  return problems;
}
