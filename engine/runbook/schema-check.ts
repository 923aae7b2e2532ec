/**
 * Stage 2: JSON Schema validation (ajv, draft 2020-12, all errors), each error turned into an
 * issue at the exact YAML node. Also validates a step's `with` against its action's input schema.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { DURATION_FORMAT, isTooLong, MAX_DURATION } from '../duration.js';
import type { RunbookIssue } from './errors.js';
import runbookSchema from './runbook.base.schema.json' with { type: 'json' };
import type { LocatedSource, PathSegment } from './source.js';
import { suggestHint } from './suggest.js';

const DURATION_PATTERN = '^(?:\\d+(?:ms|s|m|h|d))+$';

/** ajv-formats is CommonJS: its default export arrives as the module object under NodeNext. */
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ??
  formatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

function createAjv(strict: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict, allowUnionTypes: true });
  addFormats(ajv);
  // The pattern checks the form; this bounds the length (a pattern cannot).
  ajv.addFormat(DURATION_FORMAT, { type: 'string', validate: (text: string) => !isTooLong(text) });
  return ajv;
}

let runbookValidator: ValidateFunction | undefined;
const actionValidators = new WeakMap<object, ValidateFunction>();
let actionAjv: Ajv2020 | undefined;

export function validateDocument(source: LocatedSource): RunbookIssue[] {
  runbookValidator ??= createAjv(true).compile(runbookSchema);
  runbookValidator(source.data);
  return toIssues(runbookValidator.errors ?? [], source, [], '');
}

/**
 * Validates an action's inputs. A string that is exactly one `${{ }}` expression stands for any
 * type, so errors at (or under) such a value are dropped: the executor checks the evaluated value.
 */
export function validateInputs(
  schema: Record<string, unknown>,
  value: unknown,
  source: LocatedSource,
  basePath: PathSegment[],
  isExpression: (value: unknown) => boolean,
): RunbookIssue[] {
  let validate = actionValidators.get(schema);
  if (!validate) {
    actionAjv ??= createAjv(false);
    validate = actionAjv.compile(schema);
    actionValidators.set(schema, validate);
  }
  validate(value);
  const errors = (validate.errors ?? []).filter((error) => {
    let node: unknown = value;
    for (const segment of pointerSegments(error.instancePath)) {
      if (isExpression(node)) return false;
      node =
        node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
    if (isExpression(node)) return false;
    // Text with an embedded expression is a string of unknown content: only its type can be checked.
    return !(typeof node === 'string' && node.includes('${{') && error.keyword !== 'type');
  });
  return toIssues(errors, source, basePath, 'INPUT_');
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Turns JSON-pointer segments back into YAML path segments (array indexes become numbers). */
function toPath(pointer: string, data: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let node = data;
  for (const segment of pointerSegments(pointer)) {
    const index = Array.isArray(node) ? Number(segment) : Number.NaN;
    path.push(Number.isInteger(index) ? index : segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function toIssues(
  errors: ErrorObject[],
  source: LocatedSource,
  basePath: PathSegment[],
  prefix: string,
): RunbookIssue[] {
  const seen = new Set<string>();
  const issues: RunbookIssue[] = [];
  const root = basePath.length ? valueAt(source.data, basePath) : source.data;
  for (const error of errors) {
    if (error.keyword === 'propertyNames' || error.keyword === 'if') continue; // the inner error says more
    const path = [...basePath, ...toPath(error.instancePath, root)];
    const issue = describe(error, path, source, prefix);
    const key = `${issue.path}|${issue.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function describe(
  error: ErrorObject,
  path: PathSegment[],
  source: LocatedSource,
  prefix: string,
): RunbookIssue {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const properties = (parent?.properties ?? {}) as Record<string, { description?: string }>;
  const value = valueAt(source.data, path);
  const params = error.params as Record<string, unknown>;
  const isDuration = parent?.pattern === DURATION_PATTERN || error.schemaPath.startsWith('#/$defs/duration');
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const description = properties[missing]?.description;
      return source.issue(
        [...path, missing],
        `${prefix}MISSING_FIELD`,
        `missing required field "${missing}"`,
        {
          hint: description ? `add "${missing}": ${description}` : `add "${missing}"`,
          at: path,
          atKey: true,
        },
      );
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      return source.issue([...path, extra], `${prefix}UNKNOWN_FIELD`, `unknown field "${extra}"`, {
        hint: suggestHint(extra, Object.keys(properties), 'field'),
        atKey: true,
      });
    }
    case 'type':
      return source.issue(
        path,
        `${prefix}WRONG_TYPE`,
        `expected ${params.type}, got ${describeValue(value)}`,
        {
          hint: typeof parent?.description === 'string' ? parent.description : undefined,
        },
      );
    case 'enum':
    case 'const': {
      const allowed = (
        error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]
      ).map(String);
      return source.issue(
        path,
        `${prefix}BAD_VALUE`,
        `${describeValue(value)} is not allowed; expected ${allowed.map((v) => `"${v}"`).join(' or ')}`,
        { hint: typeof value === 'string' ? suggestHint(value, allowed, 'value') : undefined },
      );
    }
    case 'pattern':
      if (isDuration)
        return source.issue(path, 'BAD_DURATION', `${describeValue(value)} is not a duration`, {
          hint: 'write durations like 500ms, 90s, 15m, 1h or 1h30m',
        });
      return source.issue(
        path,
        `${prefix}BAD_FORMAT`,
        `${describeValue(value)} does not match ${params.pattern}`,
        {
          hint: typeof parent?.description === 'string' ? parent.description : undefined,
        },
      );
    case 'uniqueItems':
      return source.issue(
        path,
        `${prefix}DUPLICATE_ITEM`,
        `the list has duplicate items (${error.message})`,
        {
          hint: 'list each item once',
        },
      );
    case 'format':
      if (params.format === DURATION_FORMAT)
        return source.issue(
          path,
          'DURATION_TOO_LONG',
          `${describeValue(value)} is longer than ${MAX_DURATION}, the longest duration allowed`,
          { hint: `write a duration of at most ${MAX_DURATION}` },
        );
      return source.issue(
        path,
        `${prefix}BAD_FORMAT`,
        `${describeValue(value)} is not a valid ${params.format}`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties':
      return source.issue(path, `${prefix}OUT_OF_RANGE`, `${describeValue(value)} ${error.message}`);
    default:
      return source.issue(
        path,
        `${prefix}SCHEMA_${error.keyword.toUpperCase()}`,
        error.message ?? 'is invalid',
      );
  }
}
