// The hospital care that follows from a state rather than from the general mix of stays: séances
// (CMD 28: chemotherapy and radiotherapy for people with a cancer, dialysis for end-stage kidney
// disease), deliveries at the rate that matches Insee's births, and each newborn's stay at birth.
import { ageBand, calibration } from './calibration.js';
import { holdsIn, personRng, type Params, type Person } from './population.js';
import { STREAM } from './streams.js';
import { cumulative } from './rng.js';
import { parts } from './dates.js';

export interface Seance {
  date: number;
  /** Last séance (a monthly RSS of séances spans the month's séances; else the same day). */
  end: number;
  /** Séances the row stands for (NBR_SEA). */
  count: number;
  dp: string;
  acts: string[];
}

export interface PathwayStay {
  entry: number;
  exit: number;
  dp: string;
  acts: string[];
}

type Kind = {
  kind: string;
  dp: string;
  act?: string;
  condition?: string;
  share?: number;
  prevalence?: number;
  age_shape?: number[];
  male_share?: number;
  per_year: number;
  monthly?: boolean;
};

/** The rng of part `k` of this module's draws for person `who` in year `y` (apart from care.ts's own stream). */

const yearRng = (p: Params, who: Person, y: number, k: number) => personRng(p, who.index, STREAM.pathway, y, k);

interface Tables {
  kinds: { kind: Kind; acts: string[]; condition: number; prevalence: Float64Array | null }[];
  /** Deliveries per woman-year by single age (15–49), for a year's births. */
  deliveryRate(year: number, age: number): number;
  deliveryCum: Float64Array;
}

let tables: Tables | undefined;
function load(): Tables {
  const cal = calibration();
  const m = cal.model;
  const bands = m.age_bands.length;
  const kinds = (m.seances.kinds as Kind[]).map((kind) => {
    let prevalence: Float64Array | null = null;
    if (kind.prevalence !== undefined && kind.age_shape && kind.male_share !== undefined) {
      // As the conditions: the age shape × sex split, scaled to the overall prevalence.
      prevalence = new Float64Array(2 * bands);
      for (let s = 0; s < 2; s++) {
        const sexShare = s === 0 ? kind.male_share : 1 - kind.male_share;
        const mass = kind.age_shape.reduce((a, w, b) => a + w * cal.bandShare[s * bands + b], 0);
        for (let b = 0; b < bands; b++)
          prevalence[s * bands + b] = (kind.prevalence * sexShare * kind.age_shape[b]) / mass;
      }
    }
    return {
      kind,
      acts: kind.act ? [kind.act] : [],
      condition: kind.condition ? m.conditions.findIndex((c) => c.name === kind.condition) : -1,
      prevalence,
    };
  });
  // Women by single age (Insee, 1 January 2025) × the fertility shape: the deliveries a year's births spread over.
  const b = m.births;
  const shapeAt = (age: number) => {
    if (age < b.fertility_age_min[0] || age > 49) return 0;
    let i = b.fertility_age_min.length - 1;
    while (i > 0 && age < b.fertility_age_min[i]) i--;
    return b.fertility_shape[i];
  };
  let weighted = 0;
  for (const [key, t] of cal.singleAges) {
    if (!key.startsWith('2:')) continue;
    t.ages.forEach((a, i) => (weighted += (t.cumulative[i] - (i ? t.cumulative[i - 1] : 0)) * shapeAt(a)));
  }
  return {
    kinds,
    deliveryRate: (year, age) => (cal.births(year) / (1 + b.multiple_share) / weighted) * shapeAt(age),
    deliveryCum: cumulative(b.deliveries.map((d) => d.weight)),
  };
}

/** Cataract operations a person-year at this age (the first eye's; a second follows at `both_eyes`). */
function cataractRate(age: number): number {
  const c = calibration().model.cataract;
  cataractScale ??= (() => {
    // The age shape over the population by single age, scaled to the published stays per inhabitant.
    const cal = calibration();
    let weighted = 0;
    for (const t of cal.singleAges.values()) {
      t.ages.forEach((a, i) => (weighted += (t.cumulative[i] - (i ? t.cumulative[i - 1] : 0)) * cataractShape(a)));
    }
    return (c.per_100k / 1e5 / (1 + c.both_eyes)) * (cal.population / weighted);
  })();
  return cataractShape(age) * cataractScale;
}
let cataractScale: number | undefined;

function cataractShape(age: number): number {
  const c = calibration().model.cataract;
  if (age < c.age_min[0]) return 0;
  let i = c.age_min.length - 1;
  while (i > 0 && age < c.age_min[i]) i--;
  return c.age_shape[i];
}

