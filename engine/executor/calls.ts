/**
 * Calling action handlers: the context they get (inputs evaluated, idempotency key), start and
 * poll calls that never reject (errors become outcomes), and applying an outcome to the step.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../actions/types.js';
import { toUserFacing } from '../errors.js';
import { type ExprScope, interpolate } from '../expr/index.js';
import type { StepState } from '../run.js';
import type { Runbook, StepSpec } from '../runbook/types.js';
import { stepError } from './errors.js';
import { type Machine, specOf } from './machine.js';
import { declaredAt } from './measures.js';
import { decideRetry } from './retry.js';
import { failStep, scheduleRetry, succeedStep } from './transitions.js';

export type CallKind = 'start' | 'poll';

export interface CallOutcome {
  key: string;
  attempt: number;
  kind: CallKind;
  result?: ActionResult;
  error?: unknown;
  failed: boolean;
}

/** The expression scope: spec, params and every step's outputs (main steps win on id clashes). */
export function scopeOf(m: Machine): ExprScope {
  const { run, runbook } = m.s;
  const steps: ExprScope['steps'] = {};
  const states = Object.values(run.steps);
  for (const pass of ['main', 'other'] as const) {
    for (const step of states) {
      if ((step.phase === 'main') !== (pass === 'main') || steps[step.id]) continue;
      steps[step.id] = { outputs: step.outputs ?? {}, status: step.status };
    }
  }
  return {
    spec: runbook.spec,
    params: run.params,
    steps,
    run: { id: run.id, mode: run.mode, initiator: run.initiator },
  };
}

/** Whether a step's `with` holds any `${{ }}`: without one, no scope needs building. */
const usesExpressions = new WeakMap<object, boolean>();
export function hasExpressions(spec: StepSpec): boolean {
  const inputs = spec.with ?? {};
  let known = usesExpressions.get(inputs);
  if (known === undefined) {
    known = JSON.stringify(inputs).includes('${{');
    usesExpressions.set(inputs, known);
  }
  return known;
}

/**
 * A handler's own copy of literal inputs (it may change them). Runbook values are JSON data, and
 * a walk of plain objects and arrays copies them ~10× faster than structuredClone (one call per
 * step start and poll); anything else is left to structuredClone, so the result is the same.
 */
function copyInputs(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyInputs);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = copyInputs(item);
  return out;
}

/** Evaluates the step's `with`; expression errors are returned, not thrown. */
export function evaluateInputs(
  spec: StepSpec,
  scope: ExprScope | (() => ExprScope),
): { inputs: Record<string, unknown> } | { error: unknown } {
  if (!hasExpressions(spec)) return { inputs: copyInputs(spec.with ?? {}) as Record<string, unknown> };
  try {
    if (typeof scope === 'function') scope = scope();
    return { inputs: interpolate(spec.with ?? {}, scope) as Record<string, unknown> };
  } catch (error) {
    return { error };
  }
}

export function actionContext(
  m: Machine,
  key: string,
  step: StepState,
  inputs: Record<string, unknown>,
): ActionContext {
  const { s, deps } = m;
  const { run } = s;
  return {
    runId: run.id,
    stepId: step.id,
    stepKey: key,
    attempt: step.attempt,
    idempotencyKey: step.intent?.key ?? `${run.id}:${key}:${step.attempt}`,
    mode: run.mode,
    runbook: run.direction === 'reverse' ? mirrored(s.runbook) : s.runbook,
    initiator: run.initiator,
    params: run.params,
    inputs,
    handle: step.handle,
    // the real start, never the declaredAt parameter: the RPO gate measures against it
    runStartedAt: run.createdAt,
    declaredAt: declaredAt(run),
    now: () => deps.clock.now(),
    note: (message, data) => {
      s.emit('step.note', { stepKey: key, message, data });
    },
  };
}

const mirrors = new WeakMap<Runbook, Runbook>();
/** The runbook seen from the other side: source and target swapped (a reverse drill). */
export function mirrored(runbook: Runbook): Runbook {
  let found = mirrors.get(runbook);
  if (!found) {
    const { source, target } = runbook.spec;
    found = { ...runbook, spec: { ...runbook.spec, source: target, target: source } };
    mirrors.set(runbook, found);
  }
  return found;
}

/** Calls start or poll; never rejects, so many calls can be awaited together. */
export async function invoke(
  handler: ActionHandler,
  kind: CallKind,
  ctx: ActionContext,
): Promise<CallOutcome> {
  const base = { key: ctx.stepKey, attempt: ctx.attempt, kind };
  try {
    const call = kind === 'poll' && handler.poll ? handler.poll.bind(handler) : handler.start.bind(handler);
    const result = await call(ctx);
    return { ...base, result, failed: false };
  } catch (error) {
    return { ...base, error, failed: true };
  }
}

/** Best-effort cancel of in-flight work; a failing cancel is noted, never fatal. */
export async function cancelAction(m: Machine, key: string, step: StepState): Promise<void> {
  const spec = specOf(m, key);
  const handler = spec ? m.deps.actions.get(spec.action)?.handler : undefined;
  if (!spec || !handler?.cancel) return;
  const evaluated = evaluateInputs(spec, () => scopeOf(m));
  const inputs = 'inputs' in evaluated ? evaluated.inputs : {};
  try {
    await handler.cancel(actionContext(m, key, step, inputs));
  } catch (err) {
    m.s.emit('step.note', {
      stepKey: key,
      message: `Cancelling ${key} failed: ${toUserFacing(err).message}`,
    });
  }
}

/** Applies what a start/poll returned. Outcomes for a step that moved on (timed out) are dropped. */
export function applyOutcome(m: Machine, outcome: CallOutcome): void {
  const step = m.s.run.steps[outcome.key];
  if (step?.status !== 'running' || step.attempt !== outcome.attempt) return;
  const spec = specOf(m, outcome.key);
  if (outcome.failed || !outcome.result) {
    handleAttemptError(m, outcome.key, step, spec, outcome.error);
    return;
  }
  const result = outcome.result;
  if (result.status === 'done') {
    succeedStep(m.s, outcome.key, spec, { outputs: result.outputs, measures: result.measures });
    return;
  }
  if (step.intent) step.intent.acknowledged = true;
  step.handle = result.handle;
  step.nextAt = m.s.now() + Math.max(0, result.pollAfterMs);
  m.s.touch(outcome.key);
}

export function handleAttemptError(
  m: Machine,
  key: string,
  step: StepState,
  spec: StepSpec | undefined,
  error: unknown,
): void {
  const user = toUserFacing(error);
  const decision = decideRetry(
    { error, attempt: step.attempt, throttles: step.throttles ?? 0, policy: spec?.retry },
    m.deps.random,
  );
  if (decision.retry) {
    scheduleRetry(m.s, key, decision.delayMs, decision.throttled, user);
    return;
  }
  failStep(m.s, key, spec, user);
}

/** The handler for a step, or the reason it has none (unknown or engine-native action). */
export function handlerFor(m: Machine, spec: StepSpec): ActionHandler | Error {
  const action = m.deps.actions.get(spec.action);
  if (action?.handler) return action.handler;
  return stepError(
    'ACTION_NOT_AVAILABLE',
    `Action ${spec.action} has no handler in this deployment.`,
    action ? 'The action is registered without an implementation.' : 'The action is not registered.',
    'Check the action name in the runbook and that the adapters for it are configured.',
  );
}
