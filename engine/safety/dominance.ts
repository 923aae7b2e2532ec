/**
 * The failover/failback rule: a production-changing effect must be dominated in the step DAG
 * (its `needs`, transitively) by an approval on a two-person gate. A compensation is dominated
 * by what dominates the step it undoes; a cleanup step only by cleanup steps (cleanup runs even
 * when the main steps never reached their approval).
 */
import type { Effect } from '../actions/types.js';
import type { ApprovalGate, ModeSpec, StepSpec } from '../runbook/types.js';
import { MIN_PRODUCTION_APPROVERS } from './rules.js';

export type StepListName = 'steps' | 'cleanup';

/** Why an approval's gate does not count for a production change; undefined when it does. */
export interface GateProblem {
  code: string;
  message: string;
  hint: string;
}

/** Any `${{` in a gate name makes it computed, whatever the expression. */
function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${{');
}

/** Whether one approval step's gate is a valid two-person gate (for a CUTOVER when `cutover`). */
export function gateProblem(
  approval: StepSpec,
  gates: Readonly<Record<string, ApprovalGate>>,
  cutover: boolean,
): GateProblem | undefined {
  const name = approval.with?.gate;
  if (typeof name !== 'string' || isExpression(name))
    return {
      code: 'GATE_NOT_LITERAL',
      message: `approval step "${approval.id}" chooses its gate with an expression`,
      hint: 'write the gate name literally (e.g. `gate: cutover`): a parameter must never pick which gate opens production',
    };
  const gate = Object.hasOwn(gates, name) ? gates[name] : undefined;
  if (!gate)
    return {
      code: 'UNKNOWN_GATE',
      message: `approval gate "${name}" is not declared`,
      hint: `declare spec.approvals.${name} with required: ${MIN_PRODUCTION_APPROVERS} and excludeInitiator: true`,
    };
  if (!(gate.required >= MIN_PRODUCTION_APPROVERS))
    return {
      code: 'GATE_ONE_PERSON',
      message: `gate "${name}" requires only ${gate.required} approval(s)`,
      hint: `set spec.approvals.${name}.required: ${MIN_PRODUCTION_APPROVERS} or more: production changes need two people`,
    };
  if (gate.excludeInitiator === false)
    return {
      code: 'GATE_INCLUDES_INITIATOR',
      message: `gate "${name}" lets the initiator approve their own run (excludeInitiator: false)`,
      hint: `remove excludeInitiator: false from spec.approvals.${name}: two people other than the initiator must approve`,
    };
  if (cutover && gate.approvers?.users?.includes('*'))
    return {
      code: 'GATE_ANYONE',
      message: `gate "${name}" lets anyone ("*") approve a CUTOVER`,
      hint: `name the approvers of spec.approvals.${name} (groups or user ids), not "*"`,
    };
  return undefined;
}

/**
 * Approval steps that dominate `stepId` in its list: every approval it transitively needs. An
 * approval with a `when` (may be skipped) or `onFailure: continue` (a rejection would not stop
 * the run) does not count.
 */
export function dominatingApprovals(steps: readonly StepSpec[], stepId: string): StepSpec[] {
  const byId = new Map<string, StepSpec>();
  for (const step of steps) if (!byId.has(step.id)) byId.set(step.id, step);
  const start = byId.get(stepId);
  if (!start) return [];
  const seen = new Set<string>();
  const found: StepSpec[] = [];
  const pending = [...(start.needs ?? [])];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = byId.get(id);
    if (!step) continue;
    if (step.action === 'approval' && step.when === undefined && step.onFailure !== 'continue')
      found.push(step);
    pending.push(...(step.needs ?? []));
  }
  return found;
}

export interface DominanceVerdict {
  ok: boolean;
  /** When not ok: the rule code, message and hint. */
  problem?: GateProblem;
}

/** Whether a production-changing effect of `stepId` (in `list` of `mode`) is dominated by a valid gate. */
export function checkDominance(
  modeSpec: Pick<ModeSpec, 'steps' | 'cleanup'>,
  list: StepListName,
  stepId: string,
  effect: Effect,
  gates: Readonly<Record<string, ApprovalGate>>,
): DominanceVerdict {
  const cutover = effect.cutover === true;
  const approvals = dominatingApprovals(modeSpec[list] ?? [], stepId);
  const problems = approvals.map((a) => gateProblem(a, gates, cutover));
  if (problems.some((p) => p === undefined)) return { ok: true };
  const first = problems.find((p) => p !== undefined);
  if (first) return { ok: false, problem: first };
  return {
    ok: false,
    problem: {
      code: cutover ? 'CUTOVER_WITHOUT_APPROVAL' : 'PRODUCTION_WITHOUT_APPROVAL',
      message: 'no two-person approval comes before it',
      hint:
        list === 'cleanup'
          ? 'cleanup runs even when the approval was never reached: move the step into the main steps behind the approval, or make it act on run-owned resources only'
          : `add an approval step on a gate with required: ${MIN_PRODUCTION_APPROVERS} and excludeInitiator: true, and list it (directly or transitively) in the step's needs`,
    },
  };
}
