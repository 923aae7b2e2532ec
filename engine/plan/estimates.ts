/**
 * How long a step usually takes, for the plan's critical path. Deliberately rough: a plan shows
 * whether the RTO is plausible, not a promise. Each action declares its own typical duration
 * (`typicalDuration` in its module under engine/actions/), so a new action brings its estimate
 * with it; a step's `timeout` caps the estimate.
 */
import { actionModule } from '../actions/catalogue.js';
import { parseDuration } from '../duration.js';
import type { StepSpec } from '../runbook/types.js';

/** Used for actions that declare no typical duration and steps with no timeout. */
export const FALLBACK_ESTIMATE_MS = 60_000;

/** The action's declared typical duration, in ms (undefined when it declares none). */
export function typicalActionMs(action: string): number | undefined {
  const typical = actionModule(action)?.typicalDuration;
  return typical === undefined ? undefined : parseDuration(typical);
}

export function estimateStepMs(step: StepSpec): number {
  const timeout = step.timeout ? parseDuration(step.timeout) : undefined;
  let estimate = typicalActionMs(step.action);
  if (step.action === 'wait' && typeof step.with.duration === 'string') {
    try {
      estimate = parseDuration(step.with.duration);
    } catch {
      // an expression: fall back to the timeout or the default below
    }
  }
  if (estimate === undefined) return timeout ?? FALLBACK_ESTIMATE_MS;
  return timeout === undefined ? estimate : Math.min(estimate, timeout);
}
