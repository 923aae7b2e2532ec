/**
 * Parameters cannot touch safety: a start parameter (`${{ params.x }}`) may never choose a gate,
 * a side, a launch type, a retention or an approver set (PARAM_SAFETY_INPUT). Everything else a
 * parameter feeds is an ordinary input, and the effect rules answer its worst case.
 */
import { isDuration, parseDuration } from '../../duration.js';
import { MAX_DECLARED_AT_WINDOW_MS } from '../../safety/declared-at.js';
import type { PathSegment } from '../source.js';
import { type CheckContext, definedModes, stepsOf } from './context.js';

/** Step inputs that decide an effect's scope or who approves it. */
export const SAFETY_INPUTS: readonly string[] = ['gate', 'side', 'launchType', 'retention'];

/** Whether a value holds an expression that reads `params` (`${{ params.x }}`, `params['x']` …). */
export function referencesParams(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  for (const match of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g))
    if (/\bparams\b/.test(match[1] ?? '')) return true;
  return false;
}

export function checkParamSafety(ctx: CheckContext): void {
  const refuse = (path: PathSegment[], what: string) =>
    ctx.issues.push(
      ctx.source.issue(path, 'PARAM_SAFETY_INPUT', `a start parameter chooses ${what}`, {
        hint: 'parameters can never touch safety: write the value literally in the runbook (whoever starts a run must not pick the gate, side, launch type, retention or approvers)',
      }),
    );
  for (const mode of definedModes(ctx.doc))
    for (const ref of stepsOf(ctx.doc, mode)) {
      const bodies: [Record<string, unknown> | undefined, PathSegment[]][] = [[ref.step.with, ref.path]];
      if (ref.step.compensate) bodies.push([ref.step.compensate.with, [...ref.path, 'compensate']]);
      for (const [inputs, path] of bodies)
        for (const key of SAFETY_INPUTS)
          if (inputs && referencesParams(inputs[key]))
            refuse([...path, 'with', key], `the ${key} of step "${ref.step.id}"`);
    }
  // declaredAt is built in and bounded (engine/executor/params.ts): a runbook cannot redeclare it,
  // e.g. with a default of 0 that would make every start claim the disaster began in 1970
  if (ctx.doc.spec.params && Object.hasOwn(ctx.doc.spec.params, 'declaredAt'))
    ctx.issues.push(
      ctx.source.issue(
        ['spec', 'params', 'declaredAt'],
        'PARAM_RESERVED',
        'declaredAt is a built-in parameter',
        {
          hint: 'remove it from spec.params: failover and failback accept declaredAt=<time> at start, within spec.declaredAtWindow (default 24h)',
        },
      ),
    );
  const window = ctx.doc.spec.declaredAtWindow;
  if (window !== undefined && isDuration(window) && parseDuration(window) > MAX_DECLARED_AT_WINDOW_MS)
    ctx.issues.push(
      ctx.source.issue(
        ['spec', 'declaredAtWindow'],
        'DECLARED_AT_WINDOW_TOO_LONG',
        `declaredAtWindow ${window} is over 7d`,
        {
          hint: 'declaredAt may go back at most 7 days: set spec.declaredAtWindow to 7d or less (default 24h)',
        },
      ),
    );
  for (const [name, gate] of Object.entries(ctx.doc.spec.approvals ?? {}))
    if (referencesParams(gate.approvers))
      refuse(['spec', 'approvals', name, 'approvers'], `who approves gate "${name}"`);
}
