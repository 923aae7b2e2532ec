/**
 * Measured recovery objectives, stored on the run next to the runbook's objectives so a
 * scorecard can compare them: RTO from the disaster declaration to the success of the step
 * marked `rto: end`, RPO as the actions measured it, and the run's total duration.
 */
import type { ActionResult } from '../actions/types.js';
import { parseDuration } from '../duration.js';
import type { Run, RunMeasures } from '../run.js';
import { modeObjectives } from '../runbook/objectives.js';
import type { Mode, Runbook, StepSpec } from '../runbook/types.js';
import { badDeclaredAt } from './errors.js';

/** The run parameter that overrides the declaration time (ISO time or epoch milliseconds). */
export const DECLARED_AT_PARAM = 'declaredAt';

export function initialMeasures(runbook: Runbook, mode: Mode): RunMeasures {
  const { rto, rpo } = modeObjectives(runbook.spec, mode);
  return { objectives: { rtoMs: parseDuration(rto), rpoMs: parseDuration(rpo) } };
}

/** Epoch ms of a `declaredAt` value; throws a user-facing error when it is not a time. */
export function parseDeclaredAt(value: string): number {
  const trimmed = value.trim();
  const at = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isFinite(at)) throw badDeclaredAt(value);
  return at;
}

/** When the disaster was declared: the `declaredAt` param, else the run's creation. */
export function declaredAt(run: Run): number {
  const param = run.params[DECLARED_AT_PARAM];
  return param === undefined ? run.createdAt : parseDeclaredAt(param);
}

/** Applies a successful step: RPO figures from its result, RTO when it is the `rto: end` step. */
export function recordStepSuccess(
  run: Run,
  spec: StepSpec | undefined,
  endedAt: number,
  measures?: Extract<ActionResult, { status: 'done' }>['measures'],
): void {
  // The run's claim is the worst of its steps' claims: the RPO gate's, the launch's (from the
  // points it really launched, maybe older than the gate's), a database restore's.
  if (measures?.rpoClaimedMs !== undefined)
    run.measures.rpoClaimedMs = Math.max(
      run.measures.rpoClaimedMs ?? Number.NEGATIVE_INFINITY,
      measures.rpoClaimedMs,
    );
  if (measures?.rpoMeasuredMs !== undefined) run.measures.rpoMeasuredMs = measures.rpoMeasuredMs;
  if (spec?.rto === 'end' && run.measures.rtoMs === undefined) {
    run.measures.rtoMs = endedAt - declaredAt(run);
  }
}

export function recordRunEnd(run: Run, endedAt: number): void {
  run.measures.durationMs = endedAt - run.createdAt;
}
