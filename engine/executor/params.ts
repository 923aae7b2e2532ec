/**
 * Start parameters (`key=value` at start) are checked before anything starts: every key must be
 * declared in `spec.params` (or be a built-in: `declaredAt`, `point`), every value must have its type,
 * and declared defaults fill the keys not given. `declaredAt` is allowed only for failover and
 * failback, only in the past, and at most `spec.declaredAtWindow` (default 24h, at most 7d) back.
 */

import { POINT_PARAM, parsePointChoice } from '../actions/support/choose-point.js';
import { formatDuration, isDuration } from '../duration.js';
import { NonRetryableError } from '../errors.js';
import type { Mode, ParamSpec, Runbook } from '../runbook/types.js';
import { declaredAtWindowMs } from '../safety/declared-at.js';
import { DECLARED_AT_PARAM, parseDeclaredAt } from './measures.js';

const DEFAULT_MAX_LENGTH = 256;

function badParam(message: string, explanation: string, action: string, code = 'BAD_PARAM') {
  return new NonRetryableError(message, { code, explanation, action });
}

function checkDeclaredAt(runbook: Runbook, mode: Mode, value: string, now: number): void {
  if (mode !== 'failover' && mode !== 'failback')
    throw badParam(
      `declaredAt is not allowed for a ${mode}.`,
      'declaredAt sets when a real disaster was declared (RTO is measured from it); a drill has none.',
      'Start the drill without declaredAt.',
      'DECLARED_AT_NOT_ALLOWED',
    );
  const at = parseDeclaredAt(value);
  const window = declaredAtWindowMs(runbook);
  if (at > now || at < now - window)
    throw badParam(
      `declaredAt ${value} is ${at > now ? 'in the future' : `more than ${formatDuration(window)} ago`}.`,
      `declaredAt must be in the past and at most ${formatDuration(window)} back (spec.declaredAtWindow); it only moves where RTO is measured from, never the RPO gate.`,
      `Give the time the disaster was declared, between ${new Date(now - window).toISOString()} and now, or leave it out.`,
      'DECLARED_AT_OUT_OF_WINDOW',
    );
}

/** `point=` (built in): which recovery point a failover or drill recovers from. */
function checkPoint(mode: Mode, value: string): void {
  if (mode === 'failback')
    throw badParam(
      'point= is not allowed for a failback.',
      'A failback recovers from the points reprotect captured on the live side, the newest of them.',
      'Start the failback without point=.',
      'POINT_NOT_ALLOWED',
    );
  parsePointChoice(value); // BAD_POINT with the accepted forms
}

function checkValue(name: string, spec: ParamSpec, value: string): void {
  const max = spec.maxLength ?? DEFAULT_MAX_LENGTH;
  const fail = (expected: string) =>
    badParam(
      `The parameter ${name}=${value.length > 40 ? `${value.slice(0, 40)}…` : value} is not ${expected}.`,
      `The runbook declares ${name} as ${spec.type}: ${spec.description}`,
      `Give ${name} as ${expected}, or leave it out${spec.default === undefined ? '' : ` (default ${String(spec.default)})`}.`,
    );
  if (value.length > max) throw fail(`at most ${max} characters`);
  if (spec.type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value))))
    throw fail('a number');
  if (spec.type === 'boolean' && value !== 'true' && value !== 'false') throw fail('true or false');
  if (spec.type === 'duration' && !isDuration(value)) throw fail('a duration such as 90s, 15m or 1h');
  if (spec.type === 'time' && !Number.isFinite(Date.parse(value))) throw fail('an ISO time');
}

/** The run's params: checked, with declared defaults filled in. Throws before anything starts. */
export function checkStartParams(
  runbook: Runbook,
  mode: Mode,
  given: Readonly<Record<string, string>>,
  now: number,
): Record<string, string> {
  const declared = runbook.spec.params ?? {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (name === DECLARED_AT_PARAM) {
      checkDeclaredAt(runbook, mode, String(value), now);
      params[name] = String(value);
      continue;
    }
    if (name === POINT_PARAM) {
      checkPoint(mode, String(value));
      params[name] = String(value);
      continue;
    }
    const spec = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!spec) {
      const known = Object.keys(declared);
      throw badParam(
        `Unknown parameter "${name}" for ${runbook.metadata.name}.`,
        known.length > 0
          ? `The runbook declares only ${known.join(', ')} (spec.params).`
          : 'The runbook declares no parameters (spec.params).',
        known.length > 0
          ? `Use one of ${known.join(', ')}, or declare ${name} under spec.params.`
          : `Start without it, or declare it under spec.params: { ${name}: { type: string, description: … } }.`,
        'UNKNOWN_PARAM',
      );
    }
    checkValue(name, spec, String(value));
    params[name] = String(value);
  }
  for (const [name, spec] of Object.entries(declared))
    if (name !== DECLARED_AT_PARAM && params[name] === undefined && spec.default !== undefined)
      params[name] = String(spec.default);
  return params;
}
