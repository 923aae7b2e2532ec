/**
 * Agent document checks: an `ssm.runCommand` step (or compensation) that sends one of drbot's own
 * Drbot* documents must give parameters of the shape SSM and the document accept — declared names
 * only, each one String (a list of exactly one string: list parameters are space-separated inside
 * it), matching the document's allowedPattern. Without this, `env: [A=1, B=2]` linted clean and
 * failed on every instance at run time.
 */
import { type DocumentSpec, documentSpec } from '../../../agent/document-specs.js';
import { findExpressions } from '../../expr/index.js';
import type { PathSegment } from '../source.js';
import { suggestHint } from '../suggest.js';
import { type CheckContext, definedModes, isExpressionString, stepsOf } from './context.js';

const RUN_COMMAND = 'ssm.runCommand';
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkAgentDocuments(ctx: CheckContext): void {
  for (const mode of definedModes(ctx.doc)) {
    for (const ref of stepsOf(ctx.doc, mode)) {
      if (ref.step.action === RUN_COMMAND) checkCall(ctx, ref.step.with, [...ref.path, 'with']);
      const undo = ref.step.compensate;
      if (undo?.action === RUN_COMMAND) checkCall(ctx, undo.with ?? {}, [...ref.path, 'compensate', 'with']);
    }
  }
}

function checkCall(ctx: CheckContext, inputs: Record<string, unknown>, path: PathSegment[]): void {
  const { document, parameters } = inputs;
  if (typeof document !== 'string' || isExpressionString(document)) return;
  const spec = documentSpec(document);
  if (!spec || parameters === undefined || isExpressionString(parameters)) return;
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) return; // the schema says so
  const known = spec.parameters.map((p) => p.name);
  for (const [name, value] of Object.entries(parameters)) {
    const at = [...path, 'parameters', name];
    const param = spec.parameters.find((p) => p.name === name);
    if (!param) {
      ctx.issues.push(
        ctx.source.issue(at, 'AGENT_PARAMETER_UNKNOWN', `${spec.name} has no parameter "${name}"`, {
          hint: known.length ? suggestHint(name, known, 'parameter') : `${spec.name} takes no parameters`,
          atKey: true,
        }),
      );
      continue;
    }
    if (isExpressionString(value)) continue;
    if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== 'string') {
      ctx.issues.push(
        ctx.source.issue(
          at,
          'AGENT_PARAMETER_SHAPE',
          `${spec.name} parameter "${name}" must be a list of exactly one string, got ${describe(value)}`,
          { hint: shapeHint(spec, name, value) },
        ),
      );
      continue;
    }
    checkValue(ctx, spec, name, value[0], [...at, 0]);
  }
}

/** A literal value (no `${{ }}`) must match the document's pattern; env pairs must be KEY=VALUE. */
function checkValue(
  ctx: CheckContext,
  spec: DocumentSpec,
  name: string,
  value: string,
  at: PathSegment[],
): void {
  let dynamic = false;
  try {
    dynamic = findExpressions(value).length > 0;
  } catch {
    return; // the expression check reports it
  }
  if (dynamic) return;
  const param = spec.parameters.find((p) => p.name === name);
  if (param && !new RegExp(param.allowedPattern).test(value)) {
    ctx.issues.push(
      ctx.source.issue(
        at,
        'AGENT_PARAMETER_VALUE',
        `${spec.name} parameter "${name}" does not match ${param.allowedPattern}`,
        {
          hint: 'document parameters never carry quotes, $, backticks or backslashes',
        },
      ),
    );
    return;
  }
  if (spec.name === 'DrbotPostRecovery' && name === 'env') {
    const bad = value
      .split(/\s+/)
      .filter((pair) => pair !== '')
      .filter((pair) => {
        const eq = pair.indexOf('=');
        return eq <= 0 || !SHELL_NAME.test(pair.slice(0, eq));
      });
    if (bad.length > 0)
      ctx.issues.push(
        ctx.source.issue(
          at,
          'AGENT_PARAMETER_VALUE',
          `DrbotPostRecovery env holds ${bad.map((p) => `"${p}"`).join(', ')}, not KEY=VALUE`,
          {
            hint: 'write space-separated KEY=VALUE pairs whose keys are shell variable names, e.g. ["DB_HOST=db.internal DB_PORT=5432"]',
          },
        ),
      );
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function shapeHint(spec: DocumentSpec, name: string, value: unknown): string {
  const param = spec.parameters.find((p) => p.name === name);
  if (param?.kind === 'list' && Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return `SSM String parameters take one value: join the items with spaces, e.g. ${name}: ["${value.join(' ')}"]`;
  return `write ${name}: ["<value>"] (one string)`;
}
