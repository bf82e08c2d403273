// When care happens within a year: each kind of care (a profile of calibration/model.json `calendar`) weighs
// every day by weekday × month × public holiday × seasonal epidemics. The weights become one cumulative
// table per year and profile, built once, with a guide table into it, so that drawing a day in [from, to)
// (called for every claim) costs a lookup and a step or two.
import { calibration } from './calibration.js';
import { day, parts } from './dates.js';

export type Profile = keyof ReturnType<typeof calendarModel>['profiles'];

interface ProfileModel {
  weekday?: number[];
  holiday?: string | number;
  month: number[];
  epidemics?: Record<string, number>;
}

const calendarModel = () => calibration().model.calendar;

/** Monday = 0 … Sunday = 6 of a day number (1970-01-01 was a Thursday). */
export function weekdayOf(d: number): number {
  return (((d + 3) % 7) + 7) % 7;
}

/** Easter Sunday of year `y` (Gregorian computus, Meeus/Jones/Butcher). */
export function easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return day(y, month, ((h + l - 7 * m + 114) % 31) + 1);
}

/** French public holidays of year `y`, as day numbers in date order. */
export function publicHolidays(y: number): number[] {
  const e = easter(y);
  const fixed = [
    [1, 1],
    [5, 1],
    [5, 8],
    [7, 14],
    [8, 15],
    [11, 1],
    [11, 11],
    [12, 25],
  ].map(([m, d]) => day(y, m, d));
  // Easter Monday, Ascension Thursday, Whit Monday.
  return [...fixed, e + 1, e + 39, e + 50].sort((a, b) => a - b);
}

/** Intensity (0 at the ends, the season's size at its peak) of every listed epidemic of `disease` on day d. */
function epidemicIntensity(disease: string, d: number): number {
  let sum = 0;
  for (const e of calendarModel().epidemics) {
    if (e.disease !== disease) continue;
    const [start, peak, end] = [e.start, e.peak, e.end].map(iso);
    if (d <= start || d >= end) continue;
    const rising = d < peak;
    const x = rising ? (d - start) / (peak - start) : (d - peak) / (end - peak);
    sum += (e.size * (rising ? 1 - Math.cos(Math.PI * x) : 1 + Math.cos(Math.PI * x))) / 2;
  }
  return sum;
}

const iso = (s: string) => {
  const [y, m, d] = s.split('-').map(Number);
  return day(y, m, d);
};

/** A profile's year: cumulative day weights (index = day - start) and a guide into them (Chen and Asau). */
export interface DayTable {
  cum: Float64Array;
  /** guide[k]: the first day whose cumulative weight exceeds k / GUIDE of the year's. */
  guide: Int16Array;
}

const GUIDE = 1024;

function dayTable(cum: Float64Array): DayTable {
  const guide = new Int16Array(GUIDE);
  const total = cum[cum.length - 1];
  let i = 0;
  for (let k = 0; k < GUIDE; k++) {
    while (i < cum.length - 1 && cum[i] <= (k / GUIDE) * total) i++;
    guide[k] = i;
  }
  return { cum, guide };
}

export interface YearCalendar {
  year: number;
  /** Day number of 1 January. */
  start: number;
  /** Per profile, its day table of the year. */
  tables: Record<Profile, DayTable>;
  /** Per profile, month × epidemic factor of each day (no weekday, no holiday): the season alone. */
  season: Record<Profile, Float64Array>;
  /** Month (1–12) of each day of the year. */
  month: Uint8Array;
  holidays: Set<number>;
}