/** Mean cataract stays a person-year at this age, for the plan and the stay budget. */
export function meanCataractStays(age: number): number {
  return cataractRate(age) * (1 + calibration().model.cataract.both_eyes);
}

/**
 * A person's cataract operations in year y: the first eye at the age's rate, the second some weeks later
 * for some; each a stay with the phacoemulsification act, ambulatory at its root's share (care.ts).
 */
export function cataractStaysOfYear(p: Params, who: Person, y: number, from: number, end: number, age: number) {
  const c = calibration().model.cataract;
  const rng = yearRng(p, who, y, 12);
  const out: { date: number; dp: string; acts: string[] }[] = [];
  if (!rng.chance(cataractRate(age) * ((end - from) / 365))) return out;
  const first = from + rng.int(end - from);
  out.push({ date: first, dp: c.dp, acts: [c.act] });
  const second = first + 21 + rng.int(60);
  if (rng.chance(c.both_eyes) && second < end) out.push({ date: second, dp: c.dp, acts: [c.act] });
  return out;
}

/** Deliveries per woman-year at this age in this year, for the plan. */
export function deliveryRate(year: number, age: number): number {
  return (tables ??= load()).deliveryRate(year, age);
}

/** The person's séances in year y between `from` and `end` (0 nights each). */
export function seancesOfYear(p: Params, who: Person, y: number, from: number, end: number, age: number): Seance[] {
  const t = (tables ??= load());
  const cal = calibration();
  const out: Seance[] = [];
  const fraction = (end - from) / 365;
  t.kinds.forEach((k, i) => {
    let treated: boolean;
    if (k.prevalence) {
      // A lasting state (end-stage kidney disease): drawn once for the person.
      const cell = (who.sex - 1) * cal.model.age_bands.length + ageBand(age);
      treated = personRng(p, who.index, STREAM.pathwayState, i).chance(k.prevalence[cell]);
    } else {
      treated = k.condition >= 0 && holdsIn(who, k.condition, y);
      if (treated) treated = yearRng(p, who, y, 1 + i).chance(k.kind.share ?? 0);
    }
    if (!treated) return;
    const rng = yearRng(p, who, y, 8 + i);
    const n = rng.poisson(k.kind.per_year * fraction);
    if (!k.kind.monthly) {
      for (let j = 0; j < n; j++) {
        const date = from + rng.int(end - from);
        out.push({ date, end: date, count: 1, dp: k.kind.dp, acts: k.acts });
      }
      return;
    }
    // One row a calendar month: the month's séances between its first and last date.
    const byMonth = new Map<number, Seance>();
    for (let j = 0; j < n; j++) {
      const date = from + rng.int(end - from);
      const month = parts(date)[1];
      const s = byMonth.get(month);
      if (!s) byMonth.set(month, { date, end: date, count: 1, dp: k.kind.dp, acts: k.acts });
      else {
        s.date = Math.min(s.date, date);
        s.end = Math.max(s.end, date);
        s.count++;
      }
    }
    for (const s of [...byMonth.values()].sort((a, b) => a.date - b.date)) out.push(s);
  });
  return out;
}

/** A woman's delivery in year y, if she has one: at the rate of the year's births for her age. */
export function deliveryOfYear(
  p: Params,
  who: Person,
  y: number,
  from: number,
  end: number,
  age: number,
): PathwayStay | null {
  if (who.sex !== 2 || age < 15 || age > 49) return null;
  const t = (tables ??= load());
  const b = calibration().model.births;
  const rng = yearRng(p, who, y, 15);
  if (!rng.chance(t.deliveryRate(y, age) * ((end - from) / 365))) return null;
  const d = b.deliveries[rng.pick(t.deliveryCum)];
  const entry = from + rng.int(end - from);
  return { entry, exit: Math.min(end - 1, entry + d.nights), dp: d.dp, acts: [d.act] };
}

export interface NewbornStay extends PathwayStay {
  /** Birth weight in grams (POI_NAI) and gestational age in weeks (AGE_GES). */
  weight: number;
  weeks: number;
}

