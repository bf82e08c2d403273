// One beneficiary's care in one year, as claims (DCIR) and hospital stays (PMSI MCO), drawn from
// the person's age, sex and conditions. Pure: the same (seed, person, year) gives the same care.
import { ageBand, calibration, type Condition } from './calibration.js';
import { aliveSpan, ageAt, personRng, STREAM, type Params, type Person } from './population.js';
import { providers } from './providers.js';
import type { Rng } from './rng.js';
import { cumulative } from './rng.js';
import { SENTINEL_DATE } from './dates.js';
import { dayIn, seasonRatio, yearCalendar, type DayTable, type Profile } from './calendar.js';
import {
  ASSOCIATED_CODE_PROBABILITY,
  CONDITION_ACT_PROBABILITY,
  SAME_DRAW_FROM_AGE,
  STAY_ACT_PROBABILITY,
} from './constants.js';

export type ClaimKind = 'gp' | 'specialist' | 'pharmacy' | 'lab' | 'ccam' | 'clinic';

export interface DrugLine {
  atc: string;
  boxes: number;
}

export interface Claim {
  kind: ClaimKind;
  date: number;
  end: number;
  /** Executing professional or establishment (index in the providers' pools). */
  executant: number;
  prescriber: number;
  specialty: number;
  /** ALD exoneration: care for a long-term condition, reimbursed at 100%. */
  ald: boolean;
  drugs: DrugLine[];
  tests: number[];
  act: string;
  stay: Stay | null;
  outpatientEstablishment: number;
}

export interface Stay {
  establishment: number;
  entry: number;
  exit: number;
  dp: string;
  cmd: string;
  associated: string[];
  acts: string[];
  died: boolean;
}

const cal = () => calibration();

const acuteCum = new Map<number, Float64Array>();
let mixCum: Map<string, Float64Array> | undefined;
let chapterCum: Map<string, Float64Array> | undefined;

/**
 * An acute drug prescribed at a `visits` visit in month `month` of year `y`: the seasonal classes of the
 * calendar (antibiotics, antihistamines) weighted by their season against the visit's, the others taking up
 * the difference, so that the prescriptions' mix follows the seasons and their number does not change.
 */
function pickAcute(rng: Rng, y: number, month: number, visits: Profile): string {
  const a = cal().model.acute_drugs.atc;
  const key = (y * 12 + month) * 2 + (visits === 'gp' ? 0 : 1);
  let cum = acuteCum.get(key);
  if (!cum) {
    const seasonal = cal().model.calendar.acute_drugs_by_season as Record<string, Profile>;
    const ratio = a.map((x) => {
      const profile = seasonal[x.atc.slice(0, 3)];
      return profile ? seasonRatio(y, profile, visits)[month - 1] : NaN;
    });
    const total = a.reduce((s, x) => s + x.weight, 0);
    const before = a.reduce((s, x, i) => s + (isNaN(ratio[i]) ? 0 : x.weight), 0);
    const after = a.reduce((s, x, i) => s + (isNaN(ratio[i]) ? 0 : x.weight * ratio[i]), 0);
    const others = (total - after) / (total - before);
    cum = cumulative(a.map((x, i) => x.weight * (isNaN(ratio[i]) ? others : ratio[i])));
    acuteCum.set(key, cum);
  }
  return a[rng.pick(cum)].atc;
}

export function eligible(e: { sex?: number; min_age?: number; max_age?: number }, sex: number, age: number): boolean {
  return (
    (e.sex === undefined || e.sex === sex) &&
    (e.min_age === undefined || age >= e.min_age) &&
    (e.max_age === undefined || age <= e.max_age)
  );
}

function pickFrom<T extends { sex?: number; min_age?: number; max_age?: number }>(
  cacheMap: Map<string, Float64Array>,
  list: T[],
  weight: (t: T) => number,
  sex: number,
  age: number,
  rng: Rng,
): T {
  const key = `${sex}:${Math.min(age, SAME_DRAW_FROM_AGE)}`;
  let cum = cacheMap.get(key);
  if (!cum) {
    cum = cumulative(list.map((t) => (eligible(t, sex, age) ? weight(t) : 0)));
    cacheMap.set(key, cum);
  }
  return list[rng.pick(cum)];
}

