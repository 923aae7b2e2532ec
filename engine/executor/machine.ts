/**
 * The state one `advance` (or one approval click) works on: dependencies, the session holding
 * the run copy, the step plan derived from the runbook snapshot, and the scheduling index
 * derived from both (step-index.ts).
 */
import type { RunPhase, StepState, StepStatus } from '../run.js';
import type { StepSpec } from '../runbook/types.js';
import type { EngineDeps } from './deps.js';
import { isGateAction } from './gates.js';
import { type PlannedStep, planSteps, stepsInPhase } from './scheduling.js';
import type { RunSession } from './session.js';
import { StepIndex } from './step-index.js';

export interface Machine {
  deps: EngineDeps;
  s: RunSession;
  plan: Map<string, PlannedStep>;
  /** Step keys per phase; they only change when rollback adds compensations (replan). */
  keysByPhase: Map<RunPhase, string[]>;
  /** Counts and ordered sets of step states, kept up to date from the session's named changes. */
  index: StepIndex;
}

/**
 * Steps whose only possible move is to start (no needs that could fail, no `when`, not a gate):
 * with every concurrency slot taken, a start pass skips them without looking.
 */
export function isSlotOnly(planned: PlannedStep): boolean {
  return planned.needs.length === 0 && planned.spec.when === undefined && !isGateAction(planned.spec.action);
}

function indexOf(s: RunSession, plan: Map<string, PlannedStep>): StepIndex {
  const index = new StepIndex(s.run, plan, { slotOnly: isSlotOnly });
  s.observeSteps((key) => index.markDirty(key));
  return index;
}

export function createMachine(deps: EngineDeps, s: RunSession): Machine {
  const plan = planSteps(s.run, s.runbook);
  return { deps, s, plan, keysByPhase: new Map(), index: indexOf(s, plan) };
}

/** Re-derives the plan and the index (needed once compensations exist: steps were added). */
export function replan(m: Machine): void {
  m.plan = planSteps(m.s.run, m.s.runbook);
  m.keysByPhase.clear();
  m.index = indexOf(m.s, m.plan);
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

/** Whether any step of the phase has one of the statuses (counted by the index). */
export function phaseHas(
  m: Machine,
  statuses: readonly StepStatus[],
  phase: RunPhase = m.s.run.phase,
): boolean {
  for (const status of statuses) if (m.index.count(status, phase) > 0) return true;
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
