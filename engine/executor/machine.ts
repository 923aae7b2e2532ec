/**
 * The state one `advance` (or one approval click) works on: dependencies, the session holding
 * the run copy, and the step plan derived from the runbook snapshot.
 */
import type { RunPhase, StepState, StepStatus } from '../run.js';
import type { StepSpec } from '../runbook/types.js';
import type { EngineDeps } from './deps.js';
import { type PlannedStep, planSteps, stepsInPhase } from './scheduling.js';
import type { RunSession } from './session.js';

export interface Machine {
  deps: EngineDeps;
  s: RunSession;
  plan: Map<string, PlannedStep>;
  /** Step keys per phase; they only change when rollback adds compensations (replan). */
  keysByPhase: Map<RunPhase, string[]>;
}

export function createMachine(deps: EngineDeps, s: RunSession): Machine {
  return { deps, s, plan: planSteps(s.run, s.runbook), keysByPhase: new Map() };
}

/** Re-derives the plan (needed once compensations exist). */
export function replan(m: Machine): void {
  m.plan = planSteps(m.s.run, m.s.runbook);
  m.keysByPhase.clear();
}

/** The step keys of a phase in declaration order (cached; hot loops read states by key). */
export function phaseKeys(m: Machine, phase: RunPhase = m.s.run.phase): string[] {
  let keys = m.keysByPhase.get(phase);
  if (!keys) {
    keys = stepsInPhase(m.s.run, phase).map(([key]) => key);
    m.keysByPhase.set(phase, keys);
  }
  return keys;
}

/** Whether any step of the phase has one of the statuses; no allocation (called every pass). */
export function phaseHas(
  m: Machine,
  statuses: readonly StepStatus[],
  phase: RunPhase = m.s.run.phase,
): boolean {
  const steps = m.s.run.steps;
  for (const key of phaseKeys(m, phase)) {
    const status = steps[key]?.status;
    if (status !== undefined && statuses.includes(status)) return true;
  }
  return false;
}

/** The steps of a phase in declaration order, read fresh from the run (merges replace states). */
export function phaseSteps(m: Machine, phase: RunPhase = m.s.run.phase): [string, StepState][] {
  const keys = phaseKeys(m, phase);
  const steps = m.s.run.steps;
  const out: [string, StepState][] = [];
  for (const key of keys) {
    const step = steps[key];
    if (step) out.push([key, step]);
  }
  return out;
}

export function specOf(m: Machine, key: string): StepSpec | undefined {
  return m.plan.get(key)?.spec;
}

export function stateOf(m: Machine, key: string): StepState {
  const step = m.s.run.steps[key];
  if (!step) throw new Error(`unknown step key ${key}`);
  return step;
}
