/**
 * Live progress for terminal runs: one line per audit event, timed from the run's start in the
 * run's own clock (sim time under `--fast`), and a closing summary with the measured RTO/RPO.
 */
import { formatDuration } from '../../engine/duration.js';
import type { Notifier } from '../../engine/ports.js';
import type { AuditEvent, Run } from '../../engine/run.js';

export function formatEvent(run: Pick<Run, 'createdAt'>, event: AuditEvent): string {
  const at = `+${formatDuration(Math.max(0, event.at - run.createdAt))}`.padEnd(7);
  const step = event.stepKey ? ` ${event.stepKey}` : '';
  const actor = event.actor !== 'drbot' ? ` (@${event.actor})` : '';
  // The engine's message often already quotes the error; say each sentence once.
  const error =
    event.error && !event.message.includes(event.error.message) ? ` — ${event.error.message}` : '';
  return `${at} ${event.kind}${step}${actor}: ${event.message}${error}`;
}

/** A Notifier that writes every event as a line; it never throws (the Notifier contract). */
export function lineNotifier(write: (line: string) => void): Notifier {
  return {
    publish(run, events) {
      try {
        for (const event of events) write(formatEvent(run, event));
      } catch {
        // progress output must never break a run
      }
      return Promise.resolve();
    },
  };
}

const ms = (value: number | undefined) => (value === undefined ? '—' : formatDuration(value));

/** The closing lines: status, measures against objectives, and the failed steps' errors. */
export function formatSummary(run: Run): string[] {
  const m = run.measures;
  const lines = [
    `Run ${run.id} (${run.mode} ${run.runbook.name}) ${run.status.toUpperCase()}`,
    `  RTO ${ms(m.rtoMs)} (objective ${ms(m.objectives.rtoMs)}) · RPO claimed ${ms(m.rpoClaimedMs)}, measured ${ms(m.rpoMeasuredMs)} (objective ${ms(m.objectives.rpoMs)}) · duration ${ms(m.durationMs)}`,
  ];
  for (const [key, step] of Object.entries(run.steps)) {
    if (step.status !== 'failed' || !step.error) continue;
    lines.push(`  ✗ ${key}: ${step.error.message}`);
    lines.push(`    why: ${step.error.explanation}`);
    lines.push(`    next: ${step.error.action}`);
  }
  return lines;
}
