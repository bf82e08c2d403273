// A decedent's death, drawn once as a pure function of (seed, person): the underlying cause and the
// chain of causes on the certificate (CépiDc), the place of death, and the hospital care it closes —
// the MCO stay ending in death when the person dies in a short-stay ward, and the stays for the
// cause in the months before. care.ts draws the stays from it, tables.ts the certificate.
import { calibration } from './calibration.js';
import { ageAt, personRng, type Params, type Person } from './population.js';
import { STREAM } from './streams.js';
import { cumulative } from './rng.js';
import { SENTINEL_DATE } from './dates.js';
import { MAX_ASSOCIATED_CAUSES } from './constants.js';
import { allowed, codePicker, type CodePicker } from './restrictions.js';
import type { Rng } from './rng.js';

/** DCD_LIE_COD (nomenclature DS_LIE_V). */
export const PLACE = { home: 1, publicHospital: 2, privateHospital: 3, retirementHome: 4, publicRoad: 5 } as const;

export interface DeathStay {
  entry: number;
  exit: number;
  dp: string;
}

export interface CauseLine {
  /** CER_LIG_NUM: lines 1–4 are part I (the immediate cause first, the underlying cause last), 5 is part II. */
  line: number;
  code: string;
}

export interface Death {
  date: number;
  group: string;
  /** Underlying (initial) cause, DCD_CIM_COD. */
  cause: string;
  /** Every cause of the certificate (KI_ECD_R), the underlying one included. */
  causes: CauseLine[];
  place: number;
  /** The MCO stay ending in death on the death date; null when the person died elsewhere or in SSR/HAD. */
  stay: DeathStay | null;
  /** Stays for the cause in the year before a natural death (besides `stay`). */
  before: DeathStay[];
  /** Whether the certificate is linked to the beneficiary (KI_CCI_R's identifiers), as most are. */
  linked: boolean;
}

/** External causes (V01–Y98): never an associated cause of a natural death. */
export const isExternal = (code: string) => /^[V-Y]/.test(code);

export type DeathGroup = {
  group: string;
  share: number;
  codes: string[];
  /** Relative weights of `codes` (equal when absent). */
  weights?: number[];
  /** Weight of the group at each age of `profile_age_min`, and for men and women. */
  age_factor?: number[];
  sex_factor?: number[];
  condition?: string;
  immediate?: string[];
  injuries?: Record<string, string[]>;
  stay_codes?: Record<string, string>;
  hospital_weight: number;
};

const groups = () => calibration().model.deaths.groups as DeathGroup[];

/** The DP of a stay for this cause: an injury for an external cause, else the cause as the PMSI codes it. */
export function stayDiagnosis(g: DeathGroup, cause: string, sex?: number, age?: number): string {
  if (g.injuries) return g.injuries[cause]?.[0] ?? 'T149';
  const mapped = g.stay_codes?.[cause];
  // The mapped code where it fits the person (R54, senility, is for the old), else the cause itself.
  return mapped && (sex === undefined || allowed('icd10', mapped, sex, age ?? 0)) ? mapped : cause;
}

/** Weights of [hospital, home, retirement home, public road] by age group, before the cause's weight. */
function placeWeights(age: number): number[] {
  const p = calibration().model.deaths.place;
  let i = p.age_min.length - 1;
  while (i > 0 && age < p.age_min[i]) i--;
  return [p.hospital[i], p.home[i], p.retirement_home[i], p.public_road[i]];
}

/** The weight of each code of a group. */
export const codeWeights = (g: DeathGroup): number[] => g.codes.map((_, i) => g.weights?.[i] ?? 1);

/** A group's age and sex profile for a decedent (1 without one). */
function profile(g: DeathGroup, sex: number, age: number): number {
  const mins = calibration().model.deaths.profile_age_min;
  let i = mins.length - 1;
  while (i > 0 && age < mins[i]) i--;
  return (g.age_factor?.[i] ?? 1) * (g.sex_factor?.[sex - 1] ?? 1);
}

let norms: number[] | undefined;
/**
 * Each group's factor that keeps its published share over the decedents once the profiles weigh the
 * groups (iterative proportional fitting over the population × mortality by sex and single age).
 */
