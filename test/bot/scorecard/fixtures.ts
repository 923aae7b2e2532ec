/** Small run records for scorecard tests: a drill with two steps, timed in minutes. */
import type { Run, RunSummary, StepState } from '../../../engine/run.js';

export const MINUTE = 60_000;
export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0); // a Monday, 09:00 UTC

export function step(
  id: string,
  startMin: number,
  endMin: number,
  status: StepState['status'] = 'succeeded',
): StepState {
  return {
    id,
    phase: 'main',
    action: 'wait',
    status,
    attempt: 1,
    startedAt: T0 + startMin * MINUTE,
    endedAt: T0 + endMin * MINUTE,
  };
}

export interface DrillOptions {
  id: string;
  at: number;
  status?: Run['status'];
  rtoMin?: number;
  rpoMin?: number;
  steps?: Record<string, StepState>;
  runbook?: string;
}

export function drill(options: DrillOptions): Run {
  const shift = options.at - T0;
  const steps = Object.fromEntries(
    Object.entries(options.steps ?? {}).map(([key, s]) => [
      key,
      {
        ...s,
        startedAt: (s.startedAt ?? T0) + shift,
        endedAt: s.endedAt === undefined ? undefined : s.endedAt + shift,
      },
    ]),
  );
  return {
    id: options.id,
    runbook: { name: options.runbook ?? 'app-tier', hash: 'h' },
    mode: 'drill',
    initiator: 'drbot',
    params: {},
    status: options.status ?? 'succeeded',
    phase: 'done',
    createdAt: options.at,
    updatedAt: options.at + 20 * MINUTE,
    endedAt: options.at + 20 * MINUTE,
    steps,
    measures: {
      objectives: { rtoMs: 15 * MINUTE, rpoMs: 60 * MINUTE },
      ...(options.rtoMin === undefined ? {} : { rtoMs: options.rtoMin * MINUTE }),
      ...(options.rpoMin === undefined ? {} : { rpoMeasuredMs: options.rpoMin * MINUTE }),
    },
    meta: {},
    version: 9,
    auditSeq: 20,
  };
}

export function summary(run: Run): RunSummary {
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
