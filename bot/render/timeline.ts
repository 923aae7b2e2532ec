/**
 * Step timings of one run as a text Gantt chart, with the critical path marked: the chain of
 * `needs` that decided how long the run took. Shared by `timeline <run>` and `drbot report`
 * (which draws the same rows as SVG), so both tell the same story.
 */
import type { Run, StepState } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { duration } from './format.js';
import { stepLabel } from './view.js';

export interface TimelineRow {
  key: string;
  label: string;
  phase: StepState['phase'];
  status: StepState['status'];
  /** Milliseconds from the run's creation. */
  startMs: number;
  endMs: number;
  critical: boolean;
}

/** Rows of every step that started, in start order; the critical path flagged. */
export function timelineRows(run: Run, runbook: Runbook | undefined, now: number): TimelineRow[] {
  const started = Object.entries(run.steps).filter(([, s]) => s.startedAt !== undefined);
  const end = (s: StepState) => (s.endedAt ?? run.endedAt ?? now) - run.createdAt;
  const critical = criticalPath(run, runbook, end);
  return started
    .map(([key, s]) => ({
      key,
      label: stepLabel(key, runbook, run),
      phase: s.phase,
      status: s.status,
      startMs: (s.startedAt ?? run.createdAt) - run.createdAt,
      endMs: end(s),
      critical: critical.has(key),
    }))
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

/**
 * Walks back from the main step that ended last, each time through the need that ended last:
 * that need held the step back, so shortening anything off this chain would not end the run sooner.
 */
export function criticalPath(
  run: Run,
  runbook: Runbook | undefined,
  endOf: (s: StepState) => number,
): Set<string> {
  const specs = new Map((runbook?.spec.modes[run.mode]?.steps ?? []).map((s) => [s.id, s]));
  const main = Object.entries(run.steps).filter(([, s]) => s.phase === 'main' && s.startedAt !== undefined);
  const path = new Set<string>();
  let current = main.reduce<[string, StepState] | undefined>(
    (best, entry) => (!best || endOf(entry[1]) > endOf(best[1]) ? entry : best),
    undefined,
  );
  while (current && !path.has(current[0])) {
    path.add(current[0]);
    const needs = specs.get(current[1].id)?.needs ?? [];
    current = needs
      .map((id) => [id, run.steps[id]] as const)
      .filter((e): e is [string, StepState] => e[1]?.startedAt !== undefined)
      .reduce<[string, StepState] | undefined>(
        (best, entry) => (!best || endOf(entry[1]) > endOf(best[1]) ? entry : best),
        undefined,
      );
  }
  return path;
}

const STATUS_WORD: Record<string, string> = {
  succeeded: 'ok',
  failed: 'FAILED',
  cancelled: 'cancelled',
  skipped: 'skipped',
  running: 'running',
  waiting: 'waiting',
  pending: 'pending',
};

/** `launch      ██████░░░░  +12s  2m10s  ok  ◆` — one line per row, bars scaled to `width`. */
export function ganttText(rows: TimelineRow[], width = 40): string[] {
  if (rows.length === 0) return ['(no step has started yet)'];
  const span = Math.max(1, ...rows.map((r) => r.endMs));
  const labelWidth = Math.min(28, Math.max(...rows.map((r) => [...r.label].length)));
  const lines = rows.map((r) => {
    const from = Math.floor((r.startMs / span) * width);
    const to = Math.max(from + 1, Math.round((r.endMs / span) * width));
    const bar = `${' '.repeat(from)}${(r.critical ? '█' : '▒').repeat(to - from)}${' '.repeat(width - to)}`;
    const label = padTo(r.label, labelWidth);
    const mark = r.critical ? '  ◆ critical path' : '';
    return `${label} │${bar}│ +${duration(r.startMs).padEnd(6)} ${duration(r.endMs - r.startMs).padEnd(6)} ${STATUS_WORD[r.status] ?? r.status}${mark}`;
  });
  return [...lines, `${' '.repeat(labelWidth)} 0${' '.repeat(Math.max(1, width - 1))}${duration(span)}`];
}

function padTo(text: string, width: number): string {
  const chars = [...text];
  if (chars.length > width) return `${chars.slice(0, width - 1).join('')}…`;
  return text + ' '.repeat(width - chars.length);
}
