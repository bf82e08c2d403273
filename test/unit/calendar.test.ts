// The calendar of care: public holidays, the profiles' yearly weekday and month effects, and draws of a day.
import { describe, expect, it } from 'vitest';
import { dayIn, dayWeights, easter, publicHolidays, weekdayOf, yearCalendar } from '../../src/model/calendar.js';
import { day } from '../../src/model/dates.js';
import { Rng } from '../../src/model/rng.js';

describe('the calendar', () => {
  it('knows Easter and the French public holidays', () => {
    expect(easter(2024)).toBe(day(2024, 3, 31));
    expect(easter(2025)).toBe(day(2025, 4, 20));
    const h = publicHolidays(2024);
    expect(h).toHaveLength(11);
    for (const d of [day(2024, 4, 1), day(2024, 5, 9), day(2024, 5, 20), day(2024, 8, 15), day(2024, 12, 25)])
      expect(h).toContain(d);
    expect(weekdayOf(day(2024, 4, 1))).toBe(0); // Easter Monday
    expect(weekdayOf(day(2024, 5, 9))).toBe(3); // Ascension Thursday
  });

  it('meets the stated weekday mix of the year, holidays included', () => {
    const w = dayWeights(2023, 'gp');
    const start = yearCalendar(2023).start;
    const byDay = new Array(7).fill(0);
    w.forEach((v, i) => (byDay[weekdayOf(start + i)] += v));
    const all = byDay.reduce((a, b) => a + b, 0);
    expect((100 * byDay[0]) / all).toBeCloseTo(20, 6);
    expect((100 * byDay[6]) / all).toBeCloseTo(1.2, 6);
  });

  it('draws days inside [from, to), never on a closed day, with the profile month effect', () => {
    const c = yearCalendar(2023);
    const rng = new Rng(7);
    const [from, to] = [day(2023, 3, 10), day(2023, 3, 20)];
    for (let k = 0; k < 2000; k++) {
      const d = dayIn(c, c.tables.specialist, from, to, rng.float());
      expect(d).toBeGreaterThanOrEqual(from);
      expect(d).toBeLessThan(to);
      expect(weekdayOf(d)).toBeLessThan(6);
    }
    // A span with no weight at all falls back to uniform.
    expect(dayIn(c, c.tables.specialist, day(2023, 1, 1), day(2023, 1, 2), 0.99)).toBe(day(2023, 1, 1));
    // Deaths over a whole year: January about 14% above the mean day, August 9% below.
    const n = 200_000;
    const months = new Array(12).fill(0);
    for (let k = 0; k < n; k++) {
      const d = dayIn(c, c.tables.death, c.start, c.start + 365, rng.float());
      months[c.month[d - c.start] - 1]++;
    }
    expect((100 * months[0]) / 31 / (n / 365)).toBeCloseTo(114, -1);
    expect((100 * months[7]) / 31 / (n / 365)).toBeCloseTo(91, -1);
  });
});
