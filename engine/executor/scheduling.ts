/**
 * The DAG side of the step machine: which spec a step key runs, which keys it waits for, and
 * whether it is ready, blocked, or can never run. Pure functions over the run record, so a
 * resumed worker derives exactly the same schedule from what is stored.
 */
import type { Run, RunPhase, StepState, StepStatus } from '../run.js';
import type { ModeSpec, Runbook, StepSpec } from '../runbook/types.js';

export const CLEANUP_PREFIX = 'cleanup:';
export const COMPENSATE_PREFIX = 'compensate:';

export const TERMINAL_STEP: readonly StepStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];
export function isStepTerminal(status: StepStatus): boolean {
  return TERMINAL_STEP.includes(status);
}

/** A step key with the spec it runs and the keys it needs. */
export interface PlannedStep {
  key: string;
  spec: StepSpec;
  needs: string[];
  phase: StepState['phase'];
}

export function modeOf(runbook: Runbook, mode: Run['mode']): ModeSpec {
  return runbook.spec.modes[mode] ?? { steps: [], cleanup: [] };
}

/** Every step key of the run with its spec; compensations only once rollback created them. */
export function planSteps(run: Run, runbook: Runbook): Map<string, PlannedStep> {
  const mode = modeOf(runbook, run.mode);
  const plan = new Map<string, PlannedStep>();
  for (const spec of mode.steps) plan.set(spec.id, { key: spec.id, spec, needs: spec.needs, phase: 'main' });
  for (const spec of mode.cleanup) {
    const key = CLEANUP_PREFIX + spec.id;
    plan.set(key, { key, spec, needs: spec.needs.map((n) => CLEANUP_PREFIX + n), phase: 'cleanup' });
  }
  const order = rollbackOrder(run, mode);
  order.forEach((id, index) => {
    const main = mode.steps.find((s) => s.id === id);
    if (!main?.compensate) return;
    const key = COMPENSATE_PREFIX + id;
    const spec: StepSpec = {
      id,
      name: `undo ${main.name ?? id}`,
      action: main.compensate.action,
      with: main.compensate.with ?? {},
      needs: [],
      onFailure: 'continue',
      retry: main.retry,
      timeout: main.timeout,
    };
    // Compensations run one at a time, newest completion first: each waits for the previous.
    const previous = order[index - 1];
    plan.set(key, { key, spec, needs: previous ? [COMPENSATE_PREFIX + previous] : [], phase: 'compensate' });
  });
  return plan;
}

/**
 * Main steps to compensate, in reverse completion order. Derived from stored `endedAt`, so
 * every worker computes the same order; ties fall back to reverse declaration order.
 */
export function rollbackOrder(run: Run, mode: ModeSpec): string[] {
  const done = mode.steps
    .map((spec, index) => ({ spec, index, state: run.steps[spec.id] }))
    .filter((s) => s.spec.compensate && s.state?.status === 'succeeded');
  done.sort((a, b) => (b.state?.endedAt ?? 0) - (a.state?.endedAt ?? 0) || b.index - a.index);
  return done.map((s) => s.spec.id);
}

export type Readiness = 'ready' | 'blocked' | 'unreachable';

/**
 * Ready when every need succeeded or was skipped by its `when`; unreachable when a need failed
 * or was cancelled (the step will never run); blocked otherwise. Compensations only need the
 * previous compensation to have ended, whatever its outcome: rollback is best effort.
 */
export function readiness(run: Run, step: PlannedStep): Readiness {
  let blocked = false;
  for (const need of step.needs) {
    const status = run.steps[need]?.status;
    if (status === undefined) return 'unreachable';
    if (step.phase === 'compensate') {
      if (!isStepTerminal(status)) blocked = true;
      continue;
    }
    if (status === 'failed' || status === 'cancelled') return 'unreachable';
    if (status !== 'succeeded' && status !== 'skipped') blocked = true;
  }
  return blocked ? 'blocked' : 'ready';
}

/** Which phase a step key belongs to, as a RunPhase. */
export function phaseOfStep(step: StepState): RunPhase {
  return step.phase === 'compensate' ? 'rollback' : step.phase;
}

/** Steps of the given run phase, in declaration order. */
export function stepsInPhase(run: Run, phase: RunPhase): [string, StepState][] {
  return Object.entries(run.steps).filter(([, step]) => phaseOfStep(step) === phase);
}
