/**
 * Retry decisions. The error decides whether to retry (NonRetryableError never, RetryAfterError
 * after the time it names); the step's `retry` policy decides how often and how long to wait.
 *
 * Choices, documented in ARCHITECTURE.md:
 * - No `retry` policy means one attempt: DR actions change infrastructure, so retrying is opt-in.
 * - Backoff is exponential with EQUAL jitter: half the backoff is fixed, half random. Unlike full
 *   jitter it never collapses to ~0 ms, so retries keep their spacing while still spreading out.
 * - A throttle (RetryAfterError) waits exactly `retryAfterMs`, uses an attempt (bounded by
 *   `maxAttempts`, so a throttled step cannot loop forever) but does not grow the backoff.
 */

import { parseDuration } from '../duration.js';
import { NonRetryableError, RetryAfterError } from '../errors.js';
import type { Random } from '../ports.js';
import type { RetryPolicy } from '../runbook/types.js';

/** What to do after a failed attempt. */
export type RetryDecision =
  | { retry: true; delayMs: number; throttled: boolean }
  | { retry: false; reason: 'non-retryable' | 'attempts-exhausted' };

/** Backoff before attempt `failures + 1`, where `failures` counts non-throttle failures so far. */
export function backoffMs(policy: RetryPolicy, failures: number, random: Random): number {
  const initial = parseDuration(policy.initialInterval);
  const cap = policy.maxInterval ? parseDuration(policy.maxInterval) : Number.POSITIVE_INFINITY;
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(cap, initial * policy.backoffCoefficient ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random.next() * half);
}

export interface AttemptFailure {
  error: unknown;
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** Throttled attempts before this one. */
  throttles: number;
  policy: RetryPolicy | undefined;
}

export function decideRetry(failure: AttemptFailure, random: Random): RetryDecision {
  const { error, attempt, throttles, policy } = failure;
  if (error instanceof NonRetryableError) return { retry: false, reason: 'non-retryable' };
  const maxAttempts = policy?.maxAttempts ?? 1;
  if (attempt >= maxAttempts || !policy) return { retry: false, reason: 'attempts-exhausted' };
  if (error instanceof RetryAfterError) {
    return { retry: true, delayMs: Math.max(0, error.retryAfterMs), throttled: true };
  }
  return { retry: true, delayMs: backoffMs(policy, attempt - throttles, random), throttled: false };
}
