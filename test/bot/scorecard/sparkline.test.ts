import { describe, expect, it } from 'vitest';
import { SPARK_BARS, sparkline } from '../../../bot/scorecard/sparkline.js';

describe('sparkline', () => {
  it('draws the lowest value with the lowest bar and the highest with the highest', () => {
    expect(sparkline([1, 8])).toBe('▁█');
    expect(sparkline([10, 40, 20, 70])).toBe('▁▅▂█');
  });

  it('uses all eight heights for an even ramp', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe(SPARK_BARS.join(''));
  });

  it('draws a flat series at mid height and a gap for a missing value', () => {
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([1, undefined, 3])).toBe('▁ █');
  });

  it('is empty when nothing was measured', () => {
    expect(sparkline([])).toBe('');
    expect(sparkline([undefined])).toBe('');
  });
});
