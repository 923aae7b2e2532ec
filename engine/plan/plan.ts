/**
 * The execution plan of a runbook mode, computed without acting: dependency levels, the critical
 * path, approval gates, mutating steps, rollback and cleanup. `drbot plan --json` prints this
 * object verbatim, so its shape is a stable contract: add fields, never rename or remove them.
 */
import { ACTION_SPECS } from '../actions/catalogue.js';
import type { ActionSpec } from '../actions/types.js';
import { parseDuration } from '../duration.js';
import { modeObjectives } from '../runbook/objectives.js';
import type { Mode, OnFailure, Principals, Runbook, StepSpec } from '../runbook/types.js';
import { estimateStepMs } from './estimates.js';

export interface PlanStep {
  id: string;
  name?: string;
  action: string;
  /** 0 for steps without needs; otherwise one more than the deepest step it needs. */
  level: number;
  needs: string[];
  when?: string;
  timeout?: string;
  estimateMs: number;
  /** Acts on infrastructure (launch, stop, DNS …). */
  mutating: boolean;
  onFailure: OnFailure;
  retry?: { maxAttempts: number };
  /** The RTO clock stops when this step succeeds. */
  rtoEnd: boolean;
  /** For approval steps: the gate waited on. */
  gate?: string;
  /** For ec2.launch: TEST or CUTOVER (or the expression that decides). */
  launchType?: string;
  /** The action that undoes this step in a rollback. */
  compensate?: string;
}

export interface PlanGate {
  gate: string;
  step: string;
  required: number;
  excludeInitiator: boolean;
  approvers: { users: string[]; groups: string[] };
  timeout?: string;
  description?: string;
}

export interface PlanPhase {
  /** Step ids per dependency level; the steps of one level may run in parallel. */
  levels: string[][];
  steps: PlanStep[];
  /** The longest chain of dependent steps by estimate. */
  criticalPath: { steps: string[]; estimateMs: number };
}

export interface Plan {
  runbook: { name: string; file: string; hash: string; description?: string };
  mode: Mode;
  /** Where instances come from and where they are recovered (failback reverses spec.source/target). */
  direction: { from: string; to: string };
  /** The mode's objectives (`overriddenBy`: the mode's own `spec.objectives.<mode>` set them). */
  objectives: { rto: string; rpo: string; rtoMs: number; rpoMs: number; overriddenBy?: Mode };
  /** Estimated time to the `rto: end` step, and whether it fits the RTO objective. */
  rto: { endStep?: string; estimateMs?: number; withinObjective?: boolean };
  main: PlanPhase;
  gates: PlanGate[];
  /** Ids of main and cleanup steps that change infrastructure. */
  mutating: string[];
  /** Compensations a rollback would run, in the order it runs them (reverse of completion). */
  rollback: { step: string; action: string }[];
  /** Always runs after the main steps, on success, failure or abort. */
  cleanup: PlanPhase;
}

export interface PlanOptions {
  /** Actions consulted for `mutating`. @default ACTION_SPECS */
  actions?: ActionSpec[];
}

export function planRun(runbook: Runbook, mode: Mode, options: PlanOptions = {}): Plan {
  const modeSpec = runbook.spec.modes[mode];
  if (!modeSpec) throw new RangeError(`runbook ${runbook.metadata.name} has no ${mode} mode`);
  const actions = new Map((options.actions ?? ACTION_SPECS).map((spec) => [spec.name, spec]));
  const main = planPhase(modeSpec.steps, actions);
  const cleanup = planPhase(modeSpec.cleanup, actions);
  const { source, target } = runbook.spec;
  const objectives = modeObjectives(runbook.spec, mode);
  const direction =
    mode === 'failback'
      ? { from: target.region, to: source.region }
      : { from: source.region, to: target.region };
  const rtoMs = parseDuration(objectives.rto);
  const endStep = main.steps.find((step) => step.rtoEnd);
  const rtoEstimate = endStep ? longestPathTo(endStep.id, main.steps) : undefined;
  return {
    runbook: {
      name: runbook.metadata.name,
      file: runbook.file,
      hash: runbook.hash,
      ...(runbook.metadata.description ? { description: runbook.metadata.description } : {}),
    },
    mode,
    direction,
    objectives: {
      rto: objectives.rto,
      rpo: objectives.rpo,
      rtoMs,
      rpoMs: parseDuration(objectives.rpo),
      ...(objectives.overriddenBy ? { overriddenBy: objectives.overriddenBy } : {}),
    },
    rto: endStep
      ? { endStep: endStep.id, estimateMs: rtoEstimate, withinObjective: (rtoEstimate ?? 0) <= rtoMs }
      : {},
    main,
    gates: [...modeSpec.steps, ...modeSpec.cleanup]
      .filter((step) => step.action === 'approval')
      .map((step) => gateOf(runbook, step)),
    mutating: [...main.steps, ...cleanup.steps].filter((step) => step.mutating).map((step) => step.id),
    rollback: [...main.steps]
      .reverse()
      .filter((step) => step.compensate)
      .map((step) => ({ step: step.id, action: step.compensate as string })),
    cleanup,
  };
}

