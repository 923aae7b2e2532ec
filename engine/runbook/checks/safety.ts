/**
 * Safety by effect (engine/safety/): every step, compensation and cleanup step is checked by what
 * its action declares it does with the step's inputs, never by the action's name.
 * - drill: only the drill rule's effects (engine/safety/rules.ts `drillViolation`);
 * - failover/failback: every production-changing effect dominated by a two-person gate
 *   (engine/safety/dominance.ts `checkDominance`);
 * - an approval's gate is a literal in every mode, and a compensation never launches CUTOVER
 *   (rollbacks run unattended).
 * An input lint cannot evaluate (an expression) is passed as UNKNOWN_INPUT: the worst case.
 * Parameters never choose a safety input (params-safety.ts).
 */
import { type Effect, UNKNOWN_INPUT } from '../../actions/types.js';
import { checkDominance, type StepListName } from '../../safety/dominance.js';
import { changesProduction, describeEffect, drillViolation, effectsOf } from '../../safety/rules.js';
import { formatPath } from '../errors.js';
import type { PathSegment } from '../source.js';
import type { Mode } from '../types.js';
import { type CheckContext, definedModes, type StepRef, stepsOf } from './context.js';
import { checkParamSafety, referencesParams } from './params-safety.js';

/** A step's `with` as lint knows it: any value holding `${{ }}` is UNKNOWN_INPUT. */
export function staticInputs(inputs: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs ?? {}))
    out[key] = JSON.stringify(value)?.includes('${{') ? UNKNOWN_INPUT : value;
  return out;
}

interface Candidate {
  action: string;
  inputs: Record<string, unknown>;
  path: PathSegment[];
  label: string;
}

function candidatesOf(ref: StepRef): Candidate[] {
  const list: Candidate[] = [
    {
      action: ref.step.action,
      inputs: staticInputs(ref.step.with),
      path: ref.path,
      label: ref.list === 'cleanup' ? `cleanup step "${ref.step.id}"` : `step "${ref.step.id}"`,
    },
  ];
  if (ref.step.compensate)
    list.push({
      action: ref.step.compensate.action,
      inputs: staticInputs(ref.step.compensate.with),
      path: [...ref.path, 'compensate'],
      label: `the compensation of step "${ref.step.id}"`,
    });
  return list;
}

/** Where an effect's error points: the input that decides it when there is one. */
function pathFor(candidate: Candidate, effect: Effect): PathSegment[] {
  if (effect.cutover && 'launchType' in candidate.inputs) return [...candidate.path, 'with', 'launchType'];
  return [...candidate.path, 'action'];
}

export function checkSafety(ctx: CheckContext): void {
  const seen = new Set<string>();
  const push = (path: PathSegment[], code: string, message: string, hint: string) => {
    const key = `${code}@${path.join('.')}`;
    if (seen.has(key)) return;
    seen.add(key);
    ctx.issues.push(ctx.source.issue(path, code, message, { hint }));
  };
  for (const mode of definedModes(ctx.doc)) {
    for (const ref of stepsOf(ctx.doc, mode)) {
      checkGateLiteral(ctx, ref, push);
      for (const candidate of candidatesOf(ref)) {
        const spec = ctx.actions.get(candidate.action);
        if (!spec) continue; // UNKNOWN_ACTION is reported by checks/actions.ts
        // a `with` that fails its schema is reported there (the executor still guards the call)
        const withPath = formatPath([...candidate.path, 'with']);
        if (ctx.issues.some((i) => i.severity === 'error' && i.path.startsWith(withPath))) continue;
        const effects = effectsOf(spec, candidate.inputs, mode, ctx.doc.spec);
        if (candidate.path.at(-1) === 'compensate' && effects.some((e) => e.cutover))
          push(
            [...candidate.path, 'action'],
            'COMPENSATE_CUTOVER',
            'a compensation cannot launch CUTOVER',
            'rollbacks run without approval; undo a launch with ec2.terminate instead',
          );
        for (const effect of effects)
          if (mode === 'drill') checkDrillEffect(candidate, effect, push);
          else checkProductionEffect(ctx, mode, ref.list, ref.step.id, candidate, effect, push);
      }
    }
  }
  checkParamSafety(ctx);
}

type Push = (path: PathSegment[], code: string, message: string, hint: string) => void;

function checkDrillEffect(candidate: Candidate, effect: Effect, push: Push): void {
  const violation = drillViolation(effect);
  if (!violation) return;
  push(
    pathFor(candidate, effect),
    violation.code,
    `drill ${candidate.label} (${candidate.action}): ${violation.message} [drill rule]`,
    violation.hint,
  );
}

function checkProductionEffect(
  ctx: CheckContext,
  mode: Mode,
  list: StepListName,
  stepId: string,
  candidate: Candidate,
  effect: Effect,
  push: Push,
): void {
  if (!changesProduction(effect)) return;
  const modeSpec = ctx.doc.spec.modes[mode];
  if (!modeSpec) return;
  const verdict = checkDominance(modeSpec, list, stepId, effect, ctx.doc.spec.approvals);
  if (verdict.ok || !verdict.problem) return;
  // an undeclared gate is reported once, as UNKNOWN_GATE (checks/actions.ts), and an expression
  // gate at the gate (GATE_NOT_LITERAL or PARAM_SAFETY_INPUT)
  if (verdict.problem.code === 'UNKNOWN_GATE' || verdict.problem.code === 'GATE_NOT_LITERAL') return;
  push(
    pathFor(candidate, effect),
    verdict.problem.code,
    `${mode} ${candidate.label} (${candidate.action}) would have ${describeEffect(effect)}, which changes production: ${verdict.problem.message} [two-person rule]`,
    verdict.problem.hint,
  );
}

function checkGateLiteral(ctx: CheckContext, ref: StepRef, push: Push): void {
  if (ctx.actions.get(ref.step.action)?.name !== 'approval') return;
  const gate = ref.step.with?.gate;
  if (typeof gate === 'string' && !gate.includes('${{')) return;
  if (referencesParams(gate)) return; // PARAM_SAFETY_INPUT (params-safety.ts)
  push(
    [...ref.path, 'with', 'gate'],
    'GATE_NOT_LITERAL',
    `approval step "${ref.step.id}" chooses its gate with an expression`,
    'write the gate name literally (e.g. `gate: cutover`): no input may pick which gate opens production',
  );
}
