/**
 * Helpers for effect declarations (ActionSpec.effects): which scope a `side` input means, with
 * an unknown input (UNKNOWN_INPUT, an expression at lint time) answered as the worst case.
 */
import type { EffectScope } from '../types.js';

/**
 * The scope of a `side` input: `protected` for `side: protected` or an unknown value (the worst
 * case), `recovery` for `side: recovery`, `fallback` when the step gives no side.
 */
export function sideScope(side: unknown, fallback: 'protected' | 'recovery' = 'recovery'): EffectScope {
  if (side === undefined) return fallback;
  return side === 'recovery' ? 'recovery' : 'protected';
}

/** Whether a step names instances (or might: an unknown value counts as naming some). */
export function namesInstances(value: unknown): boolean {
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}