function gateOf(runbook: Runbook, step: StepSpec): PlanGate {
  const name = String(step.with.gate);
  const gate = runbook.spec.approvals[name];
  const approvers: Principals = gate?.approvers ?? {};
  return {
    gate: name,
    step: step.id,
    required: gate?.required ?? 0,
    excludeInitiator: gate?.excludeInitiator ?? true,
    approvers: { users: [...(approvers.users ?? [])], groups: [...(approvers.groups ?? [])] },
    ...(gate?.timeout ? { timeout: gate.timeout } : {}),
    ...(gate?.description ? { description: gate.description } : {}),
  };
}

function planPhase(steps: readonly StepSpec[], actions: Map<string, ActionSpec>): PlanPhase {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const levelOf = new Map<string, number>();
  const level = (id: string, depth = 0): number => {
    const known = levelOf.get(id);
    if (known !== undefined) return known;
    const step = byId.get(id);
    // depth guard: a loaded runbook has no cycles, but the plan must not hang on one
    const value =
      !step || depth > steps.length
        ? 0
        : step.needs.reduce((max, need) => Math.max(max, level(need, depth + 1) + 1), 0);
    levelOf.set(id, value);
    return value;
  };
  const planned: PlanStep[] = steps.map((step) => planStep(step, level(step.id), actions.get(step.action)));
  const levels: string[][] = [];
  for (const step of planned) {
    levels[step.level] ??= [];
    levels[step.level]?.push(step.id);
  }
  return { levels: levels.filter(Boolean), steps: planned, criticalPath: criticalPath(planned) };
}

function planStep(step: StepSpec, level: number, action: ActionSpec | undefined): PlanStep {
  const launchType = step.action === 'ec2.launch' ? step.with.launchType : undefined;
  return {
    id: step.id,
    ...(step.name ? { name: step.name } : {}),
    action: step.action,
    level,
    needs: [...step.needs],
    ...(step.when ? { when: step.when } : {}),
    ...(step.timeout ? { timeout: step.timeout } : {}),
    estimateMs: estimateStepMs(step),
    mutating: action?.mutating === true,
    onFailure: step.onFailure,
    ...(step.retry ? { retry: { maxAttempts: step.retry.maxAttempts } } : {}),
    rtoEnd: step.rto === 'end',
    ...(step.action === 'approval' ? { gate: String(step.with.gate) } : {}),
    ...(typeof launchType === 'string' ? { launchType } : {}),
    ...(step.compensate ? { compensate: step.compensate.action } : {}),
  };
}

/** Finish time of each step if every step starts as soon as its needs finish. */
function finishTimes(steps: PlanStep[]): Map<string, { at: number; via?: string }> {
  const finish = new Map<string, { at: number; via?: string }>();
  const ordered = [...steps].sort((a, b) => a.level - b.level);
  for (const step of ordered) {
    let start = 0;
    let via: string | undefined;
    for (const need of step.needs) {
      const done = finish.get(need);
      if (done && done.at >= start) {
        start = done.at;
        via = need;
      }
    }
    finish.set(step.id, { at: start + step.estimateMs, ...(via ? { via } : {}) });
  }
  return finish;
}

function chainTo(id: string, finish: Map<string, { at: number; via?: string }>): string[] {
  const chain: string[] = [];
  let current: string | undefined = id;
  while (current !== undefined && !chain.includes(current)) {
    chain.unshift(current);
    current = finish.get(current)?.via;
  }
  return chain;
}

function criticalPath(steps: PlanStep[]): PlanPhase['criticalPath'] {
  const finish = finishTimes(steps);
  let last: string | undefined;
  let longest = 0;
  for (const step of steps) {
    const at = finish.get(step.id)?.at ?? 0;
    if (last === undefined || at > longest) {
      last = step.id;
      longest = at;
    }
  }
  return { steps: last ? chainTo(last, finish) : [], estimateMs: longest };
}

function longestPathTo(id: string, steps: PlanStep[]): number {
  return finishTimes(steps).get(id)?.at ?? 0;
}
