// One beneficiary's care in one year, as claims (DCIR) and hospital stays (PMSI MCO), drawn from
// the person's age, sex and conditions. Pure: the same (seed, person, year) gives the same care.
import { ageBand, calibration, type Condition, type Model } from './calibration.js';
import { aliveSpan, ageAt, holdsIn, personRng, type Params, type Person } from './population.js';
import { STREAM } from './streams.js';
import { allowed, codePicker, codeWeight, CodePicker } from './restrictions.js';
import { ambulatoryShare, ghmOf, proceduresFor, type Procedure } from './grouping.js';
import { providers } from './providers.js';
import { aldPeriodsOf, otherAldExoneration, type AldPeriod } from './coverage.js';
import { onsetOf, type Onset } from './onset.js';
import { day, SENTINEL_DATE } from './dates.js';
import { gpImaging, RADIOLOGY, technicalActAt } from './technical-acts.js';
import type { Rng } from './rng.js';
import { cumulative } from './rng.js';
import { deathOf } from './death.js';
import { stayBudget } from './stay-budget.js';
import { eligible } from './eligible.js';
import { cataractStaysOfYear, deliveryOfYear, newbornStay, seancesOfYear } from './pathway.js';
import { dayIn, yearCalendar, type DayTable } from './calendar.js';
import { ambulatoryCare, midwifeConsultation, type ActLine } from './ambulatory.js';
import { deviceCare } from './devices.js';
import { ASSOCIATED_CODE_PROBABILITY, CONDITION_ACT_PROBABILITY, SAME_DRAW_FROM_AGE } from './constants.js';
import { afterEventDeliveries, visitPrescription, type Delivery, type DrugLine, type PersonYear } from './drugs.js';
import { withForfaits } from './biology.js';
import { personYearDraws } from './person-year.js';
import { inInfancy, infantEvents, perinatalParams, prenatalEvents, type PerinatalEvent } from './perinatal.js';
import { substance } from './drug-catalogue.js';

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
  // Conditions held this year: those held before the window, and those begun by the year's end. A condition
  // begun this year is cared for from its diagnosis (visits, stays) and its first treatment (drugs, tests).
  const onsets = new Map<Condition, Onset>();
  for (const k of who.conditions) {
    const o = onsetOf(p, who, k);
    if (o) onsets.set(m.conditions[k], o);
  }
  const held: Condition[] = who.conditions
    .filter((k) => holdsIn(who, k, y))
    .map((k) => m.conditions[k])
    .filter((c) => (onsets.get(c)?.day ?? from) < to);
  const diagnosed = (c: Condition) => Math.max(from, onsets.get(c)?.day ?? from);
  const heldFraction = (c: Condition) => Math.max(0, to - diagnosed(c)) / 365;
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
    stable: (key) => personRng(p, who.index, STREAM.treatments, hash(key)),
    window: [day(p.firstYear, 1, 1), day(p.lastYear + 1, 1, 1)],
    conditions: held.map((c) => ({
      name: c.name,
      drugs: c.drugs,
      biology: c.biology,
      ald: aldFor(c),
      since: onsets.has(c) ? onsets.get(c)!.treatment : day(p.firstYear, 1, 1),
      onsetDrugs: 'drugs' in c.incidence.onset ? c.incidence.onset.drugs : undefined,
    })),
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

  // GP consultations: the person's, and each condition's from its diagnosis.
  const gpVisit = (date: number) => {
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
  };
  // A child under 2 has her examinations (below) in place of part of the other visits.
  const infant = inInfancy(who.birth, from, to);
  const gpFactor = infant ? perinatalParams().infant.base_visit_factor : 1;
  for (let k = rng.poisson(cal().gpBase[band] * fraction * gpFactor); k > 0; k--) gpVisit(on(when.gp));
  for (const c of held) {
    const lo = diagnosed(c);
    for (let k = rng.poisson(c.gp_extra * heldFraction(c)); k > 0; k--)
      gpVisit(dayIn(days, when.gp, lo, to, rng.float()));
  }

  // Specialists: the general mix, plus each condition's follow-up.
  mixCum ??= new Map();
  const visit = (spe: number, ccam: string | undefined, actProbability: number, ald: boolean, lo = from) => {
    const doc = pv.specialistOf(spe, who.index);
    const c = base('specialist', dayIn(days, when.specialist, lo, to, rng.float()), doc, spe);
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
      for (let k = rng.poisson(s.per_year * heldFraction(c)); k > 0; k--) {
        visit(s.spe, 'ccam' in s ? s.ccam : undefined, CONDITION_ACT_PROBABILITY, aldFor(c), diagnosed(c));
      }
    }
  }
  // The diagnosing visit of a condition begun this year (a stay makes the others' diagnosis, below).
  for (const [c, o] of onsets) {
    if (o.day < from || o.day >= to || !o.specialty) continue;
    if (o.specialty === 1) gpVisit(o.day);
    else {
      const doc = pv.specialistOf(o.specialty, who.index);
      const v = base('specialist', o.day, doc, o.specialty);
      claims.push(v);
      prescribe(doc, o.day, 'specialist');
    }
    void c;
  }

  // Drugs beside the visits' prescriptions: dentists' and hospitals', long-term treatments, vaccines.
  // The person-year's own draws (person-year.ts): drawn alike for plan's means.
  const own = personYearDraws(py);
  for (const d of own.deliveries) deliver(d, gp);

  // Biology: check-ups and each condition's monitoring tests.
  const lab = pv.labOf(who.index);
  for (const v of own.labVisits) {
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
  const drawnStay = (pickDp: (age: number) => string | undefined, lo = from) => {
    let dp = pickDp(age);
    if (!dp || lo >= stayEnd) return;
    const u = rng.float();
    const entry = dayIn(days, dp[0] === 'J' ? when.respiratory_stay : when.hospital, lo, stayEnd, u);
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
  let delivery: ReturnType<typeof deliveryOfYear> = null;
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
      const share = heldFraction(c) / (span / 365);
      for (let k = rng.poisson(c.stays.per_year * stayFraction * share); k > 0; k--) {
        drawnStay((entryAge) => codes.pick(rng, who.sex, entryAge)?.[0], diagnosed(c));
      }
    }
    // The stay that makes the diagnosis of a condition begun this year (an infarction, a stroke, a cancer).
    for (const o of onsets.values()) {
      if (!o.stay || o.stay.entry < from || o.stay.entry >= stayEnd) continue;
      const entryAge = Math.max(0, ageAt(who, o.stay.entry));
      if (!allowed('icd10', o.stay.dp, who.sex, entryAge)) continue;
      const exit = Math.min(stayEnd - 1, o.stay.exit);
      addStay(o.stay.entry, exit, o.stay.dp, stayActs(rng, o.stay.dp, who.sex, entryAge), coded(entryAge));
    }
    for (const s of seancesOfYear(p, who, y, from, stayEnd, age)) {
      addStay(s.date, s.end, s.dp, s.acts, []).seances = s.count;
    }
    delivery = deliveryOfYear(p, who, y, from, stayEnd, age);
    if (delivery) addStay(delivery.entry, delivery.exit, delivery.dp, delivery.acts, []);
    // Cataract operations, at their published volume by age, ambulatory at their root's share.
    for (const k of cataractStaysOfYear(p, who, y, from, stayEnd, age)) {
      const share = ambulatoryShare({ dp: k.dp, acts: k.acts, age }, cal().ghmStays) ?? 1;
      const exit = Math.min(stayEnd - 1, k.date + (rng.chance(share) ? 0 : 1));
      addStay(k.date, exit, k.dp, [...k.acts, m.stays.anesthesia_act], coded(age));
    }
  }
  // An infarction or a stroke of a person whose condition began before: secondary prevention from discharge.
  const taken = new Set(claims.flatMap((c) => c.drugs.map((d) => d.atc.slice(0, 5))));
  for (const c of m.conditions) {
    const o = c.incidence.onset;
    if (!('event_codes' in o) || !o.event_codes) continue;
    for (const s of [...stays]) {
      if (s.died || s.seances || !o.event_codes.some((e) => s.dp.startsWith(e))) continue;
      if ([...onsets.values()].some((x) => x.stay?.entry === s.entry)) continue;
      for (const d of afterEventDeliveries(py, s.exit, o.drugs ?? [], taken)) deliver(d, gp);
    }
  }

  // Around a birth: the prenatal follow-up of this year's and next year's deliveries, a child's examinations
  // and vaccines.
  const perinatal: PerinatalEvent[] = [];
  if (infant) perinatal.push(...infantEvents(p.seed, who.index, who.birth));
  if (delivery) perinatal.push(...prenatalEvents(p.seed, who.index, delivery.entry));
  if (who.sex === 2) {
    const next = day(y + 1, 1, 1);
    const nextEnd = who.death === SENTINEL_DATE ? day(y + 2, 1, 1) : Math.min(day(y + 2, 1, 1), who.death + 1);
    const coming = next < nextEnd ? deliveryOfYear(p, who, y + 1, next, nextEnd, Math.max(0, ageAt(who, next))) : null;
    if (coming) perinatal.push(...prenatalEvents(p.seed, who.index, coming.entry));
  }
  for (const e of perinatal) {
    if (e.date < from || e.date >= to) continue;
    if (e.kind === 'visit') {
      if (e.by === 'gp') gpVisit(e.date);
      else if (e.by === 'midwife') {
        const c = base('act', e.date, pv.specialistOf(perinatalParams().prenatal.midwife_activity, who.index), 21);
        [c.activity, c.acts] = [perinatalParams().prenatal.midwife_activity, [midwifeConsultation()]];
        claims.push(c);
      } else {
        const spe = e.by === 'gynaecologist' ? perinatalParams().prenatal.gynaecologist_specialty : 12;
        const doc = pv.specialistOf(spe, who.index);
        claims.push(base('specialist', e.date, doc, spe));
        prescribe(doc, e.date, 'specialist');
      }
    } else if (e.kind === 'ultrasound') {
      const spe = e.byRadiologist ? RADIOLOGY : perinatalParams().prenatal.gynaecologist_specialty;
      const a = base('ccam', e.date, pv.specialistOf(spe, who.index), spe);
      a.act = e.ccam;
      claims.push(a);
    } else if (e.kind === 'serology') {
      const c = base('lab', e.date, pv.labOf(who.index), 0);
      [c.prescriber, c.tests] = [gp, withForfaits([e.nabm])];
      claims.push(c);
    } else {
      const presentation = substance(e.atc).presentations[0].index;
      const prescriber = e.byPaediatrician ? { specialty: 12, hospital: false } : null;
      deliver({ date: e.date, prescriber, ald: false, drugs: [{ atc: e.atc, boxes: 1, presentation }] }, gp);
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

  const periods = aldPeriodsOf(p, who);
  // What the ambulatory programmes and the devices share: conditions begun before mid-year count as held,
  // the ALD periods open on a day, and the 'act' claims they make.
  const heldMidYear = held.filter((c) => diagnosed(c) < (from + to) / 2);
  const aldOn = (date: number) => periods.some((x) => x.start <= date && date <= x.end);
  const make = (date: number, executant: number, specialty: number) => {
    const c = base('act', date, executant, specialty);
    claims.push(c);
    return c;
  };
  ambulatoryCare({
    p,
    who,
    y,
    from,
    to,
    age,
    held: heldMidYear,
    anyAld: who.ald.size > 0,
    aldOn,
    claims,
    stays,
    pv,
    days,
    make,
  });
  // Medical devices, once the year's other care is drawn: insulin deliveries and nursing days guide them.
  deviceCare({
    p,
    who,
    y,
    from,
    to,
    age,
    held: heldMidYear.map((c) => c.name),
    aldOn,
    claims,
    pv,
    make,
  });
  // A stay of the death's care drawn with a later year (its exit falls after this year) keeps the
  // person in hospital from its entry on: this year's office care must fall there too.
  const lasting: InHospital[] = death
    ? [...death.before, ...(death.stay ? [death.stay] : [])]
        .filter((s) => s.entry < to && s.exit >= to)
        .map((s) => ({ entry: s.entry, exit: s.exit, seances: 0, died: s === death.stay }))
    : [];
  const kept = exonerated(periods, suspendedDuringStays(claims, [...stays, ...lasting], to));
  kept.sort((a, b) => a.date - b.date || kindOrder[a.kind] - kindOrder[b.kind]);
  return { claims: kept, stays };
}

/** Claims of office care that a full hospital stay suspends: the patient is in hospital. */
const OFFICE: ReadonlySet<ClaimKind> = new Set(['gp', 'specialist', 'ccam', 'lab', 'act']);

/** What a stay tells of the days a person spends in hospital. */
export type InHospital = Pick<Stay, 'entry' | 'exit' | 'seances' | 'died'>;

/**
 * A full stay (one night or more) suspends office care and pharmacy deliveries between its entry and exit
 * days: office care falls, a delivery waits for the discharge day. A delivery whose discharge day is a death
 * or falls after the year (`to`) is not made. Séances and day cases suspend nothing.
 */
export function suspendedDuringStays(claims: Claim[], stays: readonly InHospital[], to: number): Claim[] {
  const full = stays.filter((s) => s.seances === 0 && s.exit > s.entry);
  if (!full.length) return claims;
  const inside = (d: number) => full.find((s) => d > s.entry && d < s.exit);
  const out: Claim[] = [];
  for (const c of claims) {
    const s = c.kind === 'clinic' || c.stay ? undefined : inside(c.date);
    if (!s) out.push(c);
    else if (c.kind === 'pharmacy') {
      // Delivered on the discharge day, or after the last of overlapping stays.
      let at: InHospital | undefined = s;
      let last = s;
      for (let n = 0; at && n < full.length; n++) {
        last = at;
        c.date = c.end = at.exit;
        at = inside(c.date);
      }
      if (!last.died && c.date < to) out.push(c);
    } else if (!OFFICE.has(c.kind) || (c.kind === 'act' && !c.activity)) out.push(c); // allowances go on
  }
  return out;
}

/**
 * ALD exoneration as the referential says on each claim's day: a claim drawn for a condition in ALD is
 * exonerated only while one of the person's ALD periods is open that day, with that period's nature
 * (EXO_MTF 41 liste, 43 hors liste, 45 polypathologie).
 */
export function exonerated(periods: AldPeriod[], claims: Claim[]): Claim[] {
  for (const c of claims) {
    if (!c.ald) continue;
    const open = periods.find((x) => x.start <= c.date && c.date <= x.end);
    if (!open) {
      c.ald = false;
      c.exo = undefined;
    } else if (open.nature !== 41) c.exo = open.nature;
    else c.exo = undefined;
  }
  return claims;
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
