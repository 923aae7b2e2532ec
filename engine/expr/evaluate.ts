/**
 * Evaluates a parsed expression against a scope. Never throws on missing data: an absent property
 * is `null`, as in GitHub Actions, so `when: ${{ steps.x.outputs.y == 'z' }}` is safe to write.
 * Only own, non-prototype properties are readable, so `__proto__`/`constructor` lead nowhere.
 */
import type { ExprNode } from './ast.js';
import type { ExprScope } from './types.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function evaluateNode(node: ExprNode, scope: ExprScope): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'root':
      return scope[node.name] ?? null;
    case 'member':
      return readProperty(evaluateNode(node.object, scope), node.property);
    case 'index': {
      const key = evaluateNode(node.index, scope);
      if (typeof key !== 'string' && typeof key !== 'number') return null;
      return readProperty(evaluateNode(node.object, scope), key);
    }
    case 'not':
      return !isTruthy(evaluateNode(node.operand, scope));
    case 'binary':
      return evaluateBinary(node, scope);
    case 'call':
      return callFunction(
        node.name,
        node.args.map((arg) => evaluateNode(arg, scope)),
      );
  }
}

function evaluateBinary(node: Extract<ExprNode, { kind: 'binary' }>, scope: ExprScope): unknown {
  const left = evaluateNode(node.left, scope);
  // && and || short-circuit and yield an operand, so `a || 'default'` works.
  if (node.op === '&&') return isTruthy(left) ? evaluateNode(node.right, scope) : left;
  if (node.op === '||') return isTruthy(left) ? left : evaluateNode(node.right, scope);
  const right = evaluateNode(node.right, scope);
  switch (node.op) {
    case '==':
      return looseEquals(left, right);
    case '!=':
      return !looseEquals(left, right);
    default:
      return compare(node.op, left, right);
  }
}

export function readProperty(target: unknown, key: string | number): unknown {
  if (target === null || typeof target !== 'object') return null;
  const name = String(key);
  if (FORBIDDEN.has(name) || !Object.hasOwn(target, name)) return null;
  const value = (target as Record<string, unknown>)[name];
  return value === undefined ? null : value;
}

export function isTruthy(value: unknown): boolean {
  return Boolean(value);
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  if (typeof value === 'number') return value;
  return Number.NaN;
}

/** Same type: strict equality; null equals null; otherwise numbers coerce, as GitHub Actions does. */
function looseEquals(left: unknown, right: unknown): boolean {
  const l = left === undefined ? null : left;
  const r = right === undefined ? null : right;
  if (typeof l === typeof r && (l === null) === (r === null)) return l === r;
  if (typeof l === 'object' || typeof r === 'object') return false;
  return toNumber(l) === toNumber(r);
}

function compare(op: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  let l: number | string;
  let r: number | string;
  if (typeof left === 'string' && typeof right === 'string') {
    l = left;
    r = right;
  } else {
    l = toNumber(left);
    r = toNumber(right);
    if (Number.isNaN(l) || Number.isNaN(r)) return false;
  }
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
  }
}

/** How a value reads inside a larger string: null is empty, objects are JSON. */
export function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function callFunction(name: string, args: unknown[]): unknown {
  const [a, b] = args;
  switch (name) {
    case 'contains':
      if (Array.isArray(a)) return a.some((item) => looseEquals(item, b));
      return stringify(a).toLowerCase().includes(stringify(b).toLowerCase());
    case 'startsWith':
      return stringify(a).toLowerCase().startsWith(stringify(b).toLowerCase());
    case 'endsWith':
      return stringify(a).toLowerCase().endsWith(stringify(b).toLowerCase());
    case 'length':
      if (Array.isArray(a) || typeof a === 'string') return a.length;
      if (a !== null && typeof a === 'object') return Object.keys(a).length;
      return 0;
    case 'join': {
      const separator = b === undefined || b === null ? ',' : stringify(b);
      return Array.isArray(a) ? a.map(stringify).join(separator) : stringify(a);
    }
    case 'toJSON':
      return JSON.stringify(a ?? null, null, 2);
    default:
      return null;
  }
}
