/**
 * Step state changes. Each one updates the step and emits its audit event in the session, so
 * "every transition is audited" holds by construction; the caller commits.
 */
import type { ActionResult } from '../actions/types.js';
import type { UserFacingError } from '../errors.js';
import type { StepState } from '../run.js';
import type { StepSpec } from '../runbook/types.js';
import { idempotencyKey } from './ids.js';
import { recordStepSuccess } from './measures.js';
import type { RunSession } from './session.js';

type DoneMeasures = Extract<ActionResult, { status: 'done' }>['measures'];

function stepOf(s: RunSession, key: string): StepState {
  const step = s.run.steps[key];
  if (!step) throw new Error(`unknown step key ${key}`);
  return step;
}

function label(key: string, spec: StepSpec | undefined): string {
  return spec?.name ? `${spec.name} (${key})` : key;
}

/** pending → running: a new attempt whose intent is saved before the action is called. */
export function beginAttempt(s: RunSession, key: string, spec: StepSpec): StepState {
  const step = stepOf(s, key);
  const now = s.now();
  step.status = 'running';
  step.attempt += 1;
  step.startedAt ??= now;
  step.attemptStartedAt = now;
  step.intent = { key: idempotencyKey(s.run.id, key, step.attempt), at: now, acknowledged: false };
  step.handle = undefined;
  step.nextAt = undefined;
  step.error = undefined;
  s.emit('step.started', {
    stepKey: key,
    message: `Started ${label(key, spec)}${step.attempt > 1 ? ` (attempt ${step.attempt})` : ''}.`,
    data: { action: spec.action, attempt: step.attempt, idempotencyKey: step.intent.key },
  });
  return step;
}

export interface SuccessDetails {
  outputs?: Record<string, unknown>;
  measures?: DoneMeasures;
  actor?: string;
  message?: string;
}

export function succeedStep(
  s: RunSession,
  key: string,
  spec: StepSpec | undefined,
  details: SuccessDetails = {},
): void {
  const step = stepOf(s, key);
  const now = s.now();
  step.status = 'succeeded';
  step.endedAt = now;
  step.outputs = details.outputs ?? {};
  step.nextAt = undefined;
  step.error = undefined;
  if (step.intent) step.intent.acknowledged = true;
  // Only main steps stop the RTO clock: cleanup and compensation are not recovery.
  recordStepSuccess(s.run, step.phase === 'main' ? spec : undefined, now, details.measures);
  s.emit('step.succeeded', {
    actor: details.actor,
    stepKey: key,
    message: details.message ?? `${label(key, spec)} succeeded.`,
    data: Object.keys(step.outputs).length > 0 ? { outputs: step.outputs } : undefined,
  });
}

export function failStep(
  s: RunSession,
  key: string,
  spec: StepSpec | undefined,
  error: UserFacingError,
  actor?: string,
): void {
  const step = stepOf(s, key);
  step.status = 'failed';
  step.endedAt = s.now();
  step.nextAt = undefined;
  step.error = error;
  if (step.intent) step.intent.acknowledged = true;
  s.emit('step.failed', {
    actor,
    stepKey: key,
    message: `${label(key, spec)} failed: ${error.message}`,
    error,
  });
}

export function cancelStep(s: RunSession, key: string, reason: string, actor?: string): void {
  const step = stepOf(s, key);
  step.status = 'cancelled';
  step.endedAt = s.now();
  step.nextAt = undefined;
  if (step.intent) step.intent.acknowledged = true;
  s.emit('step.cancelled', { actor, stepKey: key, message: `${key} cancelled: ${reason}` });
}

export function skipStep(s: RunSession, key: string, reason: string): void {
  const step = stepOf(s, key);
  step.status = 'skipped';
  step.endedAt = s.now();
  s.emit('step.skipped', { stepKey: key, message: `${key} skipped: ${reason}` });
}

/** running → pending with a due time: the next attempt starts at `nextAt`. */
export function scheduleRetry(
  s: RunSession,
  key: string,
  delayMs: number,
  throttled: boolean,
  error: UserFacingError,
): void {
  const step = stepOf(s, key);
  step.status = 'pending';
  step.nextAt = s.now() + delayMs;
  step.intent = undefined;
  step.handle = undefined;
  step.error = error;
  if (throttled) step.throttles = (step.throttles ?? 0) + 1;
  s.emit('step.retrying', {
    stepKey: key,
    message: `${key} attempt ${step.attempt} failed (${error.message}); ${throttled ? 'throttled, ' : ''}retrying in ${Math.round(delayMs)} ms.`,
    error,
    data: { attempt: step.attempt, delayMs, throttled },
  });
}
