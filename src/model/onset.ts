// How a condition that begins inside the generated years enters the person's care, in order: the first
// diagnosis (a visit on the onset day, or the acute stay of an infarction or a stroke), then the first
// treatment, then the ALD application. A pure function of (seed, person, condition), so that care.ts
// (visits, stays, drugs) and coverage.ts (the ALD period) see the same days.
import { calibration, type Condition } from './calibration.js';
import { personRng, type Params, type Person } from './population.js';
import { STREAM } from './streams.js';
import { SENTINEL_DATE } from './dates.js';

export interface OnsetStayPlan {
  entry: number;
  exit: number;
  dp: string;
}

export interface Onset {
  /** The day the condition begins: its first diagnosis. */
  day: number;
  /** The specialty of the diagnosing visit (1: the GP), 0 when an acute stay makes the diagnosis. */
  specialty: number;
  stay: OnsetStayPlan | null;
  /** The first day of treatment and of the condition's follow-up. */
  treatment: number;
  /** The day the ALD is recognised (its period's start), for a condition with an ALD. */
  ald: number;
}

type OnsetModel = Condition['incidence']['onset'];

const between = (u: number, [lo, hi]: number[]) => lo + Math.floor(u * (hi - lo + 1));

function pick(codes: Record<string, number>, u: number): string {
  const entries = Object.entries(codes);
  let v = u * entries.reduce((s, [, w]) => s + w, 0);
  for (const [code, w] of entries) if ((v -= w) < 0) return code;
  return entries[entries.length - 1][0];
}

/** The onset of condition `k` for a person who begins it inside the window, null otherwise. */
export function onsetOf(p: Params, who: Person, k: number): Onset | null {
  const day = who.onset.get(k);
  if (day === undefined) return null;
  const c = calibration().model.conditions[k];
  const o: OnsetModel = c.incidence.onset;
  const rng = personRng(p, who.index, STREAM.onset, k);
  let stay: OnsetStayPlan | null = null;
  const u = [rng.float(), rng.float(), rng.float(), rng.float(), rng.float()];
  if ('stay' in o && o.stay && u[0] < o.stay.share) {
    const codes = o.stay.codes as unknown as Record<string, number>;
    const dp = pick(codes, u[1]);
    const nights = Math.max(0, Math.round(-Math.log(1 - u[2]) * o.stay.mean_nights));
    stay = { entry: day, exit: who.death === SENTINEL_DATE ? day + nights : Math.min(day + nights, who.death), dp };
  }
  const after = stay ? stay.exit : day;
  return {
    day,
    specialty: stay ? 0 : o.specialty,
    stay,
    treatment: after + between(u[3], o.treatment_days),
    ald: day + between(u[4], o.ald_days),
  };
}