function groupNorms(): number[] {
  if (norms) return norms;
  const cal = calibration();
  const gs = groups();
  const cells: { sex: number; age: number; deaths: number }[] = [];
  for (const [key, t] of cal.singleAges) {
    const sex = Number(key.split(':')[0]) as 1 | 2;
    t.ages.forEach((age, i) => {
      const n = (t.cumulative[i] - (i ? t.cumulative[i - 1] : 0)) * cal.mortality(PROFILE_YEAR, sex, age);
      cells.push({ sex, age, deaths: n });
    });
  }
  const total = cells.reduce((a, c) => a + c.deaths, 0);
  const shares = gs.map((g) => g.share / gs.reduce((a, h) => a + h.share, 0));
  const n = gs.map(() => 1);
  for (let round = 0; round < 40; round++) {
    const got = gs.map(() => 0);
    for (const c of cells) {
      const w = gs.map((g, k) => g.share * n[k] * profile(g, c.sex, c.age));
      const sum = w.reduce((a, b) => a + b, 0);
      w.forEach((x, k) => (got[k] += (c.deaths * x) / sum / total));
    }
    gs.forEach((_, k) => (n[k] *= shares[k] / got[k]));
  }
  return (norms = n);
}

/** The year whose decedents the profiles keep the published shares over. */
const PROFILE_YEAR = 2023;

/** The groups' weights for a decedent of this sex and age holding the conditions named. */
export function groupWeights(sex: number, age: number, held: ReadonlySet<string>): number[] {
  const d = calibration().model.deaths;
  const n = groupNorms();
  return groups().map(
    (g, k) => g.share * n[k] * profile(g, sex, age) * (g.condition && held.has(g.condition) ? d.condition_weight : 1),
  );
}

// The underlying cause: a CépiDc group by its weight, then one of its codes by its weight among those
// that fit the person's sex and age (restrictions.json).
let groupCodes: CodePicker<[string, number]>[] | undefined;

/**
 * Draws [group index, cause] with the groups' `weights`; a group none of whose codes fits the person is
 * never drawn.
 */
export function pickDeathCause(rng: Rng, weights: readonly number[], sex: number, age: number): [number, string] {
  groupCodes ??= groups().map((g) => {
    const w = codeWeights(g);
    return codePicker('icd10', Object.fromEntries(g.codes.map((c, i) => [c, w[i]])));
  });
  const codes = groupCodes;
  const w = weights.map((x, i) => (codes[i].has(sex, age) ? x : 0));
  let x = rng.float() * w.reduce((a, b) => a + b, 0);
  let g = w.length - 1;
  while (g > 0 && w[g] === 0) g--;
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0 && (x -= w[i]) < 0) {
      g = i;
      break;
    }
  }
  return [g, codes[g].pick(rng, sex, age)![0]];
}

