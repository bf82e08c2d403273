// Beneficiary i, as a pure function of (seed, i, parameters): demographics, chronic conditions,
// and the date of death if it falls inside the generated years.
import { Rng, streamKey } from './rng.js';
import { STREAM } from './streams.js';
import { ageBand, calibration } from './calibration.js';
import { day, parts, SENTINEL_DATE, yearOf } from './dates.js';
import { dayIn, yearCalendar } from './calendar.js';
import { BOYS_AT_BIRTH, OPEN_AGE, OPEN_AGE_EXTRA_MAX, OPEN_AGE_EXTRA_MEAN } from './constants.js';

export interface Params {
  seed: number;
  beneficiaries: number;
  firstYear: number;
  lastYear: number;
}

export interface Person {
  index: number;
  sex: 1 | 2;
  birth: number; // days since epoch
  dept: string;
  /** Conditions held, by index in the model's list. */
  conditions: number[];
  /** ALD (long-term condition) per held condition, by condition index. */
  ald: Set<number>;
  /**
   * The day a condition begins, for the conditions that begin inside the generated years (incidence);
   * the others in `conditions` are held from before the first year.
   */
  onset: Map<number, number>;
  /**
   * The last year a condition is held, for the conditions that end inside the generated years (remission,
   * at the year's end): its care stops after it, and its ALD is not renewed at the next term.
   */
  ended: Map<number, number>;
  /** Death date, or SENTINEL_DATE when alive at the end of the last year. */
  death: number;
  /** Whether the person is born inside the generated years (a newborn). */
  newborn: boolean;
}

/** Person `index`'s stream `stream` (a number of streams.ts), keyed further by `parts` (0 when none). */
export function personRng(p: Params, index: number, stream: number, ...parts: number[]): Rng {
  return new Rng(streamKey(p.seed, stream, index, ...(parts.length ? parts : [0])));
}

export function ageAt(person: Person, d: number): number {
  const [by, bm, bd] = parts(person.birth);
  const [y, m, dd] = parts(d);
  return y - by - (m < bm || (m === bm && dd < bd) ? 1 : 0);
}

/** Share of the beneficiaries born inside the generated years: the years' births over everyone. */
export function newbornShare(p: Params): number {
  const cal = calibration();
  let births = 0;
  for (let y = p.firstYear; y <= p.lastYear; y++) births += cal.births(y);
  return births / (cal.population + births);
}

