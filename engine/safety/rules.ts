/**
 * The two safety rules, by effect (engine/actions/types.ts `Effect`), shared by lint
 * (engine/runbook/checks/safety.ts) and the executor (engine/executor/safety.ts):
 *
 * - **drill**: only `read`; `create`/`modify`/`stop`/`destroy`/`data` on run-owned resources or
 *   the isolated drill network; `traffic` only on the declared drill record; never a CUTOVER.
 * - **failover / failback**: an effect that changes production (stop, destroy, modify, traffic or
 *   data on the protected side, or a CUTOVER launch) must be dominated in the step DAG by an
 *   approval on a two-person gate (see dominance.ts).
 *
 * Pure: no I/O, no clock. An effect declaration is a function of the step's inputs; an input
 * that is not known (an expression at lint time) is passed as UNKNOWN_INPUT and answered with
 * the worst case by the action.
 */
import type { ActionSpec, Effect, EffectScope, EffectVerb } from '../actions/types.js';
import type { Mode, RunbookSpec } from '../runbook/types.js';

/** A rule violation, named by code, for lint issues and SAFETY_REFUSED alike. */
export interface SafetyViolation {
  code: string;
  effect: Effect;
  message: string;
  hint: string;
}

const DRILL_SCOPES: Record<Exclude<EffectVerb, 'read'>, readonly EffectScope[]> = {
  create: ['run-owned', 'drill-network'],
  modify: ['run-owned', 'drill-network'],
  stop: ['run-owned', 'drill-network'],
  destroy: ['run-owned', 'drill-network'],
  data: ['run-owned', 'drill-network'],
  traffic: ['drill-record'],
};

const DRILL_HINTS: Record<Exclude<EffectVerb, 'read'>, string> = {
  create:
    'drills create only run-owned copies in the isolated drill network: use launchType: TEST with network: drill',
  modify: 'drills never change production: restore a copy (run-owned) and act on that instead',
  stop: 'act only on what the drill launched: `runOwned: true` (not `protected` or named `instances`)',
  destroy:
    'drills delete only what they created: `runOwned: true`; recovery.protect prunes production recovery points, so protect outside drills',
  data: 'commands on production are refused in drills (only the agent’s read-only health and read-mark run there); run them on the drill copies or drop the step',
  traffic:
    'drills switch only the record declared as `spec.dns.drillRecord`: declare it and leave `record` unset (or set it to that record)',
};

/** Names an effect for messages: `effect "destroy on recovery" (recovery points past the retention)`. */
export function describeEffect(effect: Effect): string {
  const name = effect.cutover ? 'CUTOVER' : `${effect.verb} on ${effect.scope}`;
  return `effect "${name}" (${effect.what ?? 'resources'})`;
}

/** The drill rule for one effect: undefined when allowed. */
export function drillViolation(effect: Effect): SafetyViolation | undefined {
  if (effect.cutover)
    return {
      code: 'DRILL_CUTOVER',
      effect,
      message: `a drill cannot have ${describeEffect(effect)}`,
      hint: 'drills launch isolated copies: use launchType: TEST (literally, not an expression)',
    };
  if (effect.verb === 'read') return undefined;
  if (DRILL_SCOPES[effect.verb].includes(effect.scope)) return undefined;
  return {
    code: `DRILL_UNSAFE_${effect.verb.toUpperCase()}`,
    effect,
    message: `a drill may not have ${describeEffect(effect)}`,
    hint: DRILL_HINTS[effect.verb],
  };
}

const CHANGING: ReadonlySet<EffectVerb> = new Set(['stop', 'destroy', 'modify', 'traffic', 'data']);

/** Whether an effect changes production: a CUTOVER, or a change on the protected side. */
export function changesProduction(effect: Effect): boolean {
  return effect.cutover === true || (effect.scope === 'protected' && CHANGING.has(effect.verb));
}

/** An action's effects for these inputs; an action without a declaration has none. */
export function effectsOf(
  action: Pick<ActionSpec, 'effects'> | undefined,
  inputs: Readonly<Record<string, unknown>>,
  mode: Mode,
  spec: RunbookSpec,
): Effect[] {
  return action?.effects ? action.effects(inputs, mode, spec) : [];
}

/** Approvals a production-changing step needs: two distinct people, never the initiator. */
export const MIN_PRODUCTION_APPROVERS = 2;
