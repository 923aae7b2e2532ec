/**
 * Property: runbooks generated from the action catalogue (random actions, inputs drawn from each
 * input schema or left as expressions, random needs, compensations and cleanup steps, gates good
 * and bad). Of those lint accepts:
 * - no drill has an effect outside the drill rule, for ANY value its expressions may take;
 * - no failover has a production-changing effect (for any such value) that a valid two-person
 *   gate does not dominate, by an oracle written here independently of engine/safety.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ACTION_MODULES } from '../../../engine/actions/catalogue.js';
import type { ActionModule, Effect } from '../../../engine/actions/types.js';
import { checkRunbook } from '../../../engine/runbook/index.js';
import type { Mode, Runbook, StepSpec } from '../../../engine/runbook/types.js';

const EXPR = '${{ spec.source.region }}';
const GATES = {
  good: { required: 2, excludeInitiator: true, approvers: { groups: ['SRE'] } },
  one: { required: 1, approvers: { groups: ['SRE'] } },
  self: { required: 2, excludeInitiator: false, approvers: { groups: ['SRE'] } },
  anyone: { required: 2, approvers: { users: ['*'] } },
};
const STRINGS = [
  'drill',
  'production',
  'DrbotHealth',
  'DrbotFreeze',
  'AWS-RunShellScript',
  'app.shop.internal',
  'drill.shop.internal',
  'Z0DRBOTINTERNAL',
  '10.0.0.1',
  '/shop/x',
  'shop-db',
  '1h',
];

interface Schema {
  enum?: unknown[];
  type?: string;
  const?: unknown;
  pattern?: string;
  minLength?: number;
}

/** Literal values a property may take that its schema accepts (an expression is added apart). */
function candidates(schema: Schema): unknown[] {
  if (schema.const !== undefined) return [schema.const];
  if (schema.enum) return schema.enum;
  if (schema.type === 'boolean') return [true, false];
  if (schema.type === 'integer' || schema.type === 'number') return [1, 24];
  if (schema.type === 'array') return [['i-0abc'], ['shop-db']];
  if (schema.type === 'object') return [{}];
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
  return STRINGS.filter((s) => (!pattern || pattern.test(s)) && s.length >= (schema.minLength ?? 0));
}

const MODULES = ACTION_MODULES.filter((m) => m.name !== 'manual');
const propsOf = (m: ActionModule) =>
  Object.entries((m.inputSchema.properties ?? {}) as Record<string, Schema>);

function inputsArb(m: ActionModule): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set((m.inputSchema.required ?? []) as string[]);
  const entries = propsOf(m).map(([name, schema]) => {
    const pick = fc.constantFrom(...candidates(schema), EXPR);
    return [name, required.has(name) ? pick : fc.option(pick, { nil: undefined })] as const;
  });
  const defined = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  return fc.record(Object.fromEntries(entries)).map(defined);
}

interface Call {
  action: string;
  with: Record<string, unknown>;
}

const moduleCall: fc.Arbitrary<Call> = fc
  .constantFrom(...MODULES)
  .chain((m) => inputsArb(m).map((w) => ({ action: m.name, with: w })));
const approvalCall: fc.Arbitrary<Call> = fc
  .constantFrom('good', 'one', 'self', 'anyone', EXPR)
  .map((gate) => ({ action: 'approval', with: { gate } }));
const callArb = fc.oneof({ weight: 3, arbitrary: moduleCall }, { weight: 2, arbitrary: approvalCall });

const stepArb = fc.record({
  call: callArb,
  needs: fc.array(fc.nat(7), { maxLength: 3 }),
  undo: fc.option(moduleCall, { nil: undefined }),
});

function stepsArb(prefix: string, minLength: number, maxLength: number) {
  return fc.array(stepArb, { minLength, maxLength }).map((list) =>
    list.map((s, i) => ({
      id: `${prefix}${i}`,
      ...s.call,
      needs: [...new Set(s.needs.filter((n) => n < i).map((n) => `${prefix}${n}`))],
      ...(prefix === 's' && s.undo ? { compensate: s.undo, onFailure: 'rollback' } : {}),
    })),
  );
}

function documentOf(mode: Mode, steps: unknown[], cleanup: unknown[]) {
  return {
    apiVersion: 'drbot/v1',
    kind: 'Runbook',
    metadata: { name: 'generated' },
    spec: {
      source: { region: 'us-east-1' },
      target: { region: 'us-west-2' },
      objectives: { rto: '15m', rpo: '1h' },
      protect: { tags: { 'dr-tier': 'app' } },
      access: { [mode]: { groups: ['OPS'] } },
      approvals: GATES,
      dns: { zone: 'Z0DRBOTINTERNAL', record: 'app.shop.internal', drillRecord: 'drill.shop.internal' },
      modes: { [mode]: { steps, cleanup } },
    },
  };
}