/** The death of `who`, or null when they do not die within the generated years. */
export function deathOf(p: Params, who: Person): Death | null {
  if (who.death === SENTINEL_DATE) return null;
  const m = calibration().model;
  const d = m.deaths;
  const rng = personRng(p, who.index, STREAM.death);
  const age = Math.max(0, ageAt(who, who.death));
  const held = who.conditions.map((k) => m.conditions[k]);
  const names = new Set(held.map((c) => c.name));

  // Underlying cause: the published shares by the groups' age and sex profiles, weighted toward the
  // person's conditions.
  const gs = groups();
  const [gi, cause] = pickDeathCause(rng, groupWeights(who.sex, age, names), who.sex, age);
  const g = gs[gi];
  const fits = (code: string) => allowed('icd10', code, who.sex, age);

  // The chain: immediate cause (part I, line 1), the underlying cause on the line below it; part II
  // holds the person's other conditions. An external death's other causes are its injuries.
  const causes: CauseLine[] = [];
  if (g.injuries) {
    const injuries = (g.injuries[cause] ?? []).filter(fits);
    injuries.forEach((code, i) => causes.push({ line: i + 1, code }));
    causes.push({ line: injuries.length + 1, code: cause });
  } else {
    const immediate = g.immediate && rng.chance(0.7) ? g.immediate[rng.int(g.immediate.length)] : null;
    if (immediate && immediate !== cause && fits(immediate)) causes.push({ line: 1, code: immediate });
    causes.push({ line: causes.length + 1, code: cause });
    const seen = new Set(causes.map((c) => c.code));
    let contributing = 0;
    for (const c of held) {
      const natural = c.death_codes.filter((x) => !isExternal(x));
      const code = natural.length ? natural[rng.int(natural.length)] : c.associated_codes[0];
      if (!code || !fits(code) || seen.has(code) || contributing >= MAX_ASSOCIATED_CAUSES) continue;
      seen.add(code);
      causes.push({ line: 5, code });
      contributing++;
    }
  }

  // Place: the age group's shares, the hospital's weighted by the cause; the public road is for external deaths.
  const [hospital, home, retirement, road] = placeWeights(age);
  const w = [hospital * g.hospital_weight, home, retirement, g.injuries ? road * d.external_road_weight : road];
  const k = rng.pick(cumulative(w));
  const inHospital = k === 0;
  const place = inHospital
    ? rng.chance(d.place.private_share_of_hospital)
      ? PLACE.privateHospital
      : PLACE.publicHospital
    : [0, PLACE.home, PLACE.retirementHome, PLACE.publicRoad][k];

  // The MCO stay ending in death: entry some days before, never before birth.
  // The stays before the death begin up to a year earlier: the DP must fit a year younger too.
  const dp = stayDiagnosis(g, cause, who.sex, Math.max(0, age - 1));
  let stay: DeathStay | null = null;
  if (inHospital && rng.chance(d.mco_share_of_hospital_deaths)) {
    const nights = g.injuries ? rng.int(3) : Math.floor(-Math.log(1 - rng.float()) * d.death_stay_nights);
    stay = { entry: Math.max(who.birth, who.death - nights), exit: who.death, dp };
  }

  // Care of the cause before a natural death: stays in the year before, ending before the last one.
  const before: DeathStay[] = [];
  if (!g.injuries) {
    const end = stay ? stay.entry : who.death;
    for (let n = rng.poisson(d.end_of_life_stays); n > 0; n--) {
      const entry = end - 1 - rng.int(365);
      const nights = rng.chance(0.3) ? 0 : 1 + rng.int(8);
      if (entry < who.birth || entry + nights >= end) continue;
      before.push({ entry, exit: entry + nights, dp });
    }
  }
  const linked = rng.chance(d.linked_share);
  return { date: who.death, group: g.group, cause, causes, place, stay, before, linked };
}

/** Mean KI_ECD_R rows of a death of someone holding the conditions in `held` (a bit set), for the plan. */
export function meanCauseRows(held: number): number {
  const m = calibration().model;
  const d = m.deaths;
  const conditions = m.conditions.filter((_, k) => held & (1 << k));
  const names = new Set(conditions.map((c) => c.name));
  const gs = groups();
  const weights = gs.map((g) => g.share * (g.condition && names.has(g.condition) ? d.condition_weight : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let rows = 0;
  gs.forEach((g, i) => {
    const cw = codeWeights(g);
    const cwTotal = cw.reduce((a, b) => a + b, 0);
    g.codes.forEach((cause, c) => {
      let n = 1;
      if (g.injuries) n += (g.injuries[cause] ?? []).length;
      else {
        const imm = g.immediate ?? [];
        if (imm.length) n += (0.7 * imm.filter((c) => c !== cause).length) / imm.length;
        // Part II: one code per other condition (as drawn: a distinct code per condition, at most MAX).
        let contributing = 0;
        for (const c of conditions) {
          const natural = c.death_codes.filter((x) => !isExternal(x));
          const pool = natural.length ? natural : c.associated_codes.slice(0, 1);
          if (!pool.length) continue;
          contributing += pool.filter((x) => x !== cause).length / pool.length;
        }
        n += Math.min(MAX_ASSOCIATED_CAUSES, contributing);
      }
      rows += ((weights[i] / total) * cw[c] * n) / cwTotal;
    });
  });
  return rows;
}

/** Mean MCO stays a death at this age brings: the stay ending in death and those in the year before (the plan). */
export function meanDeathStays(age: number): { final: number; before: number } {
  const d = calibration().model.deaths;
  const gs = groups();
  // The groups' weights at this age, both sexes alike (the plan does not split deaths by sex here).
  const w = groupWeights(1, age, new Set()).map((x, k) => x + groupWeights(2, age, new Set())[k]);
  const total = w.reduce((s, x) => s + x, 0);
  const [hospital, home, retirement, road] = placeWeights(age);
  let final = 0;
  let before = 0;
  gs.forEach((g, k) => {
    const h = hospital * g.hospital_weight;
    const inHospital = h / (h + home + retirement + (g.injuries ? road * d.external_road_weight : road));
    final += (w[k] / total) * inHospital * d.mco_share_of_hospital_deaths;
    before += g.injuries ? 0 : (w[k] / total) * d.end_of_life_stays;
  });
  return { final, before };
}
