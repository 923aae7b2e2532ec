import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { durationMs } from '../../../engine/actions/support/inputs.js';
import { isDuration, MAX_DURATION_MS, parseDuration } from '../../../engine/duration.js';
import { checkRunbook } from '../../../engine/runbook/load.js';

const minimal = readFileSync(new URL('../../fixtures/runbooks/valid/minimal.yaml', import.meta.url), 'utf8');

function withDefaults(yaml: string): string {
  return minimal.replace(
    '  protect: { tags: { dr-tier: app } }\n',
    `  protect: { tags: { dr-tier: app } }\n${yaml}`,
  );
}

describe('durations are bounded', () => {
  it('parseDuration refuses more than 365d', () => {
    expect(parseDuration('365d')).toBe(MAX_DURATION_MS);
    expect(() => parseDuration('366d')).toThrow(/longer than 365d/);
    expect(() => parseDuration('999999999d')).toThrow(RangeError);
    expect(isDuration('364d23h')).toBe(true);
    expect(isDuration('365d1ms')).toBe(false);
  });

  it('drillTtl: 999999999d is a lint error at its position', () => {
    const text = withDefaults('  defaults:\n    drillTtl: 999999999d\n');
    const line = text.split('\n').findIndex((l) => l.includes('999999999d')) + 1;
    const result = checkRunbook(text, 'ttl.yaml');
    expect(result.runbook).toBeUndefined();
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'DURATION_TOO_LONG',
        path: 'spec.defaults.drillTtl',
        line,
        col: 15,
        severity: 'error',
        message: '"999999999d" is longer than 365d, the longest duration allowed',
      }),
    ]);
  });

  it('bounds step timeouts and action inputs too', () => {
    const step = (extra: string) =>
      minimal.replace(
        '          rto: end\n      cleanup:',
        `          rto: end\n        - { id: nap, action: wait, needs: [health], ${extra} }\n      cleanup:`,
      );
    const timeout = checkRunbook(step('with: { duration: 1h }, timeout: 9999d'), 'timeout.yaml');
    expect(timeout.issues.map((i) => [i.code, i.path])).toEqual([
      ['DURATION_TOO_LONG', 'spec.modes.drill.steps[3].timeout'],
    ]);
    const input = checkRunbook(step('with: { duration: 400d }'), 'wait.yaml');
    expect(input.issues.map((i) => [i.code, i.path])).toEqual([
      ['DURATION_TOO_LONG', 'spec.modes.drill.steps[3].with.duration'],
    ]);
  });

  it('a year is still fine', () => {
    const result = checkRunbook(withDefaults('  defaults:\n    drillTtl: 365d\n'), 'ttl.yaml');
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('an expression that evaluates to a too-long duration is refused at run time', () => {
    expect(() => durationMs('wait', { duration: '999999999d' }, 'duration')).toThrow(/at most 365d/);
    expect(() => durationMs('wait', { duration: MAX_DURATION_MS + 1 }, 'duration')).toThrow(/at most 365d/);
  });
});
