/**
 * Expression checks: every `${{ }}` in a step's `with`, `when` and `compensate.with` parses, and
 * reads only things that exist: known steps (upstream in `needs`), outputs their action declares,
 * spec fields the schema defines, and run fields.
 */
import { ExpressionError, findExpressions, referencedPaths } from '../../expr/index.js';
import runbookSchema from '../runbook.base.schema.json' with { type: 'json' };
import type { PathSegment } from '../source.js';
import { suggestHint } from '../suggest.js';
import { ancestryOf } from './ancestry.js';
import { type CheckContext, definedModes, indexById, type StepRef, stepsOf } from './context.js';

const RUN_FIELDS = ['id', 'mode', 'initiator'];
const STEP_FIELDS = ['outputs', 'status'];

interface Site {
  ctx: CheckContext;
  ref: StepRef;
  path: PathSegment[];
  /** True when the outputs of step `id` are certainly available here. */
  upstream: (id: string) => boolean;
  /** Steps that may be referenced at all. */
  visible: ReadonlyMap<string, StepRef>;
  /** The step needs an unknown step: upstream is unknowable, so "not upstream" would be noise. */
  needsBroken: boolean;
}

export function checkExpressions(ctx: CheckContext): void {
  for (const mode of definedModes(ctx.doc)) {
    const refs = stepsOf(ctx.doc, mode);
    const main = refs.filter((ref) => ref.list === 'steps');
    const cleanup = refs.filter((ref) => ref.list === 'cleanup');
    const mainIds = new Set(main.map((r) => r.step.id));
    // Everything per list is computed once: per step or per string it made lint cubic.
    const lists = {
      steps: { ancestry: ancestryOf(main), visible: indexById(main) },
      // Cleanup runs after the main steps, whatever happened to them: their outputs may be read.
      cleanup: { ancestry: ancestryOf(cleanup), visible: indexById([...main, ...cleanup]) },
    };
    for (const ref of refs) {
      const { ancestry, visible } = lists[ref.list];
      const inCleanup = ref.list === 'cleanup';
      const needsBroken = ancestry.broken(ref);
      const upstream = (id: string) => (inCleanup && mainIds.has(id)) || ancestry.upstream(ref, id);
      const site = (path: PathSegment[], extra?: string): Site => ({
        ctx,
        ref,
        path,
        upstream: extra === undefined ? upstream : (id) => id === extra || upstream(id),
        visible,
        needsBroken,
      });
      walk(ref.step.with, [...ref.path, 'with'], (value, path) => checkString(site(path), value, false));
      if (ref.step.when !== undefined) checkString(site([...ref.path, 'when']), ref.step.when, true);
      if (ref.step.compensate?.with)
        walk(ref.step.compensate.with, [...ref.path, 'compensate', 'with'], (value, path) =>
          // A compensation runs after its own step succeeded, so it may read that step's outputs.
          checkString(site(path, ref.step.id), value, false),
        );
    }
  }
}

function walk(
  value: unknown,
  path: PathSegment[],
  visit: (value: string, path: PathSegment[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, [...path, i], visit);
  } else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key], visit);
}

