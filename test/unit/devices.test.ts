// calibration/devices.json checked against the nomenclatures, and the devices the model draws: who gets
// them (CPAP at its share, glucose sensors only to insulin users, hearing aids to the old), and what a
// line bills (the LPP base, the supplier's price above it as the excess).
import { describe, expect, it } from 'vitest';
import data from '../../calibration/devices.json' with { type: 'json' };
import model from '../../calibration/model.json' with { type: 'json' };
import { deviceProblems } from '../../src/model/devices-check.js';
import { nomenclaturePath } from '../../src/model/calibration.js';
import { careOfYear } from '../../src/model/care.js';
import { ageAt, person, type Params } from '../../src/model/population.js';
import { readCsv } from '../../src/util/csv.js';

const codes = (table: string, column: string) => new Set(readCsv(nomenclaturePath(table), ';').map((r) => r[column]));
const n = { natures: codes('IR_NAT_V', 'PRS_NAT'), activities: codes('IR_ACT_V', 'PFS_ACT_NAT') };
const bands = model.age_bands.length;
const conditions = model.conditions;

describe('calibration/devices.json', () => {
  it('passes its checks as shipped', () => expect(deviceProblems(data, n, bands, conditions)).toEqual([]));

  it('refuses a nature that is none or not an LPP one, a short band list, an unknown condition', () => {
    const bad = structuredClone(data);
    bad.cpap.nature = 12345;
    bad.hearing_aids.class_1.nature = 1110;
    bad.optics.glasses_share.pop();
    bad.glucose.condition = 'diabetis';
    const problems = deviceProblems(bad, n, bands, conditions).join('\n');
    expect(problems).toContain('cpap.nature 12345 is not a PRS_NAT_REF nature');
    expect(problems).toContain('hearing_aids.class_1.nature 1110 is not an LPP nature');
    expect(problems).toContain('optics.glasses_share 6 entries');
    expect(problems).toContain('glucose.condition "diabetis" names no condition');
  });
});

describe('devices drawn', () => {
  const p: Params = { seed: 7, beneficiaries: 100_000, firstYear: 2023, lastYear: 2023 };
  const people = 4000;
  const years = Array.from({ length: people }, (_, i) => {
    const who = person(p, i);
    return { who, ...careOfYear(p, who, 2023) };
  });
  const S = data.suppliers;

  it('gives CPAP to about 1.7 M of 68 M people, more men than women', () => {
    const users = years.filter((x) => x.claims.some((c) => c.activity === S.provider && c.acts?.[0].nature === 3511));
    const share = users.length / people;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.04);
    const men = users.filter((x) => x.who.sex === 1).length;
    expect(men / users.length).toBeGreaterThan(0.55);
  });

  it('gives glucose sensors only to diabetics delivered insulin in the year, and to most of them', () => {
    const diabetes = model.conditions.indexOf(data.glucose.condition);
    let sensors = 0;
    let insulinUsers = 0;
    for (const x of years) {
      const insulin = x.claims.some((c) => c.drugs.some((d) => d.atc.startsWith(data.glucose.insulin_atc)));
      const diabetic = x.who.conditions.includes(diabetes);
      const sensor = x.claims.some(
        (c) => c.acts?.some((l) => l.nature === data.glucose.sensor.nature) && c.activity === 50,
      );
      if (diabetic && insulin) insulinUsers++;
      if (sensor && diabetic && insulin) sensors++;
      if (sensor) expect(diabetic).toBe(true);
    }
    expect(insulinUsers).toBeGreaterThan(10);
    expect(sensors / insulinUsers).toBeGreaterThan(0.8);
  });

  it('fits hearing aids to the old only, and bills glasses at their base with the excess above it', () => {
    let glasses = 0;
    for (const x of years) {
      for (const c of x.claims) {
        if (c.activity === S.audioprosthetist) expect(ageAt(x.who, c.date)).toBeGreaterThanOrEqual(30);
        if (c.activity !== S.optician) continue;
        glasses++;
        for (const l of c.acts!) {
          expect(l.base).toBeGreaterThan(0);
          expect(l.overbilling).toBeGreaterThanOrEqual(0);
          expect(l.rate).toBe(data.rate);
        }
      }
    }
    // About a fifth of people buy glasses or lenses in a year.
    expect(glasses / people).toBeGreaterThan(0.12);
    expect(glasses / people).toBeLessThan(0.35);
  });
});
