// Remission: a condition with a remission rate ends at that yearly rate, never before its delay after an
// onset inside the years; its care stops after the year it ends and its ALD is not renewed at the next term.
import { describe, expect, it } from 'vitest';
import { holdsIn, person, type Params } from '../../src/model/population.js';
import { calibration } from '../../src/model/calibration.js';
import { aldPeriodsOf } from '../../src/model/coverage.js';
import { day, SENTINEL_DATE } from '../../src/model/dates.js';

const p: Params = { seed: 7, beneficiaries: 60_000, firstYear: 2022, lastYear: 2024 };
const m = calibration().model;
const cancer = m.conditions.findIndex((c) => c.name === 'cancer');
const people = Array.from({ length: p.beneficiaries }, (_, i) => person(p, i));

describe('remission', () => {
  it('ends only the conditions that have a rate, at that rate a year', () => {
    const rate = m.conditions[cancer].remission!.per_year;
    let exposed = 0;
    let ended = 0;
    for (const who of people) {
      for (const k of who.ended.keys()) expect(m.conditions[k].remission, m.conditions[k].name).toBeDefined();
      // The first year, for those who hold it from before the window and live through it.
      if (
        !who.conditions.includes(cancer) ||
        who.onset.has(cancer) ||
        (who.death !== SENTINEL_DATE && who.death < day(2023, 1, 1))
      )
        continue;
      exposed++;
      if (who.ended.get(cancer) === 2022) ended++;
    }
    expect(exposed).toBeGreaterThan(1500);
    const sd = Math.sqrt((rate * (1 - rate)) / exposed);
    expect(Math.abs(ended / exposed - rate)).toBeLessThan(4 * sd);
  });

  it('never ends a condition begun inside the years before its delay', () => {
    const delay = m.conditions[cancer].remission!.after_years!;
    expect(delay * 365).toBeGreaterThan(3 * 366);
    for (const who of people) if (who.onset.has(cancer)) expect(who.ended.has(cancer)).toBe(false);
  });

  it('stops the care after the year it ends, and the ALD at the term of the period running then', () => {
    let checked = 0;
    for (const who of people) {
      const y = who.ended.get(cancer);
      if (y === undefined) continue;
      expect(holdsIn(who, cancer, y)).toBe(true);
      expect(holdsIn(who, cancer, y + 1)).toBe(false);
      if (!who.ald.has(cancer)) continue;
      const number = m.conditions[cancer].ald!.number;
      const periods = aldPeriodsOf(p, who).filter((x) => x.number === number);
      // Periods chain until one runs past the end of the year of remission; none begins after it.
      expect(periods.every((x) => x.start <= day(y, 12, 31))).toBe(true);
      expect(periods.at(-1)!.end).toBeGreaterThanOrEqual(day(y, 12, 31));
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
