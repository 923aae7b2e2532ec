/** What every semantic check gets, and a walk over every step of every mode. */
import type { ActionSpec } from '../../actions/types.js';
import { wholeExpression } from '../../expr/index.js';
import type { RunbookIssue } from '../errors.js';
import type { LocatedSource, PathSegment } from '../source.js';
import type { Mode, RunbookDocument, StepSpec } from '../types.js';
import { MODES } from '../types.js';

export interface CheckContext {
  doc: RunbookDocument;
  source: LocatedSource;
  actions: ReadonlyMap<string, ActionSpec>;
  issues: RunbookIssue[];
}

export type StepList = 'steps' | 'cleanup';

export interface StepRef {
  mode: Mode;
  list: StepList;
  index: number;
  step: StepSpec;
  /** YAML path of the step, e.g. `['spec','modes','drill','steps',2]`. */
  path: PathSegment[];
}

export function modePath(mode: Mode): PathSegment[] {
  return ['spec', 'modes', mode];
}

/** Every step of a mode: its steps, then its cleanup. */
export function stepsOf(doc: RunbookDocument, mode: Mode): StepRef[] {
  const spec = doc.spec.modes[mode];
  if (!spec) return [];
  const refs: StepRef[] = [];
  for (const list of ['steps', 'cleanup'] as const)
    spec[list].forEach((step, index) => {
      refs.push({ mode, list, index, step, path: [...modePath(mode), list, index] });
    });
  return refs;
}

/** Steps by id; the first of duplicate ids wins (duplicates are reported separately). */
export function indexById(refs: readonly StepRef[]): Map<string, StepRef> {
  const byId = new Map<string, StepRef>();
  for (const ref of refs) if (!byId.has(ref.step.id)) byId.set(ref.step.id, ref);
  return byId;
}

export function definedModes(doc: RunbookDocument): Mode[] {
  return MODES.filter((mode) => doc.spec.modes[mode] !== undefined);
}

/** A string that is exactly one `${{ }}` expression (the executor supplies its value). */
export function isExpressionString(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return wholeExpression(value) !== undefined;
  } catch {
    return false; // an unclosed `${{` is reported by the expression check
  }
}