/** The year's claims (sorted by date) and stays of a person alive for part of year `y`. */
export function careOfYear(p: Params, who: Person, y: number): { claims: Claim[]; stays: Stay[] } {
  const claims: Claim[] = [];
  const stays: Stay[] = [];
  const [from, to] = aliveSpan(who, y);
  if (from >= to) return { claims, stays };
  const m = cal().model;
  const rng = personRng(p, who.index, STREAM.care, y);
  const span = to - from;
  const fraction = span / 365;
  const age = Math.max(0, ageAt(who, from));
  const band = ageBand(age);
  const pv = providers(p);
  const days = yearCalendar(y);
  const when = days.tables;
  const on = (profile: DayTable) => dayIn(days, profile, from, to, rng.float());
  const held: Condition[] = who.conditions.map((k) => m.conditions[k]);
  const aldFor = (c: Condition) => who.ald.has(m.conditions.indexOf(c));
  const base = (kind: ClaimKind, date: number, executant: number, specialty: number): Claim => ({
    kind,
    date,
    end: date,
    executant,
    prescriber: -1,
    specialty,
    ald: false,
    drugs: [],
    tests: [],
    act: '',
    stay: null,
    outpatientEstablishment: -1,
  });
  const prescribe = (prescriber: number, date: number, visits: Profile) => {
    if (!rng.chance(m.gp.prescription_probability)) return;
    const lines = m.acute_drugs.lines_per_prescription[rng.int(m.acute_drugs.lines_per_prescription.length)];
    // Delivered within three days on a day the pharmacy is open, mostly the day of the visit (u³ leans the
    // draw to the start of the span: about 70% the same day when the pharmacy is open).
    const u = rng.float();
    const delivered = dayIn(days, when.pharmacy, date, Math.min(to, date + 3), u * u * u);
    const c = base('pharmacy', delivered, pv.pharmacyOf(who.index), 0);
    c.prescriber = prescriber;
    const month = days.month[date - days.start];
    for (let l = 0; l < lines; l++) c.drugs.push({ atc: pickAcute(rng, y, month, visits), boxes: 1 + rng.int(2) });
    claims.push(c);
  };

  // GP consultations.
  const gp = pv.gpOf(who.index);
  const gpMean = (cal().gpBase[band] + held.reduce((s, c) => s + c.gp_extra, 0)) * fraction;
  for (let k = rng.poisson(gpMean); k > 0; k--) {
    const c = base('gp', on(when.gp), gp, 1);
    claims.push(c);
    prescribe(gp, c.date, 'gp');
  }

  // Specialists: the general mix, plus each condition's follow-up.
  mixCum ??= new Map();
  const visit = (spe: number, ccam: string | undefined, actProbability: number, ald: boolean) => {
    const doc = pv.specialistOf(spe, who.index);
    const c = base('specialist', on(when.specialist), doc, spe);
    c.ald = ald;
    if (rng.chance(m.specialist.hospital_outpatient_probability)) c.outpatientEstablishment = pv.establishmentOf(rng);
    claims.push(c);
    if (ccam && rng.chance(actProbability)) {
      const a = base('ccam', c.date, doc, spe);
      a.act = ccam;
      a.ald = ald;
      claims.push(a);
    }
    prescribe(doc, c.date, 'specialist');
  };
  for (let k = rng.poisson(m.specialist.per_person_year[band] * fraction); k > 0; k--) {
    const e = pickFrom(mixCum, m.specialist.mix, (x) => x.weight, who.sex, age, rng);
    visit(e.spe, e.ccam, e.act_probability ?? 0, false);
  }
  for (const c of held) {
    for (const s of c.specialists) {
      for (let k = rng.poisson(s.per_year * fraction); k > 0; k--) {
        visit(s.spe, 'ccam' in s ? s.ccam : undefined, CONDITION_ACT_PROBABILITY, aldFor(c));
      }
    }
  }

  // Chronic treatments: monthly (or as stated) deliveries of each condition's drugs.
  for (const c of held) {
    for (const d of c.drugs) {
      if ('sex' in d && d.sex !== who.sex) continue;
      if (!personRng(p, who.index, STREAM.conditions, hash(d.atc)).chance(d.share)) continue;
      for (let k = rng.poisson(d.per_year * fraction); k > 0; k--) {
        const rx = base('pharmacy', on(when.pharmacy), pv.pharmacyOf(who.index), 0);
        rx.prescriber = gp;
        rx.ald = aldFor(c);
        rx.drugs.push({ atc: d.atc, boxes: 1 + (rng.chance(0.3) ? 2 : 0) });
        claims.push(rx);
      }
    }
  }

  // Biology: a yearly check-up for some, plus each condition's monitoring tests.
  const lab = pv.labOf(who.index);
  if (rng.chance(m.checkup_biology.visit_probability[band] * fraction)) {
    const c = base('lab', on(when.lab), lab, 0);
    c.prescriber = gp;
    const n = m.checkup_biology.tests_per_visit[rng.int(m.checkup_biology.tests_per_visit.length)];
    const pool = [...m.checkup_biology.nabm];
    for (let t = 0; t < n; t++) c.tests.push(pool.splice(rng.int(pool.length), 1)[0]);
    claims.push(c);
  }
  for (const cond of held) {
    for (const b of cond.biology) {
      for (let k = rng.poisson(b.per_year * fraction); k > 0; k--) {
        const c = base('lab', on(when.lab), lab, 0);
        c.prescriber = gp;
        c.ald = aldFor(cond);
        c.tests.push(b.nabm);
        claims.push(c);
      }
    }
  }

  // Hospital stays (PMSI MCO); a stay in a private clinic is also billed in DCIR.
  chapterCum ??= new Map();
  const addStay = (dp: string, cmd: string, acts: string[], associated: string[]) => {
    const ambulatory = rng.chance(m.stays.ambulatory_probability);
    const nights = ambulatory ? 0 : 1 + Math.floor(-Math.log(1 - rng.float()) * (m.stays.mean_nights - 1));
    const entry = on(dp[0] === 'J' ? when.respiratory_stay : when.hospital);
    const exit = Math.min(to - 1, entry + nights);
    const s: Stay = { establishment: pv.establishmentOf(rng), entry, exit, dp, cmd, associated, acts, died: false };
    if (who.death !== SENTINEL_DATE && exit === who.death && rng.chance(m.deaths.in_hospital_share)) s.died = true;
    stays.push(s);
    if (pv.isPrivate(s.establishment)) {
      const c = base('clinic', s.entry, s.establishment, 0);
      c.end = s.exit;
      c.stay = s;
      claims.push(c);
    }
  };
  const assoc = held.flatMap((c) => c.associated_codes);
  const coded = () => assoc.filter(() => rng.chance(ASSOCIATED_CODE_PROBABILITY));
  for (let k = rng.poisson(cal().stayBase[band] * fraction); k > 0; k--) {
    const ch = pickFrom(chapterCum, m.stays.chapters, (x) => x.stays, who.sex, age, rng);
    const acts = ('acts' in ch && ch.acts ? ch.acts : []).filter(() => rng.chance(STAY_ACT_PROBABILITY));
    if (acts.length) acts.push(m.stays.anesthesia_act);
    addStay(ch.codes[rng.int(ch.codes.length)], ch.cmd, acts, coded());
  }
  for (const c of held) {
    if (!c.stays) continue;
    const codes = (who.sex === 1 && 'codes_male' in c.stays && c.stays.codes_male) || c.stays.codes;
    for (let k = rng.poisson(c.stays.per_year * fraction); k > 0; k--) {
      addStay(codes[rng.int(codes.length)], c.stays.cmd, [], coded());
    }
  }

  claims.sort((a, b) => a.date - b.date || kindOrder[a.kind] - kindOrder[b.kind]);
  return { claims, stays };
}

const kindOrder: Record<ClaimKind, number> = { gp: 0, specialist: 1, ccam: 2, lab: 3, pharmacy: 4, clinic: 5 };

/** A string's 32-bit hash: seeds the per-person draw of each chronic drug. */
export function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}
