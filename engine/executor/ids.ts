/**
 * Identifiers. Run ids are ULIDs (sortable by time, so "newest first" is a key order), built
 * from the injected Clock and an injected entropy source. People shorten ids to their last
 * characters, which are the random part: the front ends inject a per-process source there
 * (`EngineOptions.idEntropy`), so two runs with the same seed never share a tail.
 */
import { monotonicFactory } from 'ulid';
import type { Clock, Random } from '../ports.js';

/** Returns a function that makes a new ULID at the clock's current time on every call. */
export function createIdFactory(clock: Clock, entropy: Random): () => string {
  const next = monotonicFactory(() => entropy.next());
  return () => next(clock.now());
}

/** The short form people type and every reply shows: the id's random tail. */
export const SHORT_ID_LENGTH = 6;

export function shortId(runId: string): string {
  return runId.slice(-SHORT_ID_LENGTH);
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
