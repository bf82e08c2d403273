// calibration/ambulatory.json checked against the nomenclatures, and the rules ambulatory.ts draws by:
// the shipped file passes, a copy with one bad entry is refused naming it; tariffs change on their dates;
// GPs spread over the three general-medicine specialty codes.
import { describe, expect, it } from 'vitest';
import data from '../../calibration/ambulatory.json' with { type: 'json' };
import { ambulatoryProblems } from '../../src/model/ambulatory-check.js';
import { readNomenclatures, nomenclaturePath } from '../../src/model/calibration.js';
import { gpSpecialty, tariffAt } from '../../src/model/ambulatory.js';
import { day } from '../../src/model/dates.js';
import { readCsv } from '../../src/util/csv.js';

const codes = (table: string, column: string) => new Set(readCsv(nomenclaturePath(table), ';').map((r) => r[column]));
const n = {
  natures: codes('IR_NAT_V', 'PRS_NAT'),
  activities: codes('IR_ACT_V', 'PFS_ACT_NAT'),
  ccam: readNomenclatures().IR_CCAM_V63,
};

describe('calibration/ambulatory.json', () => {
  it('passes its checks as shipped', () => expect(ambulatoryProblems(data, n, 7)).toEqual([]));

  it('refuses an unknown nature, a CCAM code that is none, a band list of the wrong length', () => {
    const bad = structuredClone(data);
    bad.nurse.natures.AMI = 12345;
    bad.dentist.acts[0].ccam = 'XXXX000';
    bad.transport.stay_share.pop();
    const problems = ambulatoryProblems(bad, n, 7);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('nurse.natures.AMI 12345');
    expect(problems.join('\n')).toContain('dentist.acts[0].ccam "XXXX000"');
    expect(problems.join('\n')).toContain('transport.stay_share 6');
  });
});

describe('ambulatory rules', () => {
  it('takes the tariff in force on the day of care', () => {
    const g = data.consultations.tariffs.G as [string, number][];
    // tariffs_2023_2025.csv: EUR 26.50 from 1 November 2023 (règlement arbitral), EUR 30 from 22 December 2024.
    expect(tariffAt(g, day(2023, 10, 31))).toBe(25);
    expect(tariffAt(g, day(2023, 11, 1))).toBe(26.5);
    expect(tariffAt(g, day(2024, 12, 21))).toBe(26.5);
    expect(tariffAt(g, day(2024, 12, 22))).toBe(30);
  });

  it('spreads GPs over specialties 1, 22 and 23 at their shares', () => {
    const count = new Map<number, number>();
    for (let j = 0; j < 20000; j++) count.set(gpSpecialty(j), (count.get(gpSpecialty(j)) ?? 0) + 1);
    expect([...count.keys()].sort((a, b) => a - b)).toEqual([1, 22, 23]);
    for (const [spe, share] of Object.entries(data.consultations.gp_specialty))
      expect(Math.abs(count.get(Number(spe))! / 20000 - share)).toBeLessThan(0.02);
  });
});
