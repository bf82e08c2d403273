// calibration/model.json checked against the nomenclatures and itself: the shipped model passes, and a
// copy with one bad entry is refused with one line that names the entry.
import { describe, expect, it } from 'vitest';
import { checkModel, modelProblems } from '../../src/model/check.js';
import { loadModel, type Model } from '../../src/model/conditions.js';
import { readNomenclatures } from '../../src/model/calibration.js';
import { UsageError } from '../../src/util/errors.js';

const model = loadModel();
const nomenclatures = readNomenclatures();

/** The message checkModel refuses a copy of the model with, once `change` is made to it. */
function refusal(change: (m: Model) => void): string {
  const m = structuredClone(model);
  change(m);
  try {
    checkModel(m, nomenclatures);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('the changed model passed');
}

describe('the model check', () => {
  it('passes the shipped model', () => {
    expect(modelProblems(model, nomenclatures)).toEqual([]);
    expect(() => checkModel(model, nomenclatures)).not.toThrow();
  });

  const cases: [string, (m: Model) => void, string][] = [
    [
      'an unknown ATC code (chronic)',
      (m) => (m.conditions[0].drugs[1].atc = 'A10BJ99'),
      'conditions[diabetes].drugs[1]',
    ],
    ['an unknown CCAM act', (m) => (m.specialist.mix[0].ccam = 'BGQP999'), 'specialist.mix[0].ccam "BGQP999"'],
    ['an unpriced CCAM act', (m) => (m.specialist.mix[0].ccam = 'AHQP001'), 'mix[0].ccam "AHQP001" has no price'],
    [
      'an unknown ICD-10 code (stay)',
      (m) => Object.assign(m.stays.chapters[0].codes, { Q99X: 1 }),
      'stays.chapters[XXI].codes "Q99X"',
    ],
    ['an unknown ICD-10 code (ALD)', (m) => (m.conditions[0].ald!.icd10 = 'E1X9'), 'conditions[diabetes].ald.icd10'],
    ['an unknown ICD-10 code (death)', (m) => (m.deaths.groups[3].codes[0] = 'U999'), 'deaths.groups[covid].codes[0]'],
    ['an unknown ALD number', (m) => (m.conditions[0].ald!.number = 31), 'conditions[diabetes].ald.number 31'],
    ['an unknown specialty', (m) => (m.specialist.mix[1].spe = 777), 'specialist.mix[1].spe 777'],
    [
      'an unknown NABM act',
      (m) => (m.conditions[0].biology[0].nabm = 999999),
      'conditions[diabetes].biology[0].nabm 999999',
    ],
    ['a per-band list of the wrong length', (m) => m.gp.age_weight.pop(), 'gp.age_weight has 6 entries'],
    ['an age bound past the shared draw', (m) => (m.stays.chapters[9].max_age = 60), 'stays.chapters[XV].max_age 60'],
  ];
  for (const [what, change, entry] of cases) {
    it(`refuses ${what}, naming the entry on one line`, () => {
      const message = refusal(change);
      expect(message).toContain(entry);
      expect(message).toMatch(/^calibration\/model\.json: [^\n]+$/);
    });
  }

  it('names the first problem and counts the others', () => {
    const message = refusal((m) => {
      m.conditions[0].drugs[0].atc = 'Z99ZZ99';
      m.deaths.groups[3].codes[0] = 'U999';
    });
    expect(message).toMatch(/conditions\[diabetes\]\.drugs\[0\]\.atc "Z99ZZ99" .* \(and 1 more\)$/);
  });
});
