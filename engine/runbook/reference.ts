/**
 * Generates the README's runbook reference from the JSON Schema descriptions and the action
 * catalogue, so the documentation cannot drift from what the loader accepts (`npm run docs`).
 */
import { ACTION_SPECS } from '../actions/catalogue.js';
import type { ActionSpec } from '../actions/types.js';
import runbookSchema from './runbook.base.schema.json' with { type: 'json' };

type Schema = Record<string, unknown>;

export const REFERENCE_START = '<!-- runbook-reference:start -->';
export const REFERENCE_END = '<!-- runbook-reference:end -->';

const defs = (runbookSchema as unknown as { $defs: Record<string, Schema> }).$defs;

/** Sections for the reusable object definitions, in reading order. */
const SECTIONS: [string, string][] = [
  ['mode', 'Mode (`spec.modes.<mode>`)'],
  ['step', 'Step (`steps[]`, `cleanup[]`)'],
  ['retry', 'Retry policy (`retry`)'],
  ['gate', 'Approval gate (`spec.approvals.<name>`)'],
  ['scheduleEntry', 'Schedule entry (`spec.schedule[]`)'],
  ['principals', 'Principals (`access.<mode>`, `owners`, `approvers`)'],
  ['region', 'Region (`spec.source`, `spec.target`)'],
];

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function refName(schema: Schema): string | undefined {
  return typeof schema.$ref === 'string' ? schema.$ref.replace('#/$defs/', '') : undefined;
}

function typeOf(schema: Schema): string {
  const ref = refName(schema);
  if (ref === 'duration') return 'duration';
  if (ref === 'stepId') return 'step id';
  if (ref) return ref;
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.type === 'array') return `list of ${typeOf((schema.items ?? {}) as Schema)}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object')
    return `map of ${typeOf(schema.additionalProperties as Schema)}`;
  return String(schema.type ?? 'any');
}

function rows(schema: Schema, prefix: string, out: string[]): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  for (const [name, property] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    const fallback = refName(property)
      ? (defs[refName(property) as string]?.description as string | undefined)
      : undefined;
    const description = String(property.description ?? fallback ?? '');
    const def = property.default !== undefined ? `\`${JSON.stringify(property.default)}\`` : '';
    out.push(
      `| \`${path}\` | ${typeOf(property)} | ${required.has(name) ? 'yes' : ''} | ${def} | ${escapeCell(description)} |`,
    );
    // inline objects are expanded in place; $ref'd ones have their own section
    if (!property.$ref && property.type === 'object' && property.properties) rows(property, `${path}.`, out);
    const values = property.additionalProperties as Schema | undefined;
    if (values && typeof values === 'object' && !values.$ref && values.properties)
      rows(values, `${path}.<name>.`, out);
  }
}

function table(schema: Schema, prefix = ''): string[] {
  const out = ['| Field | Type | Required | Default | Description |', '|---|---|---|---|---|'];
  rows(schema, prefix, out);
  return out;
}

function actionSection(action: ActionSpec): string[] {
  const flags = [action.native ? 'engine-native' : '', action.mutating ? 'mutating' : ''].filter(Boolean);
  const out = [
    `#### \`${action.name}\`${flags.length ? ` (${flags.join(', ')})` : ''}`,
    '',
    action.description,
    '',
    // what the plan assumes for its RTO estimate (a step's timeout caps it)
    ...(action.typicalDuration ? [`Typically ~${action.typicalDuration} (the plan's estimate).`, ''] : []),
  ];
  const inputs = action.inputSchema as Schema;
  if (Object.keys((inputs.properties ?? {}) as object).length > 0)
    out.push('Inputs (`with`):', '', ...table(inputs), '');
  else out.push('No inputs.', '');
  const outputs = Object.entries(action.outputs);
  if (outputs.length > 0) {
    out.push('Outputs (`steps.<id>.outputs.<name>`):', '');
    for (const [name, description] of outputs) out.push(`- \`${name}\`: ${description}`);
    out.push('');
  }
  return out;
}

/** The markdown reference (without the markers). */
export function renderReference(actions: ActionSpec[] = ACTION_SPECS): string {
  const schema = runbookSchema as unknown as Schema;
  const lines = [
    String(schema.description),
    '',
    'Durations are strings such as `500ms`, `90s`, `15m`, `1h` or `1h30m`, at most `365d` (a longer one',
    'is the lint error `DURATION_TOO_LONG`: a year bounds any sensible wait, timeout or TTL). `${{ }}` expressions read',
    '`spec.…`, `params.…`, `steps.<id>.outputs.<name>`, `steps.<id>.status` and `run.id|mode|initiator`;',
    "they support literals, `==` `!=` `<` `<=` `>` `>=` `&&` `||` `!`, indexing (`[0]`, `['key']`) and",
    '`contains`, `startsWith`, `endsWith`, `length`, `join`, `toJSON`. A value that is exactly one expression keeps',
    'its type (a list stays a list).',
    '',
    '### Document',
    '',
    ...table(schema),
    '',
  ];
  for (const [name, title] of SECTIONS) {
    const def = defs[name];
    if (!def) continue;
    lines.push(`### ${title}`, '', String(def.description ?? ''), '', ...table(def), '');
  }
  lines.push('### Actions', '');
  for (const action of actions) lines.push(...actionSection(action));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Replaces the text between the markers; undefined when the markers are missing or out of order. */
export function replaceReference(document: string, reference: string): string | undefined {
  const start = document.indexOf(REFERENCE_START);
  const end = document.indexOf(REFERENCE_END);
  if (start < 0 || end < 0 || end < start) return undefined;
  return `${document.slice(0, start + REFERENCE_START.length)}\n\n${reference}\n${document.slice(end)}`;
}
