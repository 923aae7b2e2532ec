import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  evaluateCondition,
  evaluateExpression,
  findExpressions,
  interpolate,
  parseExpression,
  referencedPaths,
} from '../../../engine/expr/index.js';
import type { ExprScope } from '../../../engine/expr/types.js';

const scope: ExprScope = {
  spec: { objectives: { rto: '15m', rpo: '1h' }, dns: { zone: 'Z0', record: 'shop.example.com' } },
  params: { reason: 'game day', count: '3' },
  steps: {
    'rpo-gate': { outputs: { points: { 'i-1': 'rp-1' }, ageMs: 1200 } },
    launch: { outputs: { privateIps: ['10.0.0.5', '10.0.0.6'], instanceIds: ['i-a'] }, status: 'succeeded' },
  },
  run: { id: 'r1', mode: 'drill', initiator: 'U1' },
};

function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error('expected an ExpressionError');
}

describe('findExpressions', () => {
  it('locates each ${{ }} with its offsets and trimmed inside', () => {
    const text = 'a ${{ steps.x.outputs.y }} b ${{1}}';
    expect(findExpressions(text)).toEqual([
      { expr: 'steps.x.outputs.y', start: 2, end: 26 },
      { expr: '1', start: 29, end: 35 },
    ]);
  });

  it('ignores }} inside quoted strings', () => {
    expect(findExpressions("${{ 'a}}b' }}")).toEqual([{ expr: "'a}}b'", start: 0, end: 13 }]);
  });

  it('throws on an unclosed ${{ with its offset', () => {
    const err = errorOf(() => findExpressions('ok ${{ spec.x'));
    expect(err.code).toBe('EXPRESSION_INVALID');
    expect(err.offset).toBe(3);
  });

  it('returns nothing for plain text', () => {
    expect(findExpressions('plain $ { {')).toEqual([]);
  });
});

describe('parseExpression', () => {
  it('reads hyphenated identifiers as one name', () => {
    const node = parseExpression('steps.rpo-gate.outputs.points');
    expect(node).toMatchObject({ kind: 'member', property: 'points' });
  });

  it.each([
    ['foo.bar', 0, 'unknown name'],
    ['spec.', 5, 'property name'],
    ['(spec', 5, 'expected ")"'],
    ['1 = 2', 2, 'unexpected character'],
    ['nope(1)', 0, 'unknown function'],
    ['length(1, 2)', 0, 'argument'],
    ["'open", 0, 'unterminated'],
    ['spec spec', 5, 'after the expression'],
    ['', 0, 'empty'],
  ])('rejects %j at offset %i', (expr, offset, message) => {
    const err = errorOf(() => parseExpression(expr));
    expect(err.offset).toBe(offset);
    expect(err.message).toContain(message);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(() => parseExpression(`${'('.repeat(200)}1${')'.repeat(200)}`)).toThrow(ExpressionError);
    expect(() => parseExpression(`${'!'.repeat(500)}true`)).toThrow(ExpressionError);
  });
});

describe('referencedPaths', () => {
  it('lists every static path', () => {
    expect(referencedPaths("steps.rpo-gate.outputs.points || spec.objectives['rpo']")).toEqual([
      ['steps', 'rpo-gate', 'outputs', 'points'],
      ['spec', 'objectives', 'rpo'],
    ]);
  });

  it('includes literal indexes and the paths used inside computed ones', () => {
    expect(referencedPaths('steps.launch.outputs.privateIps[0]')).toEqual([
      ['steps', 'launch', 'outputs', 'privateIps', '0'],
    ]);
    expect(referencedPaths('steps.a.outputs.m[params.key]')).toEqual([
      ['steps', 'a', 'outputs', 'm'],
      ['params', 'key'],
    ]);
  });

  it('finds paths in function arguments', () => {
    expect(referencedPaths("contains(run.mode, 'dr')")).toEqual([['run', 'mode']]);
  });
});

describe('evaluateExpression', () => {
  it.each([
    ['spec.objectives.rpo', '1h'],
    ['steps.rpo-gate.outputs.ageMs > 1000', true],
    ['steps.launch.outputs.privateIps[1]', '10.0.0.6'],
    ["steps['launch'].outputs.instanceIds", ['i-a']],
    ['steps.missing.outputs.x', null],
    ['spec.objectives.rto.deeper.still', null],
    ["run.mode == 'drill' && params.reason != ''", true],
    ["params.nope || 'fallback'", 'fallback'],
    ['!(1 < 2)', false],
    ['params.count == 3', true],
    ["'a' < 'b'", true],
    ['null == steps.x', true],
    ['length(steps.launch.outputs.privateIps)', 2],
    ["join(steps.launch.outputs.privateIps, ' ')", '10.0.0.5 10.0.0.6'],
    ["contains(steps.launch.outputs.instanceIds, 'i-a')", true],
    ["contains('Hello', 'ELL')", true],
    ["startsWith(params.reason, 'game')", true],
    ["endsWith(spec.dns.record, '.com')", true],
    ['toJSON(steps.rpo-gate.outputs.points)', '{\n  "i-1": "rp-1"\n}'],
    ['-1.5 < 0', true],
    ['${{ spec.dns.zone }}', 'Z0'],
  ])('%s → %j', (expr, expected) => {
    expect(evaluateExpression(expr, scope)).toEqual(expected);
  });

  it('never reaches the prototype chain', () => {
    expect(evaluateExpression('spec.__proto__', scope)).toBeNull();
    expect(evaluateExpression('spec.constructor', scope)).toBeNull();
    expect(evaluateExpression("spec['constructor']['prototype']", scope)).toBeNull();
    expect(evaluateExpression('steps.launch.outputs.privateIps.constructor', scope)).toBeNull();
  });
});

describe('interpolate', () => {
  it('keeps the raw value of a whole-string expression', () => {
    expect(interpolate('${{ steps.rpo-gate.outputs.points }}', scope)).toEqual({ 'i-1': 'rp-1' });
    expect(interpolate(' ${{ steps.rpo-gate.outputs.ageMs }} ', scope)).toBe(1200);
  });

  it('interpolates mixed text and walks arrays and objects', () => {
    const value = {
      message:
        'Run ${{ run.id }} in ${{ run.mode }} with ${{ steps.launch.outputs.instanceIds }}${{ steps.x }}',
      list: ['${{ spec.objectives.rto }}', 7, true, null],
    };
    expect(interpolate(value, scope)).toEqual({
      message: 'Run r1 in drill with ["i-a"]',
      list: ['15m', 7, true, null],
    });
  });

  it('does not mutate its input', () => {
    const input = Object.freeze({ a: Object.freeze(['${{ run.id }}']) });
    expect(interpolate(input, scope)).toEqual({ a: ['r1'] });
  });
});

describe('evaluateCondition', () => {
  it('accepts wrapped and bare expressions', () => {
    expect(evaluateCondition("${{ run.mode == 'drill' }}", scope)).toBe(true);
    expect(evaluateCondition("run.mode == 'failover'", scope)).toBe(false);
    expect(evaluateCondition('steps.launch.outputs.privateIps', scope)).toBe(true);
    expect(evaluateCondition('steps.none.outputs.x', scope)).toBe(false);
  });

  it('throws ExpressionError on bad syntax', () => {
    expect(() => evaluateCondition('run.mode ==', scope)).toThrow(ExpressionError);
  });
});
