/** Random input never makes the expression language throw anything but ExpressionError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  evaluateExpression,
  findExpressions,
  interpolate,
  referencedPaths,
} from '../../../engine/expr/index.js';
import type { ExprScope } from '../../../engine/expr/types.js';

const scope: ExprScope = {
  spec: { a: [1, { b: 'x' }] },
  params: { p: '1' },
  steps: { s: { outputs: { o: ['v'] } } },
  run: { id: 'r', mode: 'drill', initiator: 'U' },
};

const pieces = fc.constantFrom(
  'spec',
  'params',
  'steps',
  'run',
  '.',
  'a',
  's',
  'outputs',
  'o',
  '[',
  ']',
  '(',
  ')',
  '0',
  "'k'",
  ',',
  '==',
  '!=',
  '<',
  '>=',
  '&&',
  '||',
  '!',
  'true',
  'null',
  'contains',
  'length',
  'join',
  'toJSON',
  '__proto__',
  'constructor',
  ' ',
  '-1.5',
  '${{',
  '}}',
  '"',
  "'",
);
const expressionish = fc.array(pieces, { maxLength: 25 }).map((parts) => parts.join(''));

function onlyExpressionErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
  }
}

describe('expression fuzzing', () => {
  it('parses, inspects and evaluates grammar-shaped noise safely (1,000 cases)', () => {
    fc.assert(
      fc.property(expressionish, (text) => {
        onlyExpressionErrors(() => referencedPaths(text));
        onlyExpressionErrors(() => evaluateExpression(text, scope));
        onlyExpressionErrors(() => findExpressions(text));
        onlyExpressionErrors(() => interpolate({ v: [text] }, scope));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('never leaks the prototype through any path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', '0', 'toString'), {
          maxLength: 5,
        }),
        (keys) => {
          const expr = `spec${keys.map((k) => `['${k}']`).join('')}`;
          const value = evaluateExpression(expr, scope);
          expect(typeof value).not.toBe('function');
          if (keys.some((k) => k !== 'a' && k !== '0')) expect(value).toBeNull();
        },
      ),
      { seed: 8, numRuns: 300 },
    );
  });
});
