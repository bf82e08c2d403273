// A beneficiary's coverage as the referentials describe it: insurance scheme (régime) and affiliation
// fund, complementary health cover (C2S, BEN_CMU_TOP) or state medical aid (AME), residence commune,
// and the ALD periods of IR_IMB_R with their natures, terms and renewals. Each a pure function of
// (seed, beneficiary), drawn from hashes so that no other draw of the person moves.
import { readFileSync } from 'node:fs';
import referentials from '../../calibration/referentials.json' with { type: 'json' };
import { calibration, nomenclaturePath, snDept } from './calibration.js';
import { hashUnit, streamKey } from './rng.js';
import { STREAM } from './streams.js';
import { day, parts, SENTINEL_DATE } from './dates.js';
import type { Params, Person } from './population.js';
import { onsetOf } from './onset.js';

export type ReferentialParams = typeof referentials;
export const referentialParams = (): ReferentialParams => referentials;

/** A uniform draw in [0, 1) of stream `stream` (streams.ts) and its parts: one draw, no Rng. */
export function hashDraw(p: Params, stream: number, ...parts: number[]): number {
  return hashUnit(streamKey(p.seed, stream, ...parts));
}

export interface Coverage {
  /** ORG_AFF_BEN: the affiliation fund, its first three characters naming the scheme. */
  org: string;
  /** RGM_GRG_COD and RGM_COD (IR_RGM_V). */
  schemeGroup: number;
  scheme: number;
  /** BEN_CMU_TOP: covered by the complémentaire santé solidaire (formerly CMU-C). */
  css: boolean;
  ame: boolean;
  /** BEN_RES_COM: a synthetic commune of the département, `S01`... */
  commune: string;
}

let orgs: Map<string, string> | undefined;
/** A real fund of IR_ORG_V for a scheme prefix and département, else a synthetic one of that shape. */
function orgFor(prefix: string, dept: string): string {
  if (!orgs) {
    orgs = new Map();
    for (const line of readFileSync(nomenclaturePath('IR_ORG_V'), 'utf8').split('\n').slice(1)) {
      const [org, , , , , , , , , dpt] = line.split(';');
      if (!org || !dpt) continue;
      const key = `${org.slice(0, 3)}:${dpt}`;
      if (!orgs.has(key)) orgs.set(key, org);
    }
  }
  if (prefix === '01C') return calibration().fundOf.get(dept)!;
  return orgs.get(`${prefix}:${snDept(dept)}`) ?? (prefix + snDept(dept) + '000').slice(0, 9);
}

const cache = new Map<string, Coverage>();

