/**
 * The runbook loader: YAML with positions → JSON Schema → semantic and safety checks → a typed,
 * deeply frozen `Runbook`. Pure (no file system): callers pass the text and the file name.
 */
import { createHash } from 'node:crypto';
import { ACTION_SPECS } from '../actions/catalogue.js';
import type { ActionSpec } from '../actions/types.js';
import type { ProviderDescriptor } from '../cloud/provider.js';
import { RUNBOOK_PROVIDERS } from '../cloud/providers.js';
import { checkActions } from './checks/actions.js';
import { checkAgentDocuments } from './checks/agent-documents.js';
import { checkCapabilities } from './checks/capabilities.js';
import type { CheckContext } from './checks/context.js';
import { checkExpressions } from './checks/expressions.js';
import { checkGraph } from './checks/graph.js';
import { checkSafety } from './checks/safety.js';
import { checkSpec } from './checks/spec.js';
import { RunbookError, type RunbookIssue } from './errors.js';
import { normalize } from './normalize.js';
import { validateDocument } from './schema-check.js';
import { parseSource } from './source.js';
import type { Runbook } from './types.js';

export interface LoadOptions {
  /** The action registry `with` and outputs are checked against. @default ACTION_SPECS */
  actions?: ActionSpec[];
  /** The providers `spec.provider` may name, with their capabilities. @default RUNBOOK_PROVIDERS */
  providers?: ProviderDescriptor[];
}

export interface CheckResult {
  /** Present when there is no error (warnings allowed). */
  runbook?: Runbook;
  /** Errors and warnings, in file order. */
  issues: RunbookIssue[];
}

/** Checks a runbook and reports every issue without throwing (what `drbot lint` uses). */
export function checkRunbook(text: string, file: string, options: LoadOptions = {}): CheckResult {
  const { source, issues } = parseSource(typeof text === 'string' ? text : String(text), file);
  if (issues.length > 0) return { issues: sortIssues(issues) };

  const schemaIssues = validateDocument(source);
  if (schemaIssues.length > 0) return { issues: sortIssues(schemaIssues) };

  const doc = normalize(source.data);
  const actions = new Map((options.actions ?? ACTION_SPECS).map((spec) => [spec.name, spec]));
  const ctx: CheckContext = { doc, source, actions, issues: [] };
  checkGraph(ctx);
  checkActions(ctx);
  checkAgentDocuments(ctx);
  checkCapabilities(ctx, options.providers ?? RUNBOOK_PROVIDERS);
  checkExpressions(ctx);
  checkSafety(ctx);
  checkSpec(ctx);
  const sorted = sortIssues(ctx.issues);
  if (sorted.some((issue) => issue.severity === 'error')) return { issues: sorted };
  const runbook = deepFreeze({ ...doc, file, hash: sha256(text) }) as Runbook;
  return { runbook, issues: sorted };
}

/** Loads a runbook or throws `RunbookError` (code `RUNBOOK_INVALID`) listing every issue. */
export function loadRunbook(text: string, file: string, options: LoadOptions = {}): Runbook {
  const result = checkRunbook(text, file, options);
  if (!result.runbook) throw new RunbookError(file, result.issues);
  return result.runbook;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sortIssues(issues: RunbookIssue[]): RunbookIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
