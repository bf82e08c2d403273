// What repeated runs allow the scorecard to say: medians and ranges, and a ranking only where ranges
// do not overlap.
import { describe, expect, it } from 'vitest';
import { interval, ranking, showInterval } from '../../src/report/intervals.js';

describe('intervals', () => {
  it('median and range of the runs', () => {
    expect(interval([340, 371, 357])).toEqual({ median: 357, min: 340, max: 371, n: 3 });
    expect(interval([2, 1, 4, 3])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(interval([])).toBeNull();
    expect(showInterval(interval([340, 371, 357])!, String)).toBe('357 [340–371]');
    expect(showInterval(interval([357])!, String)).toBe('357');
  });

  it('ranks only where the ranges are apart', () => {
    const a = interval([350, 357, 364]);
    const b = interval([338, 340, 352]);
    const c = interval([100, 110, 120]);
    expect(ranking('>=', { a, b })).toBe('a ≈ b: indistinguishable');
    expect(ranking('>=', { a, b, c })).toBe('a ≈ b > c');
    expect(ranking('<=', { a, c })).toBe('c > a');
    // One run each says nothing of the noise: 357 against 340 ranks nobody.
    expect(ranking('>=', { a: interval([357]), b: interval([340]) })).toBe('a ≈ b: indistinguishable');
    expect(ranking('==', { a, b })).toBeNull();
    expect(ranking('>=', { a, b: null })).toBeNull();
  });
});
