// calibration/model.json checked when loaded: each code it names exists in the nomenclature it comes
// from, each reference inside it resolves, each per-band list has one entry a band. Unchecked, a bad
// entry crashes mid-generation (an ATC code missing from the drug catalogue) or passes silently (an unknown CCAM
// act billed as nature 1352 at €30, an unknown rate as nature 3313).
import type { Model } from './conditions.js';
import { UsageError } from '../util/errors.js';
import { SAME_DRAW_FROM_AGE } from './constants.js';
import { catalogue } from './drug-catalogue.js';

/** The nomenclatures (schemas/nomenclatures) the model's codes come from, with the column of the codes. */
export const CODE_COLUMNS = {
  IR_CCAM_V63: 'CAM_PRS_IDE_COD',
  IR_CIM_V: 'CIM_COD',
  MS_CIM_V: 'CIM_COD',
  IR_SPE_V: 'PFS_SPE_COD',
  IR_BIO_R: 'BIO_PRS_IDE',
  IR_ALD_V: 'ALD_030_COD',
} as const;

/** The codes of each nomenclature in CODE_COLUMNS. */
export type Nomenclatures = Record<keyof typeof CODE_COLUMNS, ReadonlySet<string>>;

type Eligibility = { sex?: number; min_age?: number; max_age?: number };
// The conditions' lists as the checks read them (the JSON's own types are unions of each entry's shape).
type Specialist = { spe: number; ccam?: string };
type ChronicDrug = { atc: string; sex?: number };