const docArb = fc
  .record({
    mode: fc.constantFrom<Mode>('drill', 'failover'),
    steps: stepsArb('s', 1, 4),
    cleanup: stepsArb('c', 0, 2),
  })
  .map(({ mode, steps, cleanup }) => ({ mode, doc: documentOf(mode, steps, cleanup) }));

/** Every value the step's inputs may take: each expression replaced by each literal of its schema. */
function concretizations(m: ActionModule, inputs: Record<string, unknown>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  const schemas = Object.fromEntries(propsOf(m));
  for (const [key, value] of Object.entries(inputs)) {
    const isExpr = typeof value === 'string' && value.includes('${{');
    const literal = isExpr ? candidates(schemas[key] ?? {}) : [];
    const options = literal.length > 0 ? literal : [value];
    out = out.flatMap((o) => options.map((v) => ({ ...o, [key]: v }))).slice(0, 400);
  }
  return out;
}

const CHANGING = new Set(['stop', 'destroy', 'modify', 'traffic', 'data']);
const ISOLATED = ['run-owned', 'drill-network'];
const ALLOWED_IN_DRILL: Record<string, string[]> = {
  create: ISOLATED,
  modify: ISOLATED,
  stop: ISOLATED,
  destroy: ISOLATED,
  data: ISOLATED,
  traffic: ['drill-record'],
};
const drillOk = (e: Effect) =>
  !e.cutover && (e.verb === 'read' || (ALLOWED_IN_DRILL[e.verb] ?? []).includes(e.scope));
const changesProduction = (e: Effect) =>
  e.cutover === true || (e.scope === 'protected' && CHANGING.has(e.verb));

/** The oracle: some approval upstream (by needs) on a literal two-person gate, never the initiator. */
function dominated(list: StepSpec[], id: string, runbook: Runbook, cutover: boolean): boolean {
  const byId = new Map(list.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.needs ?? [])];
  while (stack.length) {
    const step = byId.get(stack.pop() as string);
    if (!step || seen.has(step.id)) continue;
    seen.add(step.id);
    stack.push(...step.needs);
    const name = step.with.gate;
    if (step.action !== 'approval' || step.when !== undefined || step.onFailure === 'continue') continue;
    if (typeof name !== 'string' || name.includes('${{')) continue;
    const gate = runbook.spec.approvals[name];
    if (!gate || gate.required < 2 || gate.excludeInitiator === false) continue;
    if (cutover && gate.approvers.users?.includes('*')) continue;
    return true;
  }
  return false;
}

const byName = new Map(ACTION_MODULES.map((m) => [m.name, m]));

/** Every call of a step: its action, and its compensation. */
function callsOf(step: StepSpec): Call[] {
  const undo = step.compensate ? [{ action: step.compensate.action, with: step.compensate.with ?? {} }] : [];
  return [{ action: step.action, with: step.with }, ...undo];
}

/** Checks both promises on one lint-clean runbook. */
function checkPromises(mode: Mode, runbook: Runbook): void {
  const spec = runbook.spec.modes[mode];
  for (const list of [spec?.steps ?? [], spec?.cleanup ?? []])
    for (const step of list)
      for (const call of callsOf(step)) {
        const m = byName.get(call.action);
        if (!m) continue;
        for (const inputs of concretizations(m, call.with))
          for (const effect of m.effects?.(inputs, mode, runbook.spec) ?? []) {
            const where = `${step.id} ${call.action} ${JSON.stringify(inputs)} ${JSON.stringify(effect)}`;
            if (mode === 'drill') expect(drillOk(effect), where).toBe(true);
            else if (changesProduction(effect))
              expect(dominated(list, step.id, runbook, effect.cutover === true), where).toBe(true);
          }
      }
}

describe('property: lint-clean generated runbooks keep both safety promises', () => {
  it('no lint-clean drill leaves the drill rule; no lint-clean failover changes production ungated', () => {
    let clean = 0;
    fc.assert(
      fc.property(docArb, ({ mode, doc }) => {
        const result = checkRunbook(stringify(doc), 'generated.yaml');
        if (!result.runbook) return;
        clean++;
        checkPromises(mode, result.runbook);
      }),
      { seed: 1313, numRuns: 1500 },
    );
    // the property is not vacuous: lint accepted a fair share of what was generated
    expect(clean).toBeGreaterThan(50);
  }, 120_000);
});
