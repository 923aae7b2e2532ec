/**
 * `declaredAt` (when a real disaster was declared; RTO is measured from it) is bounded: only
 * failover and failback, only in the past, at most `spec.declaredAtWindow` back (default 24h,
 * never more than 7d). It never feeds the RPO gate, which measures against the run's real start.
 */
import { isDuration, parseDuration } from '../duration.js';
import type { Runbook } from '../runbook/types.js';

export const DEFAULT_DECLARED_AT_WINDOW_MS = 24 * 3_600_000;
export const MAX_DECLARED_AT_WINDOW_MS = 7 * 24 * 3_600_000;

/** How far back declaredAt may go for this runbook. */
export function declaredAtWindowMs(runbook: Pick<Runbook, 'spec'>): number {
  const text = runbook.spec.declaredAtWindow;
  const ms = text && isDuration(text) ? parseDuration(text) : DEFAULT_DECLARED_AT_WINDOW_MS;
  return Math.min(ms, MAX_DECLARED_AT_WINDOW_MS);
}