export function person(p: Params, index: number): Person {
  const cal = calibration();
  const rng = personRng(p, index, STREAM.demography);
  const start = day(p.firstYear, 1, 1);

  const cell = cal.cells[rng.pick(cal.cellCumulative)];
  let sex = cell.sex;
  let birth: number;
  const newborn = rng.chance(newbornShare(p));
  if (newborn) {
    // Born inside the generated years, uniformly; boys in the share of French birth statistics.
    sex = rng.chance(BOYS_AT_BIRTH) ? 1 : 2;
    birth = start + rng.int(day(p.lastYear + 1, 1, 1) - start);
  } else {
    const band = cal.singleAges.get(`${cell.sex}:${cell.ageMin}`)!;
    let age = band.ages[rng.pick(band.cumulative)];
    if (age === OPEN_AGE) {
      age += Math.min(OPEN_AGE_EXTRA_MAX, Math.floor(-Math.log(1 - rng.float()) * OPEN_AGE_EXTRA_MEAN));
    }
    // Age `age` on 1 January of the first year: born in the year before that birthday.
    const latest = day(p.firstYear - age, 1, 1);
    const earliest = day(p.firstYear - age - 1, 1, 2);
    birth = earliest + rng.int(latest - earliest + 1);
  }

  const crng = personRng(p, index, STREAM.conditions);
  const bands = cal.model.age_bands.length;
  const ageStart = Math.max(0, p.firstYear - yearOf(birth));
  const conditions: number[] = [];
  const ald = new Set<number>();
  cal.model.conditions.forEach((c, k) => {
    if (crng.chance(cal.prevalence[k][(sex - 1) * bands + ageBand(ageStart)])) {
      conditions.push(k);
      if ('ald' in c && c.ald && crng.chance(c.ald.share)) ald.add(k);
    }
  });

  // Each year, the Insee quotient for the age reached that year decides death; the date follows the
  // calendar's death profile (winter excess, summer and Sunday deficits) over the part of the year lived.
  const mrng = personRng(p, index, STREAM.mortality);
  let death = SENTINEL_DATE;
  for (let y = p.firstYear; y <= p.lastYear; y++) {
    const from = Math.max(day(y, 1, 1), birth);
    const to = day(y + 1, 1, 1);
    if (from >= to) continue;
    const u = mrng.float();
    const when = mrng.float();
    if (u < cal.mortality(y, sex, y - yearOf(birth))) {
      const calendar = yearCalendar(y);
      death = dayIn(calendar, calendar.tables.death, from, to, when);
      break;
    }
  }
  // Incidence: each year, a person without a condition begins it with the hazard of her sex and age that
  // year (calibration.ts); the day is uniform over the part of the year lived, the ALD follows at its share.
  const onset = new Map<number, number>();
  const irng = personRng(p, index, STREAM.incidence);
  for (let y = p.firstYear; y <= p.lastYear; y++) {
    const from = Math.max(day(y, 1, 1), birth);
    const to = death === SENTINEL_DATE ? day(y + 1, 1, 1) : Math.min(day(y + 1, 1, 1), death);
    const at = (sex - 1) * bands + ageBand(Math.max(0, y - yearOf(birth)));
    cal.model.conditions.forEach((c, k) => {
      const u = irng.float();
      if (from >= to || conditions.includes(k) || u >= cal.incidence[k][at]) return;
      conditions.push(k);
      onset.set(k, from + Math.floor(irng.float() * (to - from)));
      if ('ald' in c && c.ald && irng.chance(c.ald.share)) ald.add(k);
    });
  }
  const ended = remissionsOf(p, index, conditions, onset, birth, death);
  return { index, sex, birth, dept: cell.dept, conditions, ald, death, newborn, onset, ended };
}

/**
 * Remission: each year, a condition with a remission rate (calibration/conditions/<name>.json `remission`)
 * ends with that yearly chance, from `after_years` after its onset for a condition begun inside the window
 * (a condition held before is taken as past that delay), over the part of the year the person lives.
 */
function remissionsOf(
  p: Params,
  index: number,
  conditions: number[],
  onset: Map<number, number>,
  birth: number,
  death: number,
): Map<number, number> {
  const cal = calibration();
  const ended = new Map<number, number>();
  for (const k of conditions) {
    const r = cal.model.conditions[k].remission;
    if (!r || !(r.per_year > 0)) continue;
    const rng = personRng(p, index, STREAM.remission, k);
    const begins = onset.has(k) ? onset.get(k)! + Math.round((r.after_years ?? 0) * 365) : -Infinity;
    for (let y = p.firstYear; y <= p.lastYear; y++) {
      const from = Math.max(day(y, 1, 1), birth, begins);
      const to = death === SENTINEL_DATE ? day(y + 1, 1, 1) : Math.min(day(y + 1, 1, 1), death);
      const u = rng.float();
      if (from < to && u < (r.per_year * (to - from)) / 365) {
        ended.set(k, y);
        break;
      }
    }
  }
  return ended;
}

/** Whether the person holds condition `k` in year `y`: held or begun by then, and not ended before. */
export function holdsIn(who: Person, k: number, y: number): boolean {
  return who.conditions.includes(k) && (who.ended.get(k) ?? Infinity) >= y;
}

/** Days of year `y` the person was alive: [from, to), empty when from >= to. */
export function aliveSpan(person: Person, y: number): [number, number] {
  const from = Math.max(day(y, 1, 1), person.birth);
  const end = person.death === SENTINEL_DATE ? day(y + 1, 1, 1) : Math.min(day(y + 1, 1, 1), person.death + 1);
  return [from, end];
}