/** The model's problems, one line each naming its entry, in the order of the file; empty when sound. */
export function modelProblems(m: Model, n: Nomenclatures): string[] {
  const problems: string[] = [];
  const bad = (entry: string, value: unknown, why: string) => problems.push(`${entry} ${JSON.stringify(value)} ${why}`);
  const listed = (table: keyof Nomenclatures, what: string) => (entry: string, code: string | number) => {
    if (!n[table].has(String(code))) bad(entry, code, `is not ${what} (${table})`);
  };
  const ccam = listed('IR_CCAM_V63', 'a CCAM act');
  const icd10 = listed('IR_CIM_V', 'an ICD-10 code');
  const pmsi = listed('MS_CIM_V', 'an ICD-10 code of the PMSI');
  const specialty = listed('IR_SPE_V', 'a specialty');
  const nabm = listed('IR_BIO_R', 'a NABM biology act');
  const ald = listed('IR_ALD_V', 'an ALD number');
  const drug = (entry: string, atc: string) => {
    if (!catalogue().substances.has(atc)) bad(entry, atc, 'is not in drugs_catalogue.csv (the drug referential)');
  };
  const prices = m.ccam_price_eur as Record<string, number>;
  // An act billed in DCIR (ER_CAM_F) takes its price from ccam_price_eur.
  const billed = (entry: string, act: string) => {
    ccam(entry, act);
    if (!Object.hasOwn(prices, act)) bad(entry, act, 'has no price in ccam_price_eur');
  };
  const sex = (entry: string, e: Eligibility) => {
    if (e.sex !== undefined && e.sex !== 1 && e.sex !== 2) bad(`${entry}.sex`, e.sex, 'is not 1 (male) or 2 (female)');
  };
  // care.ts draws the specialist mix and the stay chapters alike for every age from SAME_DRAW_FROM_AGE.
  const from = SAME_DRAW_FROM_AGE;
  const eligibility = (entry: string, e: Eligibility) => {
    sex(entry, e);
    const why = `: care.ts draws this list alike for every age from ${from}`;
    if (e.min_age !== undefined && e.min_age > from) bad(`${entry}.min_age`, e.min_age, `is over ${from}${why}`);
    if (e.max_age !== undefined && e.max_age >= from) bad(`${entry}.max_age`, e.max_age, `is ${from} or over${why}`);
  };

  const bands = m.age_bands.length;
  const perBand: [string, number[]][] = [
    ['gp.age_weight', m.gp.age_weight],
    ['specialist.per_person_year', m.specialist.per_person_year],
    ['stays.age_weight', m.stays.age_weight],
    ...m.conditions.map((c): [string, number[]] => [`conditions[${c.name}].age_shape`, c.age_shape]),
  ];
  for (const [entry, list] of perBand) {
    if (list.length !== bands) problems.push(`${entry} has ${list.length} entries for ${bands} age_bands`);
  }

  m.specialist.mix.forEach((x, i) => {
    specialty(`specialist.mix[${i}].spe`, x.spe);
    if (x.ccam) billed(`specialist.mix[${i}].ccam`, x.ccam);
    eligibility(`specialist.mix[${i}]`, x);
  });
  for (const act of Object.keys(prices)) ccam('ccam_price_eur', act);
  m.stays.chapters.forEach((ch) => {
    const at = `stays.chapters[${ch.chapter}]`;
    for (const [code, w] of Object.entries(ch.codes)) {
      pmsi(`${at}.codes`, code);
      if (!(w > 0)) bad(`${at}.codes.${code}`, w, 'is not a positive weight');
    }
    eligibility(at, ch);
  });
  ccam('stays.anesthesia_act', m.stays.anesthesia_act);

  for (const c of m.conditions) {
    const at = `conditions[${c.name}]`;
    if ('ald' in c && c.ald) {
      ald(`${at}.ald.number`, c.ald.number);
      icd10(`${at}.ald.icd10`, c.ald.icd10);
      if ('icd10_male' in c.ald && c.ald.icd10_male) icd10(`${at}.ald.icd10_male`, c.ald.icd10_male);
    }
    (c.specialists as Specialist[]).forEach((s, j) => {
      specialty(`${at}.specialists[${j}].spe`, s.spe);
      if (s.ccam) billed(`${at}.specialists[${j}].ccam`, s.ccam);
    });
    (c.drugs as ChronicDrug[]).forEach((d, j) => {
      drug(`${at}.drugs[${j}].atc`, d.atc);
      sex(`${at}.drugs[${j}]`, d);
    });
    c.biology.forEach((b, j) => nabm(`${at}.biology[${j}].nabm`, b.nabm));
    if (c.stays) for (const code of Object.keys(c.stays.codes)) pmsi(`${at}.stays.codes`, code);
    c.associated_codes.forEach((code, j) => pmsi(`${at}.associated_codes[${j}]`, code));
    c.death_codes.forEach((code, j) => icd10(`${at}.death_codes[${j}]`, code));
  }
  for (const g of m.deaths.groups) {
    const at = `deaths.groups[${g.group}]`;
    g.codes.forEach((code, j) => icd10(`${at}.codes[${j}]`, code));
    (('immediate' in g && g.immediate) || []).forEach((code, j) => icd10(`${at}.immediate[${j}]`, code));
    const injuries = ('injuries' in g ? g.injuries : undefined) as unknown as Record<string, string[]> | undefined;
    for (const [cause, codes] of Object.entries(injuries ?? {})) {
      codes.forEach((code, j) => pmsi(`${at}.injuries.${cause}[${j}]`, code));
    }
    // An external group names each cause's injuries; weights and profiles match their lists.
    if (injuries) for (const code of g.codes) if (!injuries[code]) bad(`${at}.injuries`, code, 'has no injuries');
    if ('weights' in g && g.weights.length !== g.codes.length)
      bad(`${at}.weights`, String(g.weights.length), 'is not one per code');
    if ('age_factor' in g && g.age_factor.length !== m.deaths.profile_age_min.length) {
      bad(`${at}.age_factor`, String(g.age_factor.length), 'is not one per profile_age_min');
    }
    for (const [cause, code] of Object.entries('stay_codes' in g ? (g.stay_codes as Record<string, string>) : {})) {
      pmsi(`${at}.stay_codes.${cause}`, code);
    }
  }
  m.seances.kinds.forEach((k, i) => {
    pmsi(`seances.kinds[${i}].dp`, k.dp);
    if ('act' in k && k.act) ccam(`seances.kinds[${i}].act`, k.act);
  });
  m.births.deliveries.forEach((d, i) => {
    pmsi(`births.deliveries[${i}].dp`, d.dp);
    ccam(`births.deliveries[${i}].act`, d.act);
  });
  pmsi('births.newborn.dp', m.births.newborn.dp);
  pmsi('births.newborn.twin_dp', m.births.newborn.twin_dp);
  return problems;
}

/** Refuses a model with a problem: a UsageError, one line naming the first offending entry. */
export function checkModel(m: Model, n: Nomenclatures): void {
  const problems = modelProblems(m, n);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new UsageError(`calibration/model.json: ${problems[0]}${more}`);
}
