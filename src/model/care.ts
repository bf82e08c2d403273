// One beneficiary's care in one year, as claims (DCIR) and hospital stays (PMSI MCO), drawn from
// the person's age, sex and conditions. Pure: the same (seed, person, year) gives the same care.
import { ageBand, calibration, type Condition, type Model } from './calibration.js';
import { aliveSpan, ageAt, personRng, STREAM, type Params, type Person } from './population.js';
import { allowed, codePicker, codeWeight, CodePicker } from './restrictions.js';
import { ambulatoryShare, ghmOf, proceduresFor, type Procedure } from './grouping.js';
import { providers } from './providers.js';
import { otherAldExoneration } from './coverage.js';
import { gpImaging, RADIOLOGY, technicalActAt } from './technical-acts.js';
import type { Rng } from './rng.js';
import { cumulative } from './rng.js';
import { deathOf } from './death.js';
import { stayBudget } from './stay-budget.js';
import { eligible } from './eligible.js';
import { cataractStaysOfYear, deliveryOfYear, newbornStay, seancesOfYear } from './pathway.js';
import { dayIn, yearCalendar, type DayTable } from './calendar.js';
import { ambulatoryCare, type ActLine } from './ambulatory.js';
import { ASSOCIATED_CODE_PROBABILITY, CONDITION_ACT_PROBABILITY, SAME_DRAW_FROM_AGE } from './constants.js';
import {
  chronicDeliveries,
  otherPrescriptions,
  vaccineDeliveries,
  visitPrescription,
  type Delivery,
  type DrugLine,
  type PersonYear,
} from './drugs.js';
import { labVisits } from './biology.js';

export type ClaimKind = 'gp' | 'specialist' | 'pharmacy' | 'lab' | 'ccam' | 'clinic' | 'act';

export type { DrugLine } from './drugs.js';

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
  /** EXO_MTF when not the ALD liste's 41 (coverage.ts: hors liste 43, polypathologie 45). */
  exo?: number;
  drugs: DrugLine[];
  /** The hospital where a delivered prescription was written (ETB_PRE_FIN), -1 for none. */
  prescriberEstablishment: number;
  tests: number[];
  act: string;
  stay: Stay | null;
  outpatientEstablishment: number;
  /** Ambulatory lines (ambulatory.ts): a consultation's natures and majorations, or an 'act' claim's lines. */
  acts?: ActLine[];
  /** The executant's activity nature (PSE_ACT_NAT, IR_ACT_V) when ambulatory.ts sets it. */
  activity?: number;
}

export interface Stay {
  establishment: number;
  entry: number;
  exit: number;
  dp: string;
  /** The GHM the stay groups in (grouping.ts), from its DP, acts, length, age and discharge. */
  ghm: string;
  associated: string[];
  acts: string[];
  died: boolean;
  /** Séances the row stands for (CMD 28), 0 for a stay. */
  seances: number;
}

const cal = () => calibration();

let mixCum: Map<string, Float64Array> | undefined;

type Chapter = Model['stays']['chapters'][number];
interface Pickers {
  chapters: CodePicker<Chapter>;
  chapterCodes: Map<Chapter, CodePicker<[string, number]>>;
  conditionCodes: Map<string, CodePicker<[string, number]>>;
}
let pickers: Pickers | undefined;

/** The weighted draws whose entries fit a person or not, built once (their tables on first use). */
function drawTables(): Pickers {
  if (pickers) return pickers;
  const m = cal().model;
  const chapterCodes = new Map(m.stays.chapters.map((ch) => [ch, codePicker('icd10', ch.codes)] as const));
  // A chapter is drawn only for whom one of its codes fits, and within its own age and sex bounds.
  const bounds = m.stays.chapters.flatMap((ch) => [ch.min_age, ch.max_age === undefined ? undefined : ch.max_age + 1]);
  const chapters = new CodePicker(
    m.stays.chapters,
    // Weighted by what the published rate leaves to the general mix (stay-budget.ts).
    (ch, sex, age) =>
      eligible(ch, sex, age) && chapterCodes.get(ch)!.has(sex, age) ? stayBudget().chapter.get(ch.chapter)! : 0,
    bounds.filter((b): b is number => b !== undefined),
  );
  const conditionCodes = new Map(
    m.conditions.flatMap((c) =>
      'stays' in c && c.stays ? [[c.name, codePicker('icd10', c.stays.codes)] as const] : [],
    ),
  );
  return (pickers = { chapters, chapterCodes, conditionCodes });
}

