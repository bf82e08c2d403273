// A person's laboratory visits in a year: check-ups whose tests fit the person's sex and age (PSA for
// men of 50 and over, hCG for women of child-bearing age...), and each condition's monitoring tests; every
// visit with its forfaits (pre-analytic, blood or bacteriology sample) and, for blood, the sampling line.
// Parameters: calibration/biology.json; NABM codes and B coefficients: schemas/nomenclatures/IR_BIO_R.csv.
import { readCsv } from '../util/csv.js';
import { projectPath } from '../util/paths.js';
import { cumulative, type Rng } from './rng.js';
import { allowed } from './restrictions.js';
import { eligible } from './eligible.js';
import { dayIn } from './calendar.js';
import { biology } from './drug-catalogue.js';
import type { PersonYear } from './drugs.js';

export interface LabVisit {
  date: number;
  ald: boolean;
  /** NABM codes, forfaits included: one ER_PRS_F line and one ER_BIO_F row each. */
  tests: number[];
}

/** Tests that need no blood: urine (ECBU, urinary hCG, glycosuria, microalbuminuria). */
const NOT_BLOOD = new Set([5201, 7401, 2007, 1133]);
const LAB_NATURE = 3211;

const pools = new Map<number, { codes: number[]; weights: number[] }>();
function pool(sex: number, age: number) {
  const key = sex * 256 + Math.min(age, 120);
  let p = pools.get(key);
  if (!p) {
    const fit = biology().tests.filter((t) => eligible(t, sex, age) && allowed('nabm', t.nabm, sex, age));
    pools.set(key, (p = { codes: fit.map((t) => t.nabm), weights: fit.map((t) => t.weight) }));
  }
  return p;
}

/** `n` distinct tests drawn by weight among those that fit, none of `already`. */
function drawTests(rng: Rng, sex: number, age: number, n: number, already: number[]): number[] {
  const { codes, weights } = pool(sex, age);
  const w = codes.map((c, i) => (already.includes(c) ? 0 : weights[i]));
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    if (!w.some((x) => x > 0)) break;
    const i = rng.pick(cumulative(w));
    out.push(codes[i]);
    w[i] = 0;
  }
  return out;
}

/** A visit's tests with its forfaits: pre-analytic always, blood and bacteriology samples as needed. */
export function withForfaits(tests: number[]): number[] {
  const b = biology();
  const out = [...tests, b.preanalytic_forfait];
  if (tests.some((t) => !NOT_BLOOD.has(t))) out.push(b.blood_forfait);
  if (tests.some((t) => b.bacteriology.includes(t))) out.push(b.bacteriology_forfait);
  return out;
}

export function labVisits(py: PersonYear): LabVisit[] {
  const b = biology();
  const { rng, sex, age } = py;
  const f = (py.to - py.from) / 365;
  const on = () => dayIn(py.days, py.days.tables.lab, py.from, py.to, rng.float());
  const out: LabVisit[] = [];
  for (let k = rng.poisson(b.visits_per_person_year[py.band] * f); k > 0; k--) {
    const n = b.tests_per_visit[rng.int(b.tests_per_visit.length)];
    const tests = drawTests(rng, sex, age, n, []);
    if (tests.length) out.push({ date: on(), ald: false, tests: withForfaits(tests) });
  }
  for (const c of py.conditions) {
    // A condition begun this year is monitored from its care's start.
    const lo = Math.max(py.from, c.since);
    if (lo >= py.to) continue;
    for (const t of c.biology) {
      if (!allowed('nabm', t.nabm, sex, age)) continue;
      for (let k = rng.poisson((t.per_year * (py.to - lo)) / 365); k > 0; k--) {
        const extra = b.monitoring_extra_tests[rng.int(b.monitoring_extra_tests.length)];
        const tests = [t.nabm, ...drawTests(rng, sex, age, extra, [t.nabm])];
        const date = dayIn(py.days, py.days.tables.lab, lo, py.to, rng.float());
        out.push({ date, ald: c.ald, tests: withForfaits(tests) });
      }
    }
  }
  return out;
}

let coefficients: Map<number, number> | undefined;
/** B coefficient of each NABM code in force (IR_BIO_R). */
function coefficient(nabm: number): number {
  coefficients ??= new Map(
    readCsv(projectPath('schemas', 'nomenclatures', 'IR_BIO_R.csv'), ';')
      .filter((r) => !r.BIO_SUP_DAT)
      .map((r) => [Number(r.BIO_PRS_IDE), Number(r.BIO_TAR_COF) || 0]),
  );
  return coefficients.get(nabm) ?? 0;
}

export interface LabLine {
  nature: number;
  base: number;
  rate: number;
  quantity: number;
  /** The NABM code the line bills (its ER_BIO_F row); empty for the sampling. */
  tests: number[];
}

/** A visit's ER_PRS_F lines: one per NABM code (forfaits included), then the blood sampling. */
export function labLines(tests: number[], ald: boolean): LabLine[] {
  const b = biology();
  const rate = ald ? 100 : b.rate;
  const lines: LabLine[] = tests.map((t) => ({
    nature: LAB_NATURE,
    base: Math.round(coefficient(t) * b.b_value_eur * 100) / 100,
    rate,
    quantity: 1,
    tests: [t],
  }));
  if (tests.includes(b.blood_forfait))
    lines.push({ nature: b.sampling.nature, base: b.sampling.eur, rate, quantity: 1, tests: [] });
  return lines;
}
