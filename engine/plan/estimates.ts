/**
 * How long each action usually takes, for the plan's critical path. Deliberately rough: a plan
 * shows whether the RTO is plausible, not a promise. A step's `timeout` caps the estimate.
 */
import { parseDuration } from '../duration.js';
import type { StepSpec } from '../runbook/types.js';

const MINUTE = 60_000;

/** Typical duration per action, in ms. Human steps (approval, manual) assume a responsive on-call. */
export const ACTION_ESTIMATES_MS: Readonly<Record<string, number>> = {
  approval: 5 * MINUTE,
  manual: 10 * MINUTE,
  notify: 5_000,
  'recovery.latestPoint': 30_000,
  'recovery.protect': 10 * MINUTE,
  'ec2.launch': 5 * MINUTE,
  'ec2.waitHealthy': 3 * MINUTE,
  'ec2.stop': 2 * MINUTE,
  'ec2.start': 2 * MINUTE,
  'ec2.terminate': 2 * MINUTE,
  'ssm.runCommand': 2 * MINUTE,
  'dns.switch': MINUTE,
  'agent.install': 3 * MINUTE,
  'agent.health': MINUTE,
  'agent.freeze': 10_000,
  'agent.thaw': 10_000,
  'agent.measureRpo': 30_000,
};

/** Used for actions with neither a table entry nor a timeout. */
export const FALLBACK_ESTIMATE_MS = MINUTE;

export function estimateStepMs(step: StepSpec): number {
  const timeout = step.timeout ? parseDuration(step.timeout) : undefined;
  let estimate = ACTION_ESTIMATES_MS[step.action];
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