export { eligible };

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
  const draws = drawTables();
  const base = (kind: ClaimKind, date: number, executant: number, specialty: number): Claim => ({
    kind,
    date,
    end: date,
    executant,
    prescriber: -1,
    specialty,
    ald: false,
    drugs: [],
    prescriberEstablishment: -1,
    tests: [],
    act: '',
    stay: null,
    outpatientEstablishment: -1,
  });
  const gp = pv.gpOf(who.index, y);
  const py: PersonYear = {
    sex: who.sex,
    age,
    band,
    from,
    to,
    y,
    days,
    rng,
    stable: (key) => personRng(p, who.index, STREAM.conditions, hash(key)),
    conditions: held.map((c) => ({ name: c.name, drugs: c.drugs, biology: c.biology, ald: aldFor(c) })),
  };
  const deliver = (d: Delivery, prescriber: number) => {
    const c = base('pharmacy', d.date, pv.pharmacySeen(who.index, d.date), 0);
    c.prescriber =
      d.prescriber === null
        ? prescriber
        : d.prescriber.specialty === 1
          ? gp
          : pv.specialistOf(d.prescriber.specialty, who.index);
    if (d.prescriber?.hospital) c.prescriberEstablishment = pv.establishmentOf(rng, who.index);
    c.ald = d.ald;
    c.drugs = d.drugs;
    claims.push(c);
  };
  const prescribe = (prescriber: number, date: number, visits: 'gp' | 'specialist') => {
    const d = visitPrescription(py, visits, date);
    if (d) deliver(d, prescriber);
  };

  // GP consultations.
  const gpMean = (cal().gpBase[band] + held.reduce((s, c) => s + c.gp_extra, 0)) * fraction;
  for (let k = rng.poisson(gpMean); k > 0; k--) {
    const date = on(when.gp);
    const doctor = pv.gpSeen(who.index, y, date);
    const c = base('gp', date, doctor, 1);
    const exo = otherAldExoneration(p, who, c.date);
    if (exo) [c.ald, c.exo] = [true, exo];
    claims.push(c);
    const imaging = gpImaging(rng, who.sex, age);
    if (imaging) {
      const a = base('ccam', Math.min(to - 1, c.date + rng.int(14)), pv.specialistOf(RADIOLOGY, who.index), RADIOLOGY);
      [a.act, a.prescriber, a.ald] = [imaging, doctor, c.ald];
      claims.push(a);
    }
    prescribe(doctor, c.date, 'gp');
  }

  // Specialists: the general mix, plus each condition's follow-up.
  mixCum ??= new Map();
  const visit = (spe: number, ccam: string | undefined, actProbability: number, ald: boolean) => {
    const doc = pv.specialistOf(spe, who.index);
    const c = base('specialist', on(when.specialist), doc, spe);
    c.ald = ald;
    if (rng.chance(m.specialist.hospital_outpatient_probability))
      c.outpatientEstablishment = pv.establishmentOf(rng, who.index);
    claims.push(c);
    if (ccam && rng.chance(actProbability) && allowed('ccam', ccam, who.sex, ageAt(who, c.date))) {
      const a = base('ccam', c.date, doc, spe);
      a.act = ccam;
      a.ald = ald;
      claims.push(a);
    }
    const technical = technicalActAt(rng, spe, who.sex, ageAt(who, c.date));
    if (technical) {
      const t = base('ccam', c.date, doc, spe);
      [t.act, t.ald] = [technical, ald];
      claims.push(t);
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

  // Drugs beside the visits' prescriptions: dentists' and hospitals', long-term treatments, vaccines.
  for (const d of [...otherPrescriptions(py), ...chronicDeliveries(py), ...vaccineDeliveries(py)]) deliver(d, gp);

  // Biology: check-ups and each condition's monitoring tests.
  const lab = pv.labOf(who.index);
  for (const v of labVisits(py)) {
    const c = base('lab', v.date, lab, 0);
    c.prescriber = gp;
    c.ald = v.ald;
    c.tests = v.tests;
    claims.push(c);
  }

  // Hospital stays (PMSI MCO): the DP, acts and associated codes fit the person at entry, and the GHM
  // follows from them; a stay in a private clinic is also billed in DCIR.
  const death = deathOf(p, who);
  // Other stays end before the stay ending in death begins.
  const stayEnd = death?.stay ? Math.min(to, death.stay.entry) : to;
  const staySpan = stayEnd - from;
  const assoc = held.flatMap((c) => c.associated_codes);
  const coded = (entryAge: number) =>
    assoc.filter((code) => rng.chance(ASSOCIATED_CODE_PROBABILITY * codeWeight('icd10', code, who.sex, entryAge)));
  const addStay = (
    entry: number,
    exit: number,
    dp: string,
    acts: string[],
    associated: string[],
    died = false,
    weight?: number,
  ) => {
    const ghm = ghmOf(cal().roots, {
      dp,
      acts,
      nights: exit - entry,
      age: Math.max(0, ageAt(who, entry)),
      died,
      weight,
    });
    const s: Stay = {
      establishment: pv.establishmentOf(rng, who.index, ghm),
      entry,
      exit,
      dp,
      ghm,
      associated,
      acts,
      died,
      seances: 0,
    };
    stays.push(s);
    if (pv.isPrivate(s.establishment)) {
      const c = base('clinic', s.entry, s.establishment, 0);
      c.end = s.exit;
      c.stay = s;
      claims.push(c);
    }
    return s;
  };
  // A stay of the general mix: a DP that fits the person at entry; ambulatory or not, and its length, by age.
  // The DP is drawn for the age at the year's start, then again in the rare case it no longer fits at entry
  // (a birthday in between): the entry day's profile depends on the DP (respiratory stays peak in winter).
  const drawnStay = (pickDp: (age: number) => string | undefined) => {
    let dp = pickDp(age);
    if (!dp) return;
    const u = rng.float();
    const entry = dayIn(days, dp[0] === 'J' ? when.respiratory_stay : when.hospital, from, stayEnd, u);
    const entryAge = Math.max(0, ageAt(who, entry));
    if (entryAge !== age && !allowed('icd10', dp, who.sex, entryAge)) dp = pickDp(entryAge);
    if (!dp) return;
    // A stay with an operating act is ambulatory at its root's published share, the others by age.
    const acts = stayActs(rng, dp, who.sex, entryAge);
    const surgical = ambulatoryShare({ dp, acts, age: entryAge }, cal().ghmStays);
    const ambulatory = rng.chance(surgical ?? m.stays.ambulatory_by_band[band]);
    const meanNights = m.stays.mean_nights_by_band[band];
    const nights = ambulatory ? 0 : 1 + Math.floor(-Math.log(1 - rng.float()) * (meanNights - 1));
    addStay(entry, Math.min(stayEnd - 1, entry + nights), dp, acts, coded(entryAge));
  };
  if (staySpan > 0) {
    // A person-year's frailty (mean 1) multiplies every rate of stays, so that stays cluster.
    const shape = m.stays.frailty_shape;
    const frailty = rng.gamma(shape) / shape;
    const stayFraction = (staySpan / 365) * frailty;
    for (let k = rng.poisson(stayBudget().base[band] * stayFraction); k > 0; k--) {
      drawnStay((entryAge) => {
        const ch = draws.chapters.pick(rng, who.sex, entryAge);
        return ch && draws.chapterCodes.get(ch)!.pick(rng, who.sex, entryAge)?.[0];
      });
    }
    for (const c of held) {
      const codes = draws.conditionCodes.get(c.name);
      if (!c.stays || !codes) continue;
      for (let k = rng.poisson(c.stays.per_year * stayFraction); k > 0; k--) {
        drawnStay((entryAge) => codes.pick(rng, who.sex, entryAge)?.[0]);
      }
    }
    for (const s of seancesOfYear(p, who, y, from, stayEnd, age)) {
      addStay(s.date, s.end, s.dp, s.acts, []).seances = s.count;
    }
    const delivery = deliveryOfYear(p, who, y, from, stayEnd, age);
    if (delivery) addStay(delivery.entry, delivery.exit, delivery.dp, delivery.acts, []);
    // Cataract operations, at their published volume by age, ambulatory at their root's share.
    for (const k of cataractStaysOfYear(p, who, y, from, stayEnd, age)) {
      const share = ambulatoryShare({ dp: k.dp, acts: k.acts, age }, cal().ghmStays) ?? 1;
      const exit = Math.min(stayEnd - 1, k.date + (rng.chance(share) ? 0 : 1));
      addStay(k.date, exit, k.dp, [...k.acts, m.stays.anesthesia_act], coded(age));
    }
  }
  // The newborn's stay at birth; a baby who dies before leaving has it end in death.
  const born = who.newborn && who.birth >= from && who.birth < to;
  let deathStay = death?.stay ?? null;
  if (born) {
    const nb = newbornStay(p, who, to);
    if (deathStay && deathStay.entry <= nb.exit) {
      addStay(who.birth, deathStay.exit, nb.dp, [], [], true, nb.weight);
      deathStay = null;
    } else addStay(who.birth, nb.exit, nb.dp, [], [], false, nb.weight);
  }
  if (death) {
    for (const b of death.before)
      if (b.exit >= from && b.exit < to) addStay(b.entry, b.exit, b.dp, [], coded(ageAt(who, b.entry)));
    if (deathStay && deathStay.exit >= from && deathStay.exit < to) {
      addStay(deathStay.entry, deathStay.exit, deathStay.dp, [], coded(ageAt(who, deathStay.entry)), true);
    }
  }

  ambulatoryCare({
    p,
    who,
    y,
    from,
    to,
    age,
    held,
    anyAld: who.ald.size > 0,
    claims,
    stays,
    pv,
    days,
    make: (date, executant, specialty) => {
      const c = base('act', date, executant, specialty);
      claims.push(c);
      return c;
    },
  });
  claims.sort((a, b) => a.date - b.date || kindOrder[a.kind] - kindOrder[b.kind]);
  return { claims, stays };
}

/**
 * A stay's acts: at most one operating act (C/K, with the anaesthesia act) and one diagnostic act,
 * each drawn by its share among those that fit the DP and the person (grouping.json).
 */
export function stayActs(rng: Rng, dp: string, sex: number, age: number): string[] {
  const { operating, diagnostic } = proceduresFor(dp);
  const acts: string[] = [];
  const draw = (list: Procedure[]) => {
    if (!list.length) return undefined;
    let u = rng.float();
    for (const p of list) {
      if (!allowed('ccam', p.act, sex, age)) continue;
      if ((u -= p.share) < 0) return p.act;
    }
    return undefined;
  };
  const op = draw(operating);
  if (op) acts.push(op, cal().model.stays.anesthesia_act);
  const dx = draw(diagnostic);
  if (dx) acts.push(dx);
  return acts;
}

const kindOrder: Record<ClaimKind, number> = { gp: 0, specialist: 1, ccam: 2, lab: 3, pharmacy: 4, clinic: 5, act: 6 };

/** A string's 32-bit hash: seeds the per-person draw of each chronic drug. */
export function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}
