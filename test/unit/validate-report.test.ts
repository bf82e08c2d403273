// The realism report's chart of every ranged check: where each value falls in its allowed range.
import { describe, expect, it } from 'vitest';
import { bandPositions } from '../../src/dataset/validate-report.js';
import type { Check } from '../../src/dataset/validate.js';

const check = (value: string, expected: string, ok = true): Check => ({ group: 'g', name: 'n', ok, value, expected });

describe('bandPositions', () => {
  it("puts a value at -1, 0 and +1 at its range's low end, middle and high end", () => {
    const at = bandPositions([check('10', '10–20'), check('15.0%', '10.0–20.0%'), check('1,200', '800–1,200')]);
    expect(at.map((b) => b.position)).toEqual([-1, 0, 1]);
  });

  it('places a failed value beyond the ends, on its own side', () => {
    const [low, high] = bandPositions([check('5', '10–20', false), check('30', '10–20', false)]);
    expect(low.position).toBe(-2);
    expect(high.position).toBe(3);
  });

  it('leaves out checks without a numeric range', () => {
    expect(bandPositions([check('0', '0'), check('yes', '10–20'), check('3', '≥ 2'), check('4', '5–5')])).toEqual([]);
  });
});
