// The drug catalogue and the delivery model: real packs, the catalogue's breadth, the dispensing lines of a
// delivery, the biology lines of a lab visit, and the drug and biology parameters checked against the
// nomenclatures.
import { describe, expect, it } from 'vitest';
import { catalogue, substance } from '../../src/model/drug-catalogue.js';
import { drugModelProblems } from '../../src/model/check-drugs.js';
import { readNomenclatures } from '../../src/model/calibration.js';
import { dispensingLines } from '../../src/model/dispensing.js';
import { labLines, withForfaits } from '../../src/model/biology.js';

const packs = (atc: string) => substance(atc).presentations.map((p) => p.packSize);

describe('the drug catalogue', () => {
  it('holds at least 150 substances, several presentations where real', () => {
    expect(catalogue().substances.size).toBeGreaterThanOrEqual(150);
    expect(packs('N02BE01')).toEqual(expect.arrayContaining([8, 16]));
    expect(packs('A10AE04')).toEqual([5]);
    expect(packs('C10AA05')).toEqual(expect.arrayContaining([30, 90]));
  });

  it('passes its own checks against the nomenclatures', () => {
    expect(drugModelProblems(readNomenclatures(), 7)).toEqual([]);
  });
});

describe('a delivery as the DCIR bills it', () => {
  const pack = (atc: string, k = 0) => substance(atc).presentations[k].index;
  it('has one line per rate, its box fee, the prescription fee and the age fee', () => {
    const drugs = [
      { atc: 'N02BE01', boxes: 3, presentation: pack('N02BE01') },
      { atc: 'A03AX12', boxes: 1, presentation: pack('A03AX12') },
    ];
    const lines = dispensingLines(drugs, false, 75);
    expect(lines.map((l) => l.nature)).toEqual([3313, 3312, 3386, 3385, 3364, 3365]);
    expect(lines[0].quantity).toBe(3);
    expect(lines.flatMap((l) => l.drugs)).toHaveLength(2);
    expect(dispensingLines(drugs, true, 40).map((l) => l.rate)).toEqual([100, 100, 100]);
  });
});

describe('a lab visit', () => {
  it('bills each test and forfait on its own line, and the blood sampling', () => {
    const tests = withForfaits([1104, 5201]);
    expect(tests).toEqual([1104, 5201, 9005, 9105, 9106]);
    const lines = labLines(tests, false);
    expect(lines.map((l) => l.nature)).toEqual([3211, 3211, 3211, 3211, 3211, 3223]);
    expect(lines.every((l) => l.base > 0)).toBe(true);
  });
});
