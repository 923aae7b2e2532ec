/**
 * Runs in words (`runs`) and one run's history (`timeline`): when it started, how long it took,
 * its mode and outcome spelled out (no `? ~ !` markers to decode at 3 a.m.), then the audit trail
 * and the Gantt chart of its steps.
 */
import { shortId } from '../../engine/executor/ids.js';
import type { AuditEvent, Run, RunSummary } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { describeEvent } from './events.js';
import { type Audience, duration, user, when } from './format.js';
import { ganttText, timelineRows } from './timeline.js';

/** "succeeded", "failed", "aborted", "still running", "waiting on people". */
export function outcomeWords(status: RunSummary['status']): string {
  switch (status) {
    case 'running':
      return 'still running';
    case 'waiting':
      return 'waiting (on people or a poll)';
    default:
      return status;
  }
}

/** The tag every reply and log line carries: `[app-tier 4XQ2B7]`. */
export function runTag(run: { runbook: { name: string } | string; id: string }): string {
  const name = typeof run.runbook === 'string' ? run.runbook : run.runbook.name;
  return `[${name} ${shortId(run.id)}]`;
}

/** `2026-12-01 09:00 UTC · 4m10s · drill of app-tier by alice · succeeded, RTO 3m · run 4XQ2B7` */
export function runLine(r: RunSummary, now: number, audience: Audience): string {
  const started =
    audience === 'text'
      ? `${new Date(r.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : when(r.createdAt, audience);
  const took = duration((r.endedAt ?? now) - r.createdAt);
  const rto = r.measures.rtoMs !== undefined ? `, RTO ${duration(r.measures.rtoMs)}` : '';
  const ongoing = r.endedAt === undefined ? ' so far' : '';
  return `${started} · ${took}${ongoing} · ${r.mode} of ${r.runbook} by ${user(r.initiator, audience)} · ${outcomeWords(r.status)}${rto} · run ${shortId(r.id)}`;
}

/** The audit trail, one line per event: `+1m05s  alice  launch succeeded in 40s`. */
export function trailLines(run: Run, runbook: Runbook | undefined, audit: AuditEvent[]): string[] {
  return audit.map((event) => {
    const line = describeEvent(event, run, runbook, 'text');
    const text = line ? `${line.icon} ${line.text}` : event.message;
    return `+${duration(event.at - run.createdAt).padEnd(7)} ${event.actor.padEnd(8)} ${text}`;
  });
}

export function timelineText(
  run: Run,
  runbook: Runbook | undefined,
  audit: AuditEvent[],
  now: number,
): string[] {
  const rows = timelineRows(run, runbook, now);
  return [
    `Timeline ${runTag(run)} ${run.mode} by ${run.initiator} · ${outcomeWords(run.status)} · run ${run.id}`,
    '',
    'Steps (█ = critical path: the chain that decided the duration):',
    ...ganttText(rows),
    '',
    'Audit trail:',
    ...trailLines(run, runbook, audit),
  ];
}
