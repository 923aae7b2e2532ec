/**
 * Identifiers. Run ids are ULIDs (sortable by time, so "newest first" is a key order), built
 * from the injected Clock and Random so tests get the same ids on every run.
 */
import { monotonicFactory } from 'ulid';
import type { Clock, Random } from '../ports.js';

/** Returns a function that makes a new ULID at the clock's current time on every call. */
export function createIdFactory(clock: Clock, random: Random): () => string {
  const next = monotonicFactory(() => random.next());
  return () => next(clock.now());
}

/** A worker identity for leases when the caller gives none: unique per engine instance. */
export function randomOwner(random: Random): string {
  let suffix = '';
  for (let i = 0; i < 10; i++) suffix += Math.floor(random.next() * 36).toString(36);
  return `worker-${suffix}`;
}

/** The idempotency key of one attempt; actions pass it to the cloud as the idempotency token. */
export function idempotencyKey(runId: string, stepKey: string, attempt: number): string {
  return `${runId}:${stepKey}:${attempt}`;
}
