// Turns the published aggregates (calibration/reference) and the model's parameters
// (calibration/model.json) into the tables the generators draw from. Loaded once per process.
import { readFileSync } from 'node:fs';
import { projectPath } from '../util/paths.js';
import { readCsv } from '../util/csv.js';
import { cumulative } from './rng.js';
import { OPEN_AGE } from './constants.js';
import { CODE_COLUMNS, checkModel, type Nomenclatures } from './check.js';
import { restrictionProblems, type CodeKind } from './restrictions.js';
import { groupingProblems, type Roots } from './grouping.js';
import { UsageError } from '../util/errors.js';
import { catalogue, drugs } from './drug-catalogue.js';
import { drugModelProblems } from './check-drugs.js';
import modelFile from '../../calibration/model.json' with { type: 'json' };
import ambulatoryModel from '../../calibration/ambulatory.json' with { type: 'json' };
import { ambulatoryProblems } from './ambulatory-check.js';
import { deviceProblems } from './devices-check.js';
import deviceModel from '../../calibration/devices.json' with { type: 'json' };
import { perinatalProblems } from './perinatal.js';
import { loadModel, type Condition, type Model } from './conditions.js';
import { conditionNameProblems } from './condition-names.js';

export type { Condition, Model } from './conditions.js';

const ref = (f: string) => projectPath('calibration', 'reference', f);
export const nomenclaturePath = (name: string) => projectPath('schemas', 'nomenclatures', name + '.csv');

/** Index of the model's age band for an age in years. */
export function ageBand(age: number): number {
  const b = modelFile.age_bands;
  let i = b.length - 1;
  while (i > 0 && age < b[i]) i--;
  return i;
}

export interface PopulationCell {
  dept: string; // Insee code: 01..95, 2A, 2B, 971..976
  sex: 1 | 2;
  ageMin: number;
  ageMax: number;
}

export interface Calibration {
  model: Model;
  /** Population at 1 January 2025 by département × sex × 5-year band (Insee). */
  cells: PopulationCell[];
  cellCumulative: Float64Array;
  /** Single-age weights within each 5-year band, by sex: key `${sex}:${ageMin}`. */
  singleAges: Map<string, { ages: number[]; cumulative: Float64Array }>;
  /** Mortality quotient by year, sex, age (probability of dying in the year, by age reached). */
  mortality(year: number, sex: 1 | 2, age: number): number;
  /** Live births a year and population at 1 January (Insee), for the share of newborns. */
  births(year: number): number;
  population: number;
  /** Prevalence of each condition by sex and age band held before the window (the published one, less incidence). */
  prevalence: Float64Array[]; // [condition][sex*7 + band]
  /**
   * Yearly hazard of beginning each condition by sex and age band: the published incidence (model.json
   * `incidence`), shaped like the prevalence (an assumption where no age table was published).
   */
  incidence: Float64Array[]; // [condition][sex*7 + band]
  /** GP consultations a year for a person without conditions, by age band, scaled to 3.3 overall. */
  gpBase: number[];
  /** Share of the population by sex and age band, for calibrating rates. */
  bandShare: number[]; // [sex*7 + band]
  deptCodes: string[];
  /** A real affiliation fund code per département (from IR_ORG_V), or a synthetic one. */
  fundOf: Map<string, string>;
  /** GHM roots (5 characters) of the V11 classification of 2023 with the level characters each has. */
  roots: Roots;
  /** The GHS of each GHM: one number a GHM. */
  ghs: Map<string, number>;
  /** ATIH's 2023 stays in the GHMs of a root (5 characters) or in one GHM, national: the case mix's reference. */
  ghmStays(prefix: string): number;
}

let cached: Calibration | undefined;

export function calibration(): Calibration {
  return (cached ??= load());
}

/** The codes of the nomenclatures calibration/model.json names (schemas/nomenclatures). */
export function readNomenclatures(): Nomenclatures {
  const codes = {} as Record<keyof Nomenclatures, Set<string>>;
  for (const table of Object.keys(CODE_COLUMNS) as (keyof Nomenclatures)[]) {
    // The code columns come before any free text: a plain split reads them, five times faster than
    // readCsv. Labels that run over two lines (IR_CCAM_V63) leave pieces that are no code: dropped.
    const [header, ...lines] = readFileSync(nomenclaturePath(table), 'utf8').split(/\r?\n/);
    const unquote = (field = '') => field.replace(/^"|"$/g, '');
    const i = header
      .split(';')
      .map((h) => unquote(h))
      .indexOf(CODE_COLUMNS[table]);
    codes[table] = new Set(lines.map((l) => unquote(l.split(';')[i])).filter((c) => /^[\w.+-]+$/.test(c)));
  }
  return codes;
}