/** Newborn groups (V11 groupes nouveau-nés 1-10): lightest weight in grams, typical weeks, mean nights. */
const NEWBORN_GROUPS: readonly { root: string; from: number; weeks: number; nights: number }[] = [
  { root: '15M05', from: 2700, weeks: 40, nights: 3 },
  { root: '15M06', from: 2300, weeks: 38, nights: 4 },
  { root: '15M07', from: 2100, weeks: 37, nights: 6 },
  { root: '15M08', from: 1900, weeks: 37, nights: 8 },
  { root: '15M09', from: 1750, weeks: 36, nights: 11 },
  { root: '15M10', from: 1600, weeks: 35, nights: 15 },
  { root: '15M11', from: 1400, weeks: 33, nights: 22 },
  { root: '15M12', from: 1200, weeks: 32, nights: 30 },
  { root: '15M13', from: 950, weeks: 30, nights: 42 },
  { root: '15M14', from: 500, weeks: 28, nights: 60 },
];

/** Share of term-group babies (groups 1-2) born at 35-36 weeks: late preterms the groups assimilate. */
const LATE_PRETERM_SHARE = 0.04;

let groupCum: Float64Array | undefined;

/**
 * A newborn's birth weight and gestational age, drawn once for the person: the group by ATIH's 2023
 * stays of each newborn root (ghm_classification_2023.csv), the weight inside the group's band, the
 * weeks around the group's typical age (late preterms among the term groups).
 */
export function birthMeasures(p: Params, who: Person): { weight: number; weeks: number; group: number } {
  groupCum ??= cumulative(NEWBORN_GROUPS.map((g) => calibration().ghmStays(g.root)));
  const rng = yearRng(p, who, 0, 13);
  const group = rng.pick(groupCum);
  const g = NEWBORN_GROUPS[group];
  const upper = group === 0 ? 4600 : NEWBORN_GROUPS[group - 1].from;
  // The first group's weights gather around 3,300 g (a triangle over its band), the others spread evenly.
  const u = group === 0 ? (rng.float() + rng.float()) / 2 : rng.float();
  const weight = Math.round(g.from + u * (upper - g.from - 1));
  let weeks = g.weeks + rng.int(3) - 1;
  if (group <= 1 && rng.chance(LATE_PRETERM_SHARE)) weeks = 35 + rng.int(2);
  return { weight, weeks: Math.min(42, weeks), group };
}

/**
 * A newborn's stay at birth, ending before `to`: Z380 (Z383 for twins) for a term baby of normal weight,
 * else the perinatal code its weeks and weight call for (P072/P073 preterm, P070/P071 low weight); its
 * length follows its group.
 */
export function newbornStay(p: Params, who: Person, to: number): NewbornStay {
  const b = calibration().model.births;
  const rng = yearRng(p, who, 0, 14);
  const twin = rng.chance((2 * b.multiple_share) / (1 + b.multiple_share));
  const { weight, weeks, group } = birthMeasures(p, who);
  const mean = NEWBORN_GROUPS[group].nights;
  const nights = group === 0 ? b.newborn.nights - 1 + rng.int(3) : Math.round(mean * (0.6 + 0.8 * rng.float()));
  const dp =
    weeks < 28
      ? 'P072'
      : weeks < 37
        ? 'P073'
        : weight < 1000
          ? 'P070'
          : weight < 2500
            ? 'P071'
            : twin
              ? b.newborn.twin_dp
              : b.newborn.dp;
  return { entry: who.birth, exit: Math.min(to - 1, who.birth + nights), dp, acts: [], weight, weeks };
}

/** Weeks of gestation at a delivery (AGE_GES of the mother's stay): term mostly, preterm at its share. */
export function deliveryWeeks(p: Params, who: Person, y: number): number {
  const rng = yearRng(p, who, y, 13);
  const preterm = calibration().model.births.preterm_share;
  return rng.chance(preterm) ? 28 + rng.int(9) : 37 + rng.int(5);
}

/** Mean séance rows a person-year and their acts, by sex, age and the conditions' prevalences (for the plan). */
export function meanSeances(sex: 1 | 2, age: number, conditionPrevalence: number[]): { seances: number; acts: number } {
  const t = (tables ??= load());
  const cell = (sex - 1) * calibration().model.age_bands.length + ageBand(age);
  let seances = 0;
  let acts = 0;
  for (const k of t.kinds) {
    const treated = k.prevalence
      ? k.prevalence[cell]
      : k.condition >= 0
        ? conditionPrevalence[k.condition] * (k.kind.share ?? 0)
        : 0;
    // A monthly row stands for the month's séances: a full year has about 12 (fewer for rare séances).
    const perYear = k.kind.monthly ? 12 * (1 - Math.exp(-k.kind.per_year / 12)) : k.kind.per_year;
    seances += treated * perYear;
    acts += treated * perYear * k.acts.length;
  }
  return { seances, acts };
}
