// The general mix of MCO stays is what is left of the published stays once the stays drawn for a
// reason of their own are taken out: the conditions' stays, deliveries, newborns' stays at birth, and
// the stays before and ending in death. Each chapter of the main diagnosis (DREES 2013) keeps its
// published rate of stays per person-year, and the general stays fill what the others leave.
import { ageBand, calibration } from './calibration.js';
import { codeWeights, stayDiagnosis, type DeathGroup } from './death.js';
import { OPEN_AGE, SAME_DRAW_FROM_AGE } from './constants.js';
import { eligible } from './eligible.js';
import { deliveryRate } from './pathway.js';

/** The year whose births and deaths size the stays drawn for them (the generated years are close to it). */
const BUDGET_YEAR = 2023;

/** The ICD-10 chapter (roman numeral) of a code, as the model's stay chapters name them; O80 apart. */
export function chapterOf(code: string): string {
  if (code.startsWith('O80')) return 'O80';
  const c = code[0];
  const n = parseInt(code.slice(1, 3), 10);
  if ('AB'.includes(c)) return 'I';
  if (c === 'C' || (c === 'D' && n < 50)) return 'II';
  if (c === 'D') return 'III';
  if (c === 'H') return n < 60 ? 'VII' : 'VIII';
  if ('ST'.includes(c)) return 'XIX';
  if ('VWXY'.includes(c)) return 'XX';
  const byLetter: Record<string, string> = {
    E: 'IV',
    F: 'V',
    G: 'VI',
    I: 'IX',
    J: 'X',
    K: 'XI',
    L: 'XII',
    M: 'XIII',
    N: 'XIV',
    O: 'XV',
    P: 'XVI',
    Q: 'XVII',
    R: 'XVIII',
    Z: 'XXI',
    U: 'XXII',
  };
  return byLetter[c] ?? 'XXII';
}

export interface StayBudget {
  /** Stays a person-year of the general mix, by chapter (the weights care.ts picks a chapter with). */
  chapter: Map<string, number>;
  /** Stays a person-year of the general mix for a person of each age band (the age weights, scaled). */
  base: number[];
  /** Stays a person-year drawn for a reason of their own, by chapter (for the report and the checks). */
  explicit: Map<string, number>;
}

let cached: StayBudget | undefined;

export function stayBudget(): StayBudget {
  return (cached ??= load());
}

function load(): StayBudget {
  const cal = calibration();
  const m = cal.model;
  const bands = m.age_bands.length;
  const explicit = new Map<string, number>();
  const add = (code: string, rate: number) =>
    explicit.set(chapterOf(code), (explicit.get(chapterOf(code)) ?? 0) + rate);

  // The conditions' own stays, spread over their codes.
  m.conditions.forEach((c, k) => {
    if (!c.stays) return;
    const prevalence = cal.prevalence[k].reduce((s, p, i) => s + p * cal.bandShare[i], 0);
    const codes = Object.entries(c.stays.codes) as [string, number][];
    const total = codes.reduce((a, [, w]) => a + w, 0);
    for (const [code, w] of codes) add(code, (prevalence * c.stays.per_year * w) / total);
  });

  // Deliveries and newborns, from the budget year's births.
  const b = m.births;
  const people = cal.population;
  let deliveries = 0;
  for (let age = 15; age <= 49; age++) {
    const t = cal.singleAges.get(`2:${age - (age % 5)}`)!;
    const i = t.ages.indexOf(age);
    deliveries += (t.cumulative[i] - (i ? t.cumulative[i - 1] : 0)) * deliveryRate(BUDGET_YEAR, age);
  }
  const mix = b.deliveries.reduce((s, d) => s + d.weight, 0);
  for (const d of b.deliveries) add(d.dp, ((deliveries / people) * d.weight) / mix);
  add(b.newborn.dp, cal.births(BUDGET_YEAR) / people);
  // Cataract operations are drawn for themselves (pathway.ts): the DREES 2013 count of chapter VII held
  // about the 2014 volume of them, taken out of the chapter's general stays.
  add(m.cataract.dp, m.cataract.in_chapter_vii / people);

  // Stays before and ending in death, by the group's stay diagnosis: deaths by age × the place's shares.
  const d = m.deaths;
  let deaths = 0;
  let deathStays = 0;
  for (const [key, t] of cal.singleAges) {
    const sex = Number(key.split(':')[0]) as 1 | 2;
    t.ages.forEach((age, i) => {
      const n = (t.cumulative[i] - (i ? t.cumulative[i - 1] : 0)) * cal.mortality(BUDGET_YEAR, sex, age);
      const p = d.place;
      let g = p.age_min.length - 1;
      while (g > 0 && Math.min(age, OPEN_AGE) < p.age_min[g]) g--;
      const hospital = p.hospital[g] / (p.hospital[g] + p.home[g] + p.retirement_home[g] + p.public_road[g]);
      deaths += n;
      deathStays += n * hospital * d.mco_share_of_hospital_deaths;
    });
  }
  const perDeath = deathStays / deaths;
  const groupShare = d.groups.reduce((s, g) => s + g.share, 0);
  for (const g of d.groups) {
    const share = g.share / groupShare;
    const natural = !('injuries' in g);
    const stays = (deaths / people) * share * (perDeath + (natural ? d.end_of_life_stays : 0));
    const w = codeWeights(g as DeathGroup);
    const wTotal = w.reduce((a, x) => a + x, 0);
    g.codes.forEach((code, c) => add(stayDiagnosis(g as DeathGroup, code), (stays * w[c]) / wTotal));
  }

  // What is left of each published chapter for the general mix.
  const published = m.stays.chapters.reduce((s, ch) => s + ch.stays, 0);
  const target = m.stays.chapters.map((ch) =>
    Math.max(0, (m.stays.target_per_person_year * ch.stays) / published - (explicit.get(ch.chapter) ?? 0)),
  );
  const general = target.reduce((a, x) => a + x, 0);
  let weighted = 0;
  for (let i = 0; i < 2 * bands; i++) weighted += cal.bandShare[i] * m.stays.age_weight[i % bands];
  const base = m.stays.age_weight.map((w) => (w * general) / weighted);

  // A chapter only some can draw (deliveries, newborns) is picked among fewer chapters by fewer people:
  // its weight is raised until the stays drawn match its rate, over the population by sex and single age.
  const cells: { sex: number; age: number; stays: number }[] = [];
  let population = 0;
  for (const [key, t] of cal.singleAges) {
    const sex = Number(key.split(':')[0]);
    t.ages.forEach((age, i) => {
      const n = t.cumulative[i] - (i ? t.cumulative[i - 1] : 0);
      population += n;
      cells.push({ sex, age, stays: n * base[ageBand(age)] });
    });
  }
  const weights = [...target];
  for (let round = 0; round < 30; round++) {
    const drawn = new Array(weights.length).fill(0);
    for (const c of cells) {
      const ok = m.stays.chapters.map((ch) => eligible(ch, c.sex, Math.min(c.age, SAME_DRAW_FROM_AGE)));
      const total = weights.reduce((s, w, j) => s + (ok[j] ? w : 0), 0);
      if (total > 0) weights.forEach((w, j) => ok[j] && (drawn[j] += (c.stays * w) / total / population));
    }
    weights.forEach((w, j) => (weights[j] = drawn[j] > 0 ? (w * target[j]) / drawn[j] : w));
  }
  const chapter = new Map(m.stays.chapters.map((ch, j) => [ch.chapter, weights[j]]));
  return { chapter, base, explicit };
}