export function coverageOf(p: Params, who: Person): Coverage {
  const key = `${p.seed}:${who.index}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size > 4096) cache.clear();
  const r = referentials.coverage;
  const age = Math.max(0, p.firstYear - parts(who.birth)[0]);
  // AME beneficiaries: 43% are aged 20-39 against 23.4% of the population (senat_r24_841_ame).
  const ameFactor = age >= 20 && age < 40 ? 43 / 23.4 : 57 / 76.6;
  const mayotte = who.dept === '976';
  const ame = !mayotte && hashDraw(p, STREAM.ame, who.index) < r.ame_share * ameFactor;
  const css = !ame && !mayotte && hashDraw(p, STREAM.css, who.index) < r.css_share;
  const schemes = referentials.schemes.list;
  let u = hashDraw(p, STREAM.scheme, who.index) * schemes.reduce((s, x) => s + x.share, 0);
  const scheme = ame ? schemes[0] : (schemes.find((x) => (u -= x.share) < 0) ?? schemes[0]);
  const commune = 1 + Math.floor(hashDraw(p, STREAM.commune, who.index) * r.communes_per_departement);
  const c: Coverage = {
    org: orgFor(scheme.prefix, who.dept),
    schemeGroup: scheme.group,
    scheme: ame ? r.ame_rgm_cod : scheme.rgm,
    css,
    ame,
    commune: 'S' + String(commune).padStart(2, '0'),
  };
  cache.set(key, c);
  return c;
}

/** One ALD exoneration period of IR_IMB_R. */
export interface AldPeriod {
  number: number;
  /** IMB_ETM_NAT: 41 ALD liste, 43 hors liste, 45 polypathologie (IR_ETM_V); also the claims' EXO_MTF. */
  nature: number;
  icd10: string;
  start: number;
  /** Last day covered (the term, then renewed or not). */
  end: number;
}

const ALD_LIST = 41;
const ALD_OFF_LIST = 43;
const ALD_POLY = 45;
/** IR_ALD_V's number for the ALD hors liste and polypathologie. */
const OFF_LIST_NUMBER = 99;

/**
 * The ALD the model's conditions do not draw: a share of the people without one, rising with age, so that
 * the prevalence reaches the published one (calibration/referentials.json, ald.other_by_age).
 */
function otherAld(p: Params, who: Person): { number: number; nature: number; icd10: string } | null {
  if (who.ald.size) return null;
  const a = referentials.ald;
  const age = Math.max(0, p.firstYear - parts(who.birth)[0]);
  let band = 0;
  while (band + 1 < a.other_by_age.bands.length && age >= a.other_by_age.bands[band + 1]) band++;
  if (hashDraw(p, STREAM.otherAld, who.index) >= a.other_by_age.rates[band]) return null;
  const u = hashDraw(p, STREAM.otherAldNature, who.index);
  const other = a.natures.other_share_of_persons_in_ald;
  if (u < a.natures.polypathologie / other) return { number: OFF_LIST_NUMBER, nature: ALD_POLY, icd10: 'Z988' };
  if (u < (a.natures.polypathologie + a.natures.hors_liste) / other)
    return { number: OFF_LIST_NUMBER, nature: ALD_OFF_LIST, icd10: 'M545' };
  const list = a.other_numbers.list as [number, number, string][];
  let v = hashDraw(p, STREAM.otherAldNature, who.index, 1) * list.reduce((s, x) => s + x[1], 0);
  const [number, , icd10] = list.find((x) => (v -= x[1]) < 0) ?? list[0];
  return { number, nature: ALD_LIST, icd10 };
}

/** Years over which the ALD the model's conditions do not draw were first recognised, up to the last year. */
const OTHER_ALD_HISTORY_YEARS = 5;

/**
 * Every ALD period of a person up to the last generated year: recognised before or during the years,
 * for 5 years (3 hors liste), renewed at each term at the stated rate; the model's conditions' ALD are
 * renewed while their care goes on: a condition in remission (population.ts) leaves its ALD at the term of the
 * period running when it ends (a cancer's 5 years). A condition begun inside the years has its ALD from the day
 * its application is granted (onset.ts); the other ALD begin over the five years up to the last year, so
 * that some are new in each year.
 */
export function aldPeriodsOf(p: Params, who: Person): AldPeriod[] {
  const m = calibration().model;
  const a = referentials.ald;
  const lastDay = day(p.lastYear, 12, 31);
  const firstDay = day(p.firstYear, 1, 1);
  const out: AldPeriod[] = [];
  const add = (k: number, number: number, nature: number, icd10: string, chronic: boolean, from?: number) => {
    const ends = who.ended.get(k);
    const heldUntil = ends === undefined ? Infinity : day(ends, 12, 31);
    const years = nature === ALD_LIST ? a.duration_years : 3;
    const history = OTHER_ALD_HISTORY_YEARS * 365;
    const u = hashDraw(p, STREAM.aldStart, who.index, k);
    let start = Math.max(
      who.birth,
      from ?? (chronic ? firstDay - Math.floor(u * 3650) : lastDay - Math.floor(u * history)),
    );
    if (who.death !== SENTINEL_DATE && start > who.death) return;
    for (let n = 0; start <= lastDay && (who.death === SENTINEL_DATE || start <= who.death); n++) {
      const [y, mo, d] = parts(start);
      const end = day(y + years, mo, d) - 1;
      out.push({ number, nature, icd10, start, end });
      if (!chronic && hashDraw(p, STREAM.aldRenewal, who.index, k, n) >= a.renewal_probability) break;
      if (end >= heldUntil) break;
      start = end + 1;
    }
  };
  for (const k of who.conditions) {
    const c = m.conditions[k];
    if (!who.ald.has(k) || !('ald' in c) || !c.ald) continue;
    const icd = who.sex === 1 && 'icd10_male' in c.ald && c.ald.icd10_male ? c.ald.icd10_male : c.ald.icd10;
    add(k, c.ald.number, ALD_LIST, icd, true, onsetOf(p, who, k)?.ald);
  }
  const other = otherAld(p, who);
  if (other) add(m.conditions.length, other.number, other.nature, other.icd10, false);
  // Periods that ended before the first year are history the extraction does not keep.
  return out.filter((x) => x.end >= firstDay);
}

/**
 * EXO_MTF of a GP consultation on `date` for a person whose ALD the model draws no care for (0 when it
 * is not in relation with one): half of them are, while the ALD is open.
 */
export function otherAldExoneration(p: Params, who: Person, date: number): number {
  if (who.ald.size) return 0;
  if (hashDraw(p, STREAM.gpAld, who.index, date) >= referentials.ald.gp_claims_ald_share) return 0;
  const open = aldPeriodsOf(p, who).find((x) => x.start <= date && date <= x.end);
  return open ? open.nature : 0;
}

/** Decomptes per claim, regularisations included (for plan). */
export const REGULARISATION_FACTOR = () => 1 + 2 * referentials.regularisation.share_of_decomptes;

/**
 * Mean IR_IMB_R rows of a person whose first-year age band is `band`, given the expected number of the
 * model's ALD (for plan): each ALD has the period covering the first year and one per term after it.
 */
export function meanAldRows(p: Params, band: number, modelAld: number): number {
  const a = referentials.ald;
  const years = p.lastYear - p.firstYear + 1;
  const bands = calibration().model.age_bands;
  const age = bands[band] ?? 0;
  let b = 0;
  while (b + 1 < a.other_by_age.bands.length && age >= a.other_by_age.bands[b + 1]) b++;
  const withoutModelAld = Math.exp(-modelAld);
  return modelAld * (1 + years / a.duration_years) + withoutModelAld * a.other_by_age.rates[b] * (1 + years / 4);
}
