// A treatment in time: the days a person is on it over the generated years, as episodes that begin
// (initiation) and end (discontinuation), and how regularly she collects it (adherence). Drawn from one
// lasting stream per person and treatment, so every year of the person sees the same episodes.
// Parameters: calibration/drugs.json `persistence` (published discontinuation and course lengths).
import type { Rng } from './rng.js';

export interface Persistence {
  /** Yearly hazard of stopping, for on-durations without a published course mix. */
  stop_per_year: number;
  /** Course lengths: [share, shortest days, longest days], drawn uniformly within a row. */
  courses?: number[][];
  /** Adherence between people: Beta of this mean and concentration (α + β). */
  adherence: number[];
}

/** Episodes drawn at most, a bound on the draws a treatment costs. */
const MAX_EPISODES = 24;
const YEAR = 365;

/** Mean length of an episode in days. */
export function meanCourseDays(e: Persistence): number {
  if (!e.courses?.length) return YEAR / e.stop_per_year;
  return e.courses.reduce((s, [share, lo, hi]) => s + share * ((lo + hi) / 2), 0);
}

function courseDays(e: Persistence, rng: Rng, lengthBiased: boolean): number {
  if (!e.courses?.length) return -Math.log(1 - rng.float()) * (YEAR / e.stop_per_year);
  // An episode running at the origin is more likely a long one (length-biased draw).
  const w = e.courses.map(([share, lo, hi]) => share * (lengthBiased ? (lo + hi) / 2 : 1));
  let u = rng.float() * w.reduce((a, b) => a + b, 0);
  let i = 0;
  while (i < w.length - 1 && (u -= w[i]) >= 0) i++;
  const [, lo, hi] = e.courses[i];
  return lo + rng.float() * (hi - lo);
}

/**
 * The [start, end) days a person is on a treatment from `origin` to `until`: on at the origin with the
 * stationary share `reach`, then alternating courses and gaps, the gaps' length set so that the share on
 * stays `reach` (initiation hazard = reach / ((1 - reach) × mean course)). `startOn` forces a course to
 * begin at the origin (a first treatment after a diagnosis). Starts before the origin are clamped to it.
 */
export function episodesOf(
  rng: Rng,
  reach: number,
  e: Persistence,
  origin: number,
  until: number,
  startOn = false,
): [number, number][] {
  const out: [number, number][] = [];
  if (reach >= 1) return [[origin, until]];
  if (reach <= 0 && !startOn) return out;
  const mean = meanCourseDays(e);
  const gapMean = ((1 - reach) * mean) / Math.max(reach, 1e-9);
  let t = origin;
  let on = startOn || rng.float() < reach;
  if (on && !startOn) {
    // Already running: what is left of a length-biased course (of an exponential one, another exponential).
    const left = e.courses?.length ? rng.float() * courseDays(e, rng, true) : courseDays(e, rng, false);
    const end = origin + Math.max(1, Math.round(left));
    out.push([origin, end]);
    t = end;
    on = false;
  }
  for (let n = 0; t < until && n < MAX_EPISODES; n++) {
    if (!on) {
      t += Math.max(1, Math.round(-Math.log(1 - rng.float()) * gapMean));
      if (t >= until) break;
    }
    const end = t + Math.max(1, Math.round(courseDays(e, rng, false)));
    out.push([t, end]);
    t = end;
    on = false;
  }
  return out;
}

/** A person's adherence to one treatment: the chance she collects a due delivery (Beta-distributed). */
export function adherenceOf(rng: Rng, e: Persistence): number {
  const [mean, concentration] = e.adherence;
  const a = rng.gamma(mean * concentration);
  const b = rng.gamma((1 - mean) * concentration);
  return a + b > 0 ? a / (a + b) : mean;
}
