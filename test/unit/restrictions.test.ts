import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { calibration, checkCalibration, drawnDiagnoses } from '../../src/model/calibration.js';
import { allowed, CodePicker, codePicker, codeWeight, RULES } from '../../src/model/restrictions.js';
import { cmdOf, ghmOf } from '../../src/model/grouping.js';
import { stayActs } from '../../src/model/care.js';
import { Rng } from '../../src/model/rng.js';
import { violationSql } from '../../src/dataset/checks/coherence.js';

describe('restrictions.json', () => {
  it('is well-formed and names only known codes (checked when the model loads)', () => {
    expect(() => checkCalibration()).not.toThrow();
    for (const r of RULES) {
      expect(r.codes.length).toBeGreaterThan(0);
      expect(r.why.length).toBeGreaterThan(0);
      expect(r.sex === undefined || r.sex === 1 || r.sex === 2).toBe(true);
      expect(r.sex !== undefined || r.min_age !== undefined || r.max_age !== undefined || r.weight_by_sex).toBeTruthy();
    }
  });

  it('keeps sex-specific and age-bound codes to the patients they fit', () => {
    expect(allowed('icd10', 'C61', 2, 70)).toBe(false);
    expect(allowed('icd10', 'C61', 1, 70)).toBe(true);
    expect(allowed('icd10', 'O800', 1, 30)).toBe(false);
    expect(allowed('icd10', 'O800', 2, 60)).toBe(false);
    expect(allowed('icd10', 'P599', 2, 1)).toBe(false);
    expect(allowed('ccam', 'NEKA020', 1, 15)).toBe(false);
    expect(allowed('atc', 'N06AB10', 2, 11)).toBe(false);
    expect(allowed('nabm', 7318, 2, 60)).toBe(false);
    expect(codeWeight('icd10', 'C509', 1, 60)).toBeCloseTo(0.01);
  });

  it('a picker never returns a code that does not fit, and draws a rare one at its weight', () => {
    const picker = codePicker('icd10', { C509: 1, C61: 1, O800: 1, P599: 1, I48: 1 });
    const rng = new Rng(42);
    let breast = 0;
    for (let i = 0; i < 20000; i++) {
      const sex = 1 + (i % 2);
      const age = i % 100;
      const code = picker.pick(rng, sex, age)?.[0];
      if (code) expect(allowed('icd10', code, sex, age)).toBe(true);
      if (code === 'C509' && sex === 1) breast++;
    }
    expect(breast).toBeLessThan(100);
    expect(new CodePicker(['O800'], (c, s, a) => codeWeight('icd10', c, s, a)).pick(rng, 1, 30)).toBeUndefined();
  });
});

describe('grouping.json', () => {
  const roots = calibration().roots;
  it('gives every ICD-10 chapter a CMD', () => {
    for (const dp of ['A099', 'C189', 'C509', 'C61', 'C349', 'O800', 'P599', 'Z380', 'Z511', 'Z491', 'Z510', 'K802']) {
      expect(cmdOf(dp)).toBeDefined();
    }
    expect([cmdOf('C189'), cmdOf('C509'), cmdOf('C61'), cmdOf('C349')]).toEqual(['06', '09', '12', '04']);
    expect([cmdOf('O800'), cmdOf('Z380'), cmdOf('Z511'), cmdOf('Z491')]).toEqual(['14', '15', '28', '28']);
    for (const dp of drawnDiagnoses()) expect(cmdOf(dp)).toBeDefined();
  });

  it('makes a surgical GHM only with its act, in the DP CMD, at a V11 level from length and age', () => {
    const stay = { dp: 'M169', acts: [] as string[], nights: 3, age: 60, died: false };
    expect(ghmOf(roots, stay)).toBe('08M101');
    expect(ghmOf(roots, { ...stay, nights: 7 })).toBe('08M102');
    expect(ghmOf(roots, { ...stay, nights: 1 })).toBe('08M10T');
    expect(ghmOf(roots, { ...stay, acts: ['NEKA020', 'ZZLP025'] })).toBe('08C481');
    expect(ghmOf(roots, { ...stay, acts: ['NEKA020'], nights: 15, age: 85 })).toBe('08C484');
    // A level above 1 needs its minimum length whatever the age.
    expect(ghmOf(roots, { ...stay, acts: ['NEKA020'], nights: 2, age: 95 })).toBe('08C481');
    expect(ghmOf(roots, { ...stay, dp: 'H251', acts: ['BFGA427'], nights: 0, age: 75 })).toBe('02C05J');
    expect(ghmOf(roots, { ...stay, dp: 'Z511', nights: 0 })).toBe('28Z07Z');
    expect(ghmOf(roots, { ...stay, dp: 'Z380', age: 0 })).toBe('15M05A');
    expect(ghmOf(roots, { ...stay, dp: 'Z380', age: 0, weight: 1900 })).toBe('15M09A');
    expect(ghmOf(roots, { ...stay, dp: 'I214', nights: 1, died: true })).toBe('05M21E');
    expect(ghmOf(roots, { ...stay, dp: 'O800', age: 30, acts: ['JQGD010'] })).toBe('14Z14A');
    expect(ghmOf(roots, { ...stay, dp: 'O820', age: 30, acts: ['JQGA002', 'ZZLP025'] })).toBe('14C08A');
  });

  it('groups only into GHMs of the classification', () => {
    const ghms = new Set(calibration().ghs.keys());
    const rng = new Rng(3);
    for (const dp of drawnDiagnoses()) {
      for (const nights of [0, 1, 2, 3, 4, 6, 9, 15, 40]) {
        const age = rng.int(90) + (dp[0] === 'P' || dp.startsWith('Z38') ? -90 : 0);
        const ghm = ghmOf(roots, {
          dp,
          acts: stayActs(rng, dp, 2, Math.max(0, age)),
          nights,
          age: Math.max(0, age),
          died: false,
        });
        expect([dp, ghm, ghms.has(ghm) || ['09Z02A', '14Z08Z', '15Z10E', '23Z03Z'].includes(ghm)]).toEqual([
          dp,
          ghm,
          true,
        ]);
      }
    }
  });

  it('draws acts that fit the DP and the patient', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      for (const act of stayActs(rng, 'M169', 1, 15)) expect(allowed('ccam', act, 1, 15)).toBe(true);
      expect(stayActs(rng, 'C509', 1, 60)).not.toContain('NEKA020');
    }
  });
});

describe('the coherence check', () => {
  it('catches a deliberately incoherent row', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = [
      ["'C61'", 2, 70],
      ["'C61'", 1, 70],
      ["'O800'", 1, 30],
      ["'P599'", 2, 3],
      ["'I48'", 2, 60],
    ];
    const sql = `SELECT dp, ${violationSql('icd10', 'dp', 'sex', 'age', 'age')} FROM (VALUES ${rows
      .map((r) => `(${r.join(', ')})`)
      .join(', ')}) t(dp, sex, age)`;
    const got = (await conn.runAndReadAll(sql)).getRowsJS().map((r) => r[1]);
    expect(got).toEqual([true, false, true, true, false]);
    conn.closeSync();
    db.closeSync();
  });
});