/** The codes of one column of a nomenclature that readNomenclatures does not read. */
function codesOf(table: string, column: string): Set<string> {
  return new Set(readCsv(nomenclaturePath(table), ';').map((r) => r[column]));
}

let checked = false;

/**
 * Checks calibration/model.json against the nomenclatures, once a process: a bad entry is a
 * UsageError naming it. Loading the calibration does it; `generate` does it before touching its output.
 */
export function checkCalibration(): void {
  if (checked) return;
  const model = loadModel();
  const n = readNomenclatures();
  checkModel(model, n);
  const names = model.conditions.map((c) => c.name);
  const problems = [
    // A misspelt condition name in a side table would silently give no care: first of all.
    ...conditionNameProblems({ model, drugs: drugs(), ambulatory: ambulatoryModel }, names),
    ...restrictionProblems(knownCodes(n)),
    ...drugModelProblems(n, model.age_bands.length),
    ...conditionProblems(model, n),
    ...perinatalProblems({
      ccam: (c) => n.IR_CCAM_V63.has(c),
      nabm: (c) => n.IR_BIO_R.has(c),
      atc: (c) => catalogue().substances.has(c),
    }),
    ...groupingProblems(readRoots(), drawnDiagnoses(), (a) => n.IR_CCAM_V63.has(a)),
    ...ambulatoryProblems(
      ambulatoryModel,
      { natures: codesOf('IR_NAT_V', 'PRS_NAT'), activities: codesOf('IR_ACT_V', 'PFS_ACT_NAT'), ccam: n.IR_CCAM_V63 },
      model.age_bands.length,
    ),
    ...deviceProblems(
      deviceModel,
      { natures: codesOf('IR_NAT_V', 'PRS_NAT'), activities: codesOf('IR_ACT_V', 'PFS_ACT_NAT') },
      model.age_bands.length,
      model.conditions.map((c) => c.name),
    ),
  ];
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new UsageError(`calibration: ${problems[0]}${more}`);
  }
  checked = true;
}

/** Each condition's incidence, onset and remission: rates, delays in order, drugs in the catalogue. */
function conditionProblems(model: Model, n: Nomenclatures): string[] {
  const out: string[] = [];
  for (const c of model.conditions) {
    const file = `conditions/${c.name}.json`;
    const i = c.incidence;
    if (!(i.per_1000 >= 0 && i.per_1000 < 100)) out.push(`${file} incidence.per_1000 ${i.per_1000}`);
    const o = i.onset;
    for (const [k, v] of [
      ['treatment_days', o.treatment_days],
      ['ald_days', o.ald_days],
    ] as const)
      if (v.length !== 2 || v[0] > v[1] || v[0] < 0) out.push(`${file} incidence.onset.${k} [${v}]`);
    if (!n.IR_SPE_V.has(String(o.specialty))) out.push(`${file} incidence.onset.specialty ${o.specialty}`);
    for (const d of o.drugs ?? [])
      if (!catalogue().substances.has(d.atc))
        out.push(`${file} incidence.onset.drugs "${d.atc}" is not in drugs_catalogue.csv`);
    const r = c.remission;
    if (r && !(r.per_year >= 0 && r.per_year < 1))
      out.push(`${file} remission.per_year ${r.per_year} is not in [0, 1)`);
    if (r?.after_years !== undefined && !(r.after_years >= 0))
      out.push(`${file} remission.after_years ${r.after_years} is negative`);
  }
  return out;
}

/** Whether a code or prefix of each kind names something: the nomenclatures, or the drug catalogue for ATC. */
function knownCodes(n: Nomenclatures): Record<CodeKind, (prefix: string) => boolean> {
  const prefixes = (codes: Iterable<string>) => {
    const set = new Set<string>();
    for (const c of codes) for (let i = 1; i <= c.length; i++) set.add(c.slice(0, i));
    return set;
  };
  const icd = prefixes([...n.IR_CIM_V, ...n.MS_CIM_V]);
  const ccam = prefixes(n.IR_CCAM_V63);
  const atc = prefixes(catalogue().substances.keys());
  return {
    icd10: (c) => icd.has(c),
    ccam: (c) => ccam.has(c),
    atc: (c) => atc.has(c),
    nabm: (c) => n.IR_BIO_R.has(c),
  };
}

