/**
 * The safety rules again at run time (the braces to lint's belt): just before an action's
 * `start`, its effects are evaluated with the step's real inputs, and a call that breaks the
 * mode's rule fails the step with SAFETY_REFUSED before it reaches the cloud. The cloud adapters'
 * run-owned checks stay as a third line. Rules: engine/safety/.
 */
import { NonRetryableError } from '../errors.js';
import { checkDominance } from '../safety/dominance.js';
import { changesProduction, describeEffect, drillViolation, effectsOf } from '../safety/rules.js';
import type { Machine } from './machine.js';
import { modeOf } from './scheduling.js';

function refused(key: string, action: string, message: string, explanation: string, hint: string) {
  return new NonRetryableError(`Refused ${key} (${action}): ${message}.`, {
    code: 'SAFETY_REFUSED',
    explanation,
    action: `Fix the runbook (\`drbot lint\` reports the same rule): ${hint}.`,
    context: { stepKey: key },
  });
}

/** Why the call owed to `key` must not be made, or undefined when its effects are within the rules. */
export function safetyRefusal(
  m: Machine,
  key: string,
  inputs: Readonly<Record<string, unknown>>,
): NonRetryableError | undefined {
  const planned = m.plan.get(key);
  if (!planned) return undefined;
  const { run, runbook } = m.s;
  const action = m.deps.actions.get(planned.spec.action)?.spec;
  const effects = effectsOf(action, inputs, run.mode, runbook.spec);
  for (const effect of effects) {
    if (run.mode === 'drill') {
      const violation = drillViolation(effect);
      if (violation)
        return refused(
          key,
          planned.spec.action,
          violation.message,
          `${violation.code}: a drill never touches production; with its real inputs this call would have ${describeEffect(effect)}.`,
          violation.hint,
        );
      continue;
    }
    if (!changesProduction(effect)) continue;
    const list = planned.phase === 'cleanup' ? 'cleanup' : 'steps';
    const verdict = checkDominance(
      modeOf(runbook, run.mode),
      list,
      planned.spec.id,
      effect,
      runbook.spec.approvals,
    );
    if (!verdict.ok && verdict.problem)
      return refused(
        key,
        planned.spec.action,
        `it would have ${describeEffect(effect)}, which changes production, and ${verdict.problem.message}`,
        `${verdict.problem.code}: in a ${run.mode}, a change to production needs an approval by two people other than the initiator first.`,
        verdict.problem.hint,
      );
  }
  return undefined;
}
