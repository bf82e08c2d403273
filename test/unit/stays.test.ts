// A full hospital stay keeps the person in hospital: no office care and no pharmacy delivery strictly
// inside it, whichever year the stay was drawn with (a stay ending in death early in January begins in
// December, and December's care must fall too).
import { describe, expect, it } from 'vitest';
import { careOfYear, type Claim } from '../../src/model/care.js';
import { person, type Params } from '../../src/model/population.js';
import { day } from '../../src/model/dates.js';

const OFFICE = new Set(['gp', 'specialist', 'ccam', 'lab', 'pharmacy']);

describe('care around full stays', () => {
  const p: Params = { seed: 12, beneficiaries: 100_000, firstYear: 2023, lastYear: 2024 };

  it('falls inside every full stay, stays across the new year included', () => {
    const newYear = day(2024, 1, 1);
    let across = 0;
    const inside: string[] = [];
    for (let i = 0; i < 8_000; i++) {
      const who = person(p, i);
      const years = [2023, 2024].map((y) => careOfYear(p, who, y));
      const stays = years.flatMap((x) => x.stays).filter((s) => s.seances === 0 && s.exit > s.entry);
      const claims: Claim[] = years.flatMap((x) => x.claims);
      for (const s of stays) {
        if (s.entry < newYear && s.exit >= newYear) across++;
        for (const c of claims) {
          // Allowances (an 'act' without an executant's activity) go on in hospital.
          const office = OFFICE.has(c.kind) || (c.kind === 'act' && !!c.activity);
          if (office && c.date > s.entry && c.date < s.exit) inside.push(`person ${i}: ${c.kind} on day ${c.date}`);
        }
      }
    }
    expect(across).toBeGreaterThan(0);
    expect(inside).toEqual([]);
  }, 60_000);
});