/** Every principal diagnosis the model draws: the stay chapters' and the conditions' codes. */
export function drawnDiagnoses(): string[] {
  const model = loadModel();
  return [
    ...model.stays.chapters.flatMap((ch) => Object.keys(ch.codes)),
    ...model.conditions.flatMap((c) => ('stays' in c && c.stays ? Object.keys(c.stays.codes) : [])),
    ...model.conditions.flatMap((c) =>
      'stay' in c.incidence.onset && c.incidence.onset.stay ? Object.keys(c.incidence.onset.stay.codes) : [],
    ),
  ];
}

/**
 * The GHMs of ATIH's V11 classification of 2023 (calibration/reference/ghm_classification_2023.csv): the
 * PMSI tables say GRG_VER 11, so their GHMs are these, not the V9 list of the MS_GM9_V nomenclature.
 */
function readGhms(): string[] {
  return readCsv(ref('ghm_classification_2023.csv'))
    .map((r) => r.ghm)
    .filter((c) => /^\d\d[CMKZH]\d\d[A-Z0-9]$/.test(c))
    .sort();
}

function readRoots(): Roots {
  const roots = new Map<string, string>();
  for (const code of readGhms()) roots.set(code.slice(0, 5), (roots.get(code.slice(0, 5)) ?? '') + code[5]);
  return roots;
}

