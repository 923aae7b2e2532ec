/**
 * Reading a step's evaluated inputs. The loader validated `with` against the action schema, but
 * `${{ }}` expressions are only evaluated at run time, so their results are checked here.
 */

import type { LaunchType } from '../../cloud/compute.js';
import { MAX_DURATION, MAX_DURATION_MS, parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import type { Mode } from '../../runbook/types.js';

export function invalidInput(
  action: string,
  field: string,
  expected: string,
  got: unknown,
): NonRetryableError {
  return new NonRetryableError(`${action}: input ${field} must be ${expected}`, {
    code: 'INVALID_INPUT',
    explanation: `The step's \`with.${field}\` evaluated to ${JSON.stringify(got) ?? 'undefined'}.`,
    action: `Fix \`with.${field}\` in the runbook step (check the expression it uses).`,
    context: { field },
  });
}

export function stringList(
  action: string,
  inputs: Record<string, unknown>,
  field: string,
): string[] | undefined {
  const value = inputs[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw invalidInput(action, field, 'a list of ids', value);
  }
  return value as string[];
}

export function optionalString(
  action: string,
  inputs: Record<string, unknown>,
  field: string,
): string | undefined {
  const value = inputs[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw invalidInput(action, field, 'a non-empty string', value);
  return value;
}

export function stringMap(
  action: string,
  inputs: Record<string, unknown>,
  field: string,
): Record<string, string> | undefined {
  const value = inputs[field];
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  if (!ok) throw invalidInput(action, field, 'a map of instance id → recovery point id', value);
  return value as Record<string, string>;
}

export function durationMs(
  action: string,
  inputs: Record<string, unknown>,
  field: string,
): number | undefined {
  const value = inputs[field];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value >= 0 && value <= MAX_DURATION_MS) return value;
  try {
    return parseDuration(String(value));
  } catch {
    throw invalidInput(action, field, `a duration such as 90s, 15m or 1h, at most ${MAX_DURATION}`, value);
  }
}

/**
 * The step's `launchType` (TEST or CUTOVER), refused as DRILL_SAFETY when a drill asks for
 * CUTOVER: ec2.launch, drs.launch and drs.launchSettings share the rule, each with its own words
 * for what a CUTOVER would do.
 */
export function launchTypeInput(
  action: string,
  ctx: { mode: Mode; inputs: Readonly<Record<string, unknown>> },
  drillRefusal: { message: string; explanation: string },
): LaunchType {
  const launchType = ctx.inputs.launchType;
  if (launchType !== 'TEST' && launchType !== 'CUTOVER')
    throw invalidInput(action, 'launchType', 'TEST or CUTOVER', launchType);
  if (ctx.mode === 'drill' && launchType === 'CUTOVER') {
    throw new NonRetryableError(drillRefusal.message, {
      code: 'DRILL_SAFETY',
      explanation: drillRefusal.explanation,
      action: 'Use launchType: TEST in the drill steps of the runbook.',
    });
  }
  return launchType;
}