function checkString(site: Site, text: string, bareAllowed: boolean): void {
  const { ctx, path } = site;
  let expressions: string[];
  try {
    const found = findExpressions(text).map((s) => s.expr);
    expressions = found.length === 0 && bareAllowed ? [text] : found;
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    ctx.issues.push(ctx.source.issue(path, 'EXPRESSION_INVALID', err.message, { hint: err.action }));
    return;
  }
  for (const expr of expressions) {
    let paths: string[][];
    try {
      paths = referencedPaths(expr);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      ctx.issues.push(
        ctx.source.issue(path, 'EXPRESSION_INVALID', `in "${shorten(expr)}": ${err.message}`, {
          hint: err.action,
        }),
      );
      continue;
    }
    for (const read of paths) checkPath(site, read);
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function checkPath(site: Site, read: string[]): void {
  const [root, first, second, third] = read;
  const { ctx, path } = site;
  const report = (code: string, message: string, hint: string, severity: 'error' | 'warning' = 'error') =>
    ctx.issues.push(ctx.source.issue(path, code, message, { hint, severity }));
  if (root === 'run' && first !== undefined && !RUN_FIELDS.includes(first))
    report(
      'EXPR_UNKNOWN_RUN_FIELD',
      `run.${first} does not exist`,
      suggestHint(first, RUN_FIELDS, 'run field'),
    );
  if (root === 'spec') checkSpecPath(site, read.slice(1));
  if (root !== 'steps' || first === undefined) return;

  const target = site.visible.get(first);
  if (!target) {
    report(
      'EXPR_UNKNOWN_STEP',
      `steps.${first} is not a step of this mode`,
      suggestHint(first, [...site.visible.keys()], 'step'),
    );
    return;
  }
  if (second !== undefined && !STEP_FIELDS.includes(second)) {
    report(
      'EXPR_BAD_STEP_FIELD',
      `steps.${first}.${second} does not exist`,
      'read steps.<id>.outputs.<name> or steps.<id>.status',
    );
    return;
  }
  if (first === site.ref.step.id && !site.upstream(first)) {
    report(
      'EXPR_SELF_REFERENCE',
      `step "${first}" reads its own ${second ?? 'state'} before it ran`,
      'read an upstream step instead',
    );
    return;
  }
  const action = ctx.actions.get(target.step.action);
  if (second === 'outputs' && third !== undefined && action && !Object.hasOwn(action.outputs, third)) {
    const outputs = Object.keys(action.outputs);
    report(
      'EXPR_UNKNOWN_OUTPUT',
      `${target.step.action} (step "${first}") has no output "${third}"`,
      outputs.length ? suggestHint(third, outputs, 'output') : `${target.step.action} has no outputs`,
    );
    return;
  }
  if (!site.upstream(first) && !site.needsBroken)
    report(
      'EXPR_NOT_UPSTREAM',
      `step "${first}" is not in the needs of "${site.ref.step.id}", so it may not have run yet`,
      `add "${first}" to needs (directly or through another step)`,
      'warning',
    );
}

type SchemaNode = Record<string, unknown>;
const definitions = (runbookSchema as unknown as { $defs: Record<string, SchemaNode> }).$defs;

function resolve(node: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) return definitions[ref.slice(8)] ?? node;
  return node;
}

/** Walks the spec schema; a path the schema cannot hold is an error, one the runbook leaves unset a warning. */
function checkSpecPath(site: Site, fields: string[]): void {
  const { ctx, path } = site;
  let schema = resolve((runbookSchema as unknown as { properties: { spec: SchemaNode } }).properties.spec);
  let value: unknown = ctx.doc.spec;
  const walked: string[] = ['spec'];
  for (const field of fields) {
    const properties = schema.properties as Record<string, SchemaNode> | undefined;
    let next: SchemaNode | undefined;
    if (properties && Object.hasOwn(properties, field)) next = properties[field];
    else if (typeof schema.additionalProperties === 'object')
      next = schema.additionalProperties as SchemaNode;
    else if (schema.type === 'array' && /^\d+$/.test(field)) next = schema.items as SchemaNode;
    else if (schema.type === 'object' && !properties && schema.additionalProperties === undefined) return; // free-form
    if (!next) {
      ctx.issues.push(
        ctx.source.issue(
          path,
          'EXPR_UNKNOWN_SPEC_FIELD',
          `${walked.join('.')}.${field} is not a runbook field`,
          {
            hint: suggestHint(field, Object.keys(properties ?? {}), 'field'),
          },
        ),
      );
      return;
    }
    walked.push(field);
    schema = resolve(next);
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, field)
        ? (value as SchemaNode)[field]
        : undefined;
    if (value === undefined) {
      ctx.issues.push(
        ctx.source.issue(path, 'EXPR_SPEC_FIELD_UNSET', `${walked.join('.')} is not set in this runbook`, {
          hint: `set ${walked.join('.')} or the expression reads null`,
          severity: 'warning',
        }),
      );
      return;
    }
  }
}