function load(): Calibration {
  checkCalibration();
  const model = loadModel();
  const bands = model.age_bands.length;
  const cells: PopulationCell[] = [];
  const weights: number[] = [];
  for (const r of readCsv(ref('population_departement_age_sex.csv'))) {
    if (r.year !== '2025' || ['FM', 'DOM', 'FR'].includes(r.dep_code)) continue;
    const [lo, hi] = r.age_band === '95+' ? [95, OPEN_AGE] : r.age_band.split('-').map(Number);
    cells.push({ dept: r.dep_code, sex: r.sex === 'M' ? 1 : 2, ageMin: lo, ageMax: hi });
    weights.push(Number(r.population));
  }
  const population = weights.reduce((a, b) => a + b, 0);

  const singleAges = new Map<string, { ages: number[]; cumulative: Float64Array }>();
  const single = readCsv(ref('population_single_age_sex.csv')).filter((r) => r.year === '2025');
  for (const sex of [1, 2] as const) {
    for (let lo = 0; lo <= 95; lo += 5) {
      const hi = lo === 95 ? OPEN_AGE : lo + 4;
      const rows = single.filter((r) => (r.sex === 'M' ? 1 : 2) === sex && +r.age >= lo && +r.age <= hi);
      singleAges.set(`${sex}:${lo}`, {
        ages: rows.map((r) => +r.age),
        cumulative: cumulative(rows.map((r) => +r.population)),
      });
    }
  }

  const q = new Map<string, number>();
  let qMin = 9999;
  let qMax = 0;
  for (const r of readCsv(ref('mortality_rates_age_sex.csv'))) {
    q.set(`${r.year}:${r.sex === 'M' ? 1 : 2}:${r.age}`, Number(r.qx_per_100000) / 100000);
    qMin = Math.min(qMin, +r.year);
    qMax = Math.max(qMax, +r.year);
  }
  const mortality = (year: number, sex: 1 | 2, age: number) =>
    q.get(`${Math.min(qMax, Math.max(qMin, year))}:${sex}:${Math.min(100, Math.max(0, age))}`) ?? 0;

  const birthRows = readCsv(ref('births_life_expectancy.csv')).filter(
    (r) => r.indicator === 'live_births' && r.geo === 'France (métropole + DOM)',
  );
  const births = (year: number) => {
    let best = birthRows[0];
    for (const r of birthRows) if (Math.abs(+r.year - year) < Math.abs(+best.year - year)) best = r;
    return Number(best.value);
  };

  // Population share by sex × model age band, from the single ages at 1 January 2025.
  const bandShare = new Array(2 * bands).fill(0);
  for (const r of single) bandShare[(r.sex === 'M' ? 0 : 1) * bands + ageBand(+r.age)] += +r.population;
  const total = bandShare.reduce((a, b) => a + b, 0);
  for (let i = 0; i < bandShare.length; i++) bandShare[i] /= total;

  // Prevalence shape × sex split, scaled so that the population-weighted prevalence is the target.
  const prevalence = model.conditions.map((c) => {
    const raw = new Float64Array(2 * bands);
    for (let s = 0; s < 2; s++) {
      const sexShare = s === 0 ? c.male_share : 1 - c.male_share;
      const shapeMass = c.age_shape.reduce((a, w, b) => a + w * bandShare[s * bands + b], 0);
      for (let b = 0; b < bands; b++)
        raw[s * bands + b] = shapeMass > 0 ? (c.prevalence * sexShare * c.age_shape[b]) / shapeMass : 0;
    }
    // Held before the window: the published prevalence less a year and a half of incidence net of remission,
    // so that over a window of three years, where conditions begin and end (population.ts), the prevalence
    // averages the published one.
    const net = c.incidence.per_1000 / 1000 - (c.remission?.per_year ?? 0) * c.prevalence;
    const before = Math.max(0.5, 1 - (1.5 * net) / c.prevalence);
    return raw.map((p) => Math.min(0.95, p * before));
  });

  const incidence = model.conditions.map((c, k) => {
    const mean = prevalence[k].reduce((s, x, i) => s + x * bandShare[i], 0);
    const rate = c.incidence.per_1000 / 1000;
    return prevalence[k].map((x) => (mean > 0 ? Math.min(0.2, (rate * x) / mean) : 0));
  });

  // Expected extra GP visits from conditions, per band, then the base that brings the mean to 3.3.
  const conditionExtra = (pick: (c: Condition) => number) => {
    const extra = new Array(2 * bands).fill(0);
    model.conditions.forEach((c, k) => {
      for (let i = 0; i < 2 * bands; i++) extra[i] += prevalence[k][i] * pick(c);
    });
    return extra;
  };
  const scaleTo = (target: number, weights: number[], extra: number[]) => {
    let base = 0;
    let rest = 0;
    for (let i = 0; i < 2 * bands; i++) {
      base += bandShare[i] * weights[i % bands];
      rest += bandShare[i] * extra[i];
    }
    const k = (target - rest) / base;
    return weights.map((w) => w * k);
  };
  const gpBase = scaleTo(
    model.gp.target_per_person_year,
    model.gp.age_weight,
    conditionExtra((c) => c.gp_extra),
  );

  const deptCodes = [...new Set(cells.map((c) => c.dept))];
  const fundOf = new Map<string, string>();
  for (const line of readFileSync(nomenclaturePath('IR_ORG_V'), 'utf8').split('\n').slice(1)) {
    const [org, , , , , , , , type, dpt] = line.split(';');
    if (!org?.startsWith('01C') || type !== 'C') continue;
    const dept = dpt.startsWith('0') ? dpt.slice(1) : dpt;
    if (!fundOf.has(dept)) fundOf.set(dept, org);
  }
  for (const d of deptCodes) if (!fundOf.has(d)) fundOf.set(d, ('01C' + snDept(d) + '000').slice(0, 9));

  // Each GHM's GHS: ATIH's 2023 public-sector number (the lowest where a GHM has several); none for the
  // few GHMs ATIH does not price.
  const classification = readCsv(ref('ghm_classification_2023.csv'));
  const staysBy = new Map<string, number>();
  for (const r of classification) {
    for (const k of [r.ghm.slice(0, 5), r.ghm]) staysBy.set(k, (staysBy.get(k) ?? 0) + Number(r.stays_2023 || 0));
  }
  const ghmStays = (prefix: string) => staysBy.get(prefix) ?? 0;
  const ghs = new Map(classification.filter((r) => r.ghs).map((r) => [r.ghm, Number(r.ghs)]));

  return {
    model,
    cells,
    cellCumulative: cumulative(weights),
    singleAges,
    mortality,
    births,
    population,
    prevalence,
    incidence,
    gpBase,
    bandShare,
    deptCodes,
    fundOf,
    roots: readRoots(),
    ghs,
    ghmStays,
  };
}

/** Département as the SNDS writes it in DCIR (3 characters: 075, 02A, 971). */
export function snDept(dept: string): string {
  return dept.length === 2 ? '0' + dept : dept;
}
