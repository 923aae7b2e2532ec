/**
 * `${{ }}` expressions: a small, safe, GitHub-Actions-like language (no eval, no Function).
 * The loader uses `findExpressions`/`referencedPaths` to check runbooks; the executor uses
 * `interpolate` for `with` and `evaluateCondition` for `when`.
 */
import type { ExprNode } from './ast.js';
import { ExpressionError } from './errors.js';
import { evaluateNode, isTruthy, stringify } from './evaluate.js';
import { parseExpression } from './parser.js';
import type { ExprScope } from './types.js';

export type { BinaryOperator, ExprNode, Literal, Root } from './ast.js';
export { FUNCTIONS, ROOTS } from './ast.js';
export { ExpressionError } from './errors.js';
export { parseExpression } from './parser.js';
export type { ExprScope } from './types.js';

/** One `${{ ... }}` in a string: `expr` is the trimmed inside, `start`/`end` span the whole `${{ }}`. */
export interface ExpressionSite {
  expr: string;
  start: number;
  end: number;
}

const OPEN = '${{';
const CLOSE = '}}';

/** Finds every `${{ }}` in `text`, skipping `}}` inside quoted strings; throws on an unclosed `${{`. */
export function findExpressions(text: string): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start < 0) return sites;
    const close = findClose(text, start + OPEN.length);
    if (close < 0)
      throw new ExpressionError('"${{" is never closed with "}}"', start, 'Close the expression with }}.');
    sites.push({ expr: text.slice(start + OPEN.length, close).trim(), start, end: close + CLOSE.length });
    from = close + CLOSE.length;
  }
}

function findClose(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

/** The whole string is one `${{ }}` (surrounding whitespace allowed): its value keeps its type. */
export function wholeExpression(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith(OPEN)) return undefined;
  const sites = findExpressions(trimmed);
  const only = sites[0];
  return sites.length === 1 && only && only.start === 0 && only.end === trimmed.length
    ? only.expr
    : undefined;
}

/** Every static path the expression reads, e.g. `[['steps','launch','outputs','privateIps','0']]`. */
export function referencedPaths(expr: string): string[][] {
  const paths: string[][] = [];
  collectPaths(parseExpression(expr), paths);
  return paths;
}

function collectPaths(node: ExprNode, paths: string[][]): void {
  const path = staticPath(node);
  if (path) {
    paths.push(path);
    // Dynamic indexes inside a chain still read other paths.
    collectIndexes(node, paths);
    return;
  }
  switch (node.kind) {
    case 'member':
      collectPaths(node.object, paths);
      return;
    case 'index':
      collectPaths(node.object, paths);
      collectPaths(node.index, paths);
      return;
    case 'not':
      collectPaths(node.operand, paths);
      return;
    case 'binary':
      collectPaths(node.left, paths);
      collectPaths(node.right, paths);
      return;
    case 'call':
      for (const arg of node.args) collectPaths(arg, paths);
      return;
    default:
      return;
  }
}

/** The longest literal prefix of a root…member/index chain (stops at a computed index). */
function staticPath(node: ExprNode): string[] | undefined {
  if (node.kind === 'root') return [node.name];
  if (node.kind === 'member') {
    const base = staticPath(node.object);
    return base && [...base, node.property];
  }
  if (node.kind === 'index') {
    const base = staticPath(node.object);
    if (!base) return undefined;
    return node.index.kind === 'literal' && node.index.value !== null && typeof node.index.value !== 'boolean'
      ? [...base, String(node.index.value)]
      : base;
  }
  return undefined;
}

function collectIndexes(node: ExprNode, paths: string[][]): void {
  if (node.kind === 'member') collectIndexes(node.object, paths);
  if (node.kind === 'index') {
    collectIndexes(node.object, paths);
    if (node.index.kind !== 'literal') collectPaths(node.index, paths);
  }
}

/** Evaluates a bare expression, or one written as `${{ e }}`. */
export function evaluateExpression(expr: string, scope: ExprScope): unknown {
  const inner = wholeExpression(expr) ?? expr;
  return evaluateNode(parseExpression(inner), scope);
}

/**
 * Evaluates every `${{ }}` inside `value`, deeply through arrays and objects. A string that is
 * exactly one expression yields the raw value (array, object, number); mixed text is interpolated.
 */
export function interpolate(value: unknown, scope: ExprScope): unknown {
  if (typeof value === 'string') return interpolateString(value, scope);
  if (Array.isArray(value)) return value.map((item) => interpolate(item, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolate(item, scope);
    return out;
  }
  return value;
}

function interpolateString(text: string, scope: ExprScope): unknown {
  const whole = wholeExpression(text);
  if (whole !== undefined) return evaluateNode(parseExpression(whole), scope);
  const sites = findExpressions(text);
  if (sites.length === 0) return text;
  let out = '';
  let at = 0;
  for (const site of sites) {
    out += text.slice(at, site.start) + stringify(evaluateNode(parseExpression(site.expr), scope));
    at = site.end;
  }
  return out + text.slice(at);
}

/** For `when`: accepts `${{ e }}` or a bare `e`; true when the value is truthy. */
export function evaluateCondition(expr: string, scope: ExprScope): boolean {
  return isTruthy(evaluateExpression(expr, scope));
}