/** A profile's day weights over year `y`, with the weekday mix rescaled to its stated yearly shares. */
function weights(p: ProfileModel, start: number, days: number, holidays: Set<number>, month: Uint8Array) {
  const season = new Float64Array(days);
  const w = new Float64Array(days);
  const weekday = p.weekday ?? [1, 1, 1, 1, 1, 1, 1];
  for (let i = 0; i < days; i++) {
    let s = p.month[month[i] - 1];
    for (const [disease, amplitude] of Object.entries(p.epidemics ?? {}))
      s *= 1 + amplitude * epidemicIntensity(disease, start + i);
    season[i] = s;
    const wd = weekdayOf(start + i);
    let f = weekday[wd];
    if (holidays.has(start + i)) {
      if (p.holiday === 'sunday') f = weekday[6];
      else if (p.holiday === 'closed') f = 0;
      else if (typeof p.holiday === 'number') f *= p.holiday;
    }
    w[i] = s * f;
  }
  // The stated weekday mix is yearly, holidays included: one rescaling per weekday meets it exactly.
  const total = weekday.reduce((a, b) => a + b, 0);
  const got = new Float64Array(7);
  let all = 0;
  for (let i = 0; i < days; i++) {
    got[weekdayOf(start + i)] += w[i];
    all += w[i];
  }
  for (let i = 0; i < days; i++) {
    const wd = weekdayOf(start + i);
    if (got[wd] > 0) w[i] *= weekday[wd] / total / (got[wd] / all);
  }
  return { w, season };
}

const years = new Map<number, YearCalendar>();

/** The day tables of year `y`, built on first use. */
export function yearCalendar(y: number): YearCalendar {
  let c = years.get(y);
  if (c) return c;
  const start = day(y, 1, 1);
  const days = day(y + 1, 1, 1) - start;
  const holidays = new Set(publicHolidays(y));
  const month = new Uint8Array(days);
  for (let i = 0; i < days; i++) month[i] = parts(start + i)[1];
  const profiles = calendarModel().profiles as Record<Profile, ProfileModel>;
  const tables = {} as Record<Profile, DayTable>;
  const season = {} as Record<Profile, Float64Array>;
  for (const name of Object.keys(profiles) as Profile[]) {
    const { w, season: s } = weights(profiles[name], start, days, holidays, month);
    for (let i = 1; i < days; i++) w[i] += w[i - 1];
    tables[name] = dayTable(w);
    season[name] = s;
  }
  c = { year: y, start, tables, season, month, holidays };
  years.set(y, c);
  return c;
}

/**
 * The day in [from, to) (inside the year of `c`) at uniform `u` of a profile's weights over that span (`table`,
 * one of `c.tables`); uniform over the span when the profile gives it no weight at all.
 */
export function dayIn(c: YearCalendar, table: DayTable, from: number, to: number, u: number): number {
  const cum = table.cum;
  const lo = from - c.start;
  const hi = to - c.start - 1;
  const base = lo > 0 ? cum[lo - 1] : 0;
  const span = cum[hi] - base;
  if (!(span > 0)) return from + Math.floor(u * (to - from));
  const x = base + u * span;
  // The guide's day has a cumulative weight at most x's: walk on to the first day above x.
  let i = table.guide[Math.min(GUIDE - 1, Math.floor((x / cum[cum.length - 1]) * GUIDE))];
  if (i < lo) i = lo;
  while (i < hi && cum[i] <= x) i++;
  return c.start + i;
}

/** A profile's day weights of year `y` (for checks and reports): the differences of its cumulative table. */
export function dayWeights(y: number, profile: Profile): Float64Array {
  const cum = yearCalendar(y).tables[profile].cum;
  return cum.map((v, i) => v - (i ? cum[i - 1] : 0));
}

/**
 * Per month of year `y`, how much more often `profile` happens than `visits` (each as a share of its
 * year), on the season alone: scales a seasonal drug's share of the prescriptions made at those visits.
 */
export function seasonRatio(y: number, profile: Profile, visits: Profile): Float64Array {
  const c = yearCalendar(y);
  const num = new Float64Array(12);
  const den = new Float64Array(12);
  let sn = 0;
  let sd = 0;
  for (let i = 0; i < c.month.length; i++) {
    num[c.month[i] - 1] += c.season[profile][i];
    den[c.month[i] - 1] += c.season[visits][i];
    sn += c.season[profile][i];
    sd += c.season[visits][i];
  }
  return num.map((n, m) => n / sn / (den[m] / sd));
}
