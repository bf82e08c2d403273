// Ambulatory care beyond the model's GP and specialist visits: nurses, physiotherapists, dentists,
// midwives, patient transport and daily allowances, and the natures and majorations of the GP and
// specialist consultations themselves (calibration/ambulatory.json). Pure: its own random stream.
import data from '../../calibration/ambulatory.json' with { type: 'json' };
import { ageBand, calibration, type Condition } from './calibration.js';
import { ageAt, personRng, type Params, type Person } from './population.js';
import { STREAM } from './streams.js';
import { cumulative, hashUnit, streamKey, type Rng } from './rng.js';
import { day } from './dates.js';
import { eligible } from './eligible.js';
import { dayIn, weekdayOf, type YearCalendar } from './calendar.js';
import { deviceSuppliers } from './devices.js';

export type Ambulatory = typeof data;
export const ambulatory = (): Ambulatory => data;

/** One ER_PRS_F line of an ambulatory claim: its nature, quantity, base (EUR) and rate; `ccam` for ER_CAM_F. */
export interface ActLine {
  nature: number;
  quantity: number;
  base: number;
  rate: number;
  ccam?: string;
  /** A transport leg's departure and arrival times (HHMM), for its ER_TRS_F row. */
  trip?: { departure: number; arrival: number };
  /** What the professional bills above the base (PRS_DEP_MNT), when the line sets it (devices.ts). */
  overbilling?: number;
}

/** The part of care.ts's Claim this module reads and fills (structural, so that care.ts need not be imported). */
export interface ClaimLike {
  kind: string;
  date: number;
  end: number;
  executant: number;
  prescriber: number;
  specialty: number;
  ald: boolean;
  acts?: ActLine[];
  activity?: number;
}

export interface AmbulatoryContext {
  p: Params;
  who: Person;
  y: number;
  from: number;
  to: number;
  age: number;
  held: Condition[];
  /** Whether the person holds an ALD: transport and IJ at 100%. */
  anyAld: boolean;
  /** Whether one of the person's ALD periods is open on a day: her ALD-related care is exonerated then. */
  aldOn(date: number): boolean;
  claims: ClaimLike[];
  stays: { entry: number; exit: number; dp: string; seances: number }[];
  pv: { gpOf(i: number): number; specialistOf(spe: number, i: number): number };
  days: YearCalendar;
  /** A new claim of kind 'act', pushed to the year's claims. */
  make(date: number, executant: number, specialty: number): ClaimLike;
}

/** IR_ACT_V natures of the non-physicians this module draws, added to the providers' pools. */
export function ambulatorySpecialties(): number[] {
  return [
    data.nurse.spe,
    data.physiotherapist.spe,
    data.dentist.spe,
    data.midwife.spe,
    data.transport.spe,
    data.transport.taxi_spe,
  ];
}

/** The activity nature (IR_ACT_V) of a professional of this specialty: its own for this module's, 0 for physicians. */
export const activityOf = (spe: number): number => ((activities ??= nonPhysicians()).has(spe) ? spe : 0);
let activities: Set<number> | undefined;
/** The specialty codes that are a non-physician's activity: this module's and the device suppliers'. */
const nonPhysicians = () => new Set([...ambulatorySpecialties(), ...deviceSuppliers()]);

const C = data.consultations;
const N = C.natures as Record<string, number>;
type Schedule = [string, number][];

/** A tariff on a date: the last entry of its schedule in force (schedules are ISO dates, ascending). */
export function tariffAt(schedule: Schedule, date: number): number {
  let t = schedule[0][1];
  for (const [from, eur] of schedule) {
    const [yy, mm, dd] = from.split('-').map(Number);
    if (date >= day(yy, mm, dd)) t = eur;
  }
  return t;
}
const consultationTariff = (code: string, date: number) =>
  tariffAt(
    (C.tariffs as unknown as Record<string, Schedule>)[code === 'GS' || code === 'VG' || code === 'VGS' ? 'G' : code],
    date,
  );

const gpSpecialtyCum = cumulative(Object.values(C.gp_specialty));
const gpSpecialtyCodes = Object.keys(C.gp_specialty).map(Number);
/** The specialty codes a GP carries (PSE_SPE_COD, PFS_PRA_SPE). */
export const GP_SPECIALTIES: readonly number[] = gpSpecialtyCodes;
/** The specialty (PSE_SPE_COD) of GP number j: 1, 22 or 23, fixed for the GP. */
export function gpSpecialty(j: number): number {
  const u = hashUnit(streamKey(STREAM.gpSpecialty, j));
  let i = 0;
  while (i < gpSpecialtyCum.length - 1 && u * gpSpecialtyCum[gpSpecialtyCum.length - 1] >= gpSpecialtyCum[i]) i++;
  return gpSpecialtyCodes[i];
}

/** PRS_NAT_REF of a GP's consultations, home visits and teleconsultations: what counts as a GP act. */
export const GP_ACT_NATURES = [N.GS, N.G, N.TCG, N.VGS, N.VG].sort((a, b) => a - b);

const rateOf = (c: ClaimLike, r: number) => (c.ald ? 100 : r);

/** A GP consultation's lines: office (G/GS), home visit (VG/VGS and its majoration) or teleconsultation (TCG). */
function gpLines(c: ClaimLike, age: number, band: number, rng: Rng, holidays: Set<number>): ActLine[] {
  const line = (code: string, eur = consultationTariff(code, c.date)): ActLine => ({
    nature: N[code],
    quantity: 1,
    base: eur,
    rate: rateOf(c, 70),
  });
  const specialist = gpSpecialty(c.executant) !== 1;
  const u = rng.float();
  if (u < C.gp_teleconsultation_share[band]) return [line('TCG')];
  const lines: ActLine[] = [];
  if (u < C.gp_teleconsultation_share[band] + C.gp_home_visit_share[band]) {
    lines.push(line(specialist ? 'VGS' : 'VG'));
    const sunday = weekdayOf(c.date) === 6 || holidays.has(c.date);
    lines.push(line(rng.chance(C.night_visit_share) ? 'MDN' : sunday ? 'MDD' : 'MD'));
    if (rng.chance(C.urgent_visit_share)) lines.push(line('MU'));
  } else lines.push(line(specialist ? 'GS' : 'G'));
  if (age <= C.child_majoration_max_age) lines.push(line('MEG'));
  return lines;
}

/** The majoration codes that follow a specialist's consultation code, by specialty. */
function specialistCodes(spe: number): string[] {
  if (spe === 33) return ['CNPSY', 'MCS'];
  if (spe === 3) return ['CSC', 'MCC'];
  return ['CS', 'MPC', 'MCS'];
}
function specialistLines(c: ClaimLike, rng: Rng): ActLine[] {
  const u = rng.float();
  const codes =
    u < C.specialist_teleconsultation_share
      ? ['TC']
      : u < C.specialist_teleconsultation_share + C.specialist_opinion_share
        ? [c.specialty === 33 ? 'APY' : 'APC']
        : specialistCodes(c.specialty);
  return codes.map((code) => ({
    nature: N[code],
    quantity: 1,
    base: consultationTariff(code, c.date),
    rate: rateOf(c, 70),
  }));
}

/** Extra ER_PRS_F lines (beyond the first) of a specialist consultation of this specialty, on average. */
export function meanSpecialistExtraLines(spe: number): number {
  return (1 - C.specialist_teleconsultation_share - C.specialist_opinion_share) * (specialistCodes(spe).length - 1);
}
/** Extra ER_PRS_F lines (beyond the first) of a GP consultation at this age, on average. */
export function meanGpExtraLines(age: number): number {
  const band = ageBand(age);
  const tele = C.gp_teleconsultation_share[band];
  const visit = C.gp_home_visit_share[band];
  return visit * (1 + C.urgent_visit_share) + (age <= C.child_majoration_max_age ? 1 - tele : 0);
}

const pickWeighted = <T>(rng: Rng, list: T[], weight: (t: T) => number): T => {
  let u = rng.float() * list.reduce((s, t) => s + weight(t), 0);
  for (const t of list) if ((u -= weight(t)) < 0) return t;
  return list[list.length - 1];
};
/** Dates of a series of `n` sessions every `gap()` days from `start`, kept before `to`. */
function series(start: number, n: number, gap: () => number, to: number): number[] {
  const out: number[] = [];
  for (let k = 0, d = start; k < n && d < to; k++, d += gap()) out.push(d);
  return out;
}
const conditionHeld = (held: Condition[], name: string) => held.some((c) => c.name === name);
const eligibleAct = (a: { min_age?: number; max_age?: number }, age: number) =>
  (a.min_age === undefined || age >= a.min_age) && (a.max_age === undefined || age <= a.max_age);

/** Whether an employee of the régime général at this age (a share of the age, a fixed draw of the person). */
export function employedShare(age: number): number {
  let s = 0;
  for (const [from, share] of data.daily_allowances.employed_by_age) if (age >= from) s = share;
  return s;
}
function eurPerDay(age: number): number {
  let e = 0;
  for (const [from, eur] of data.daily_allowances.eur_per_day) if (age >= from) e = eur;
  return e;
}

/** A programme's chance for the person this year (share by band, raised by its condition). */
export function programmeShare(prog: Ambulatory['nurse']['programmes'][number], band: number, holds: boolean): number {
  const base = prog.share[band];
  if ('only_condition' in prog && prog.only_condition) return holds ? base : 0;
  return holds && prog.condition_factor !== undefined ? Math.min(0.95, base * prog.condition_factor) : base;
}

/**
 * The year's ambulatory care: decorates the GP and specialist claims with their natures and majorations,
 * then adds the claims of nurses, physiotherapists, dentists, midwives, transport and daily allowances.
 */
export function ambulatoryCare(x: AmbulatoryContext): void {
  const { p, who, y, from, to, age, pv, days } = x;
  const band = ageBand(age);
  const span = to - from;
  const fraction = span / 365;
  const rng = personRng(p, who.index, STREAM.ambulatory, y);
  const gp = pv.gpOf(who.index);
  const uniformDay = () => from + rng.int(span);

  for (const c of x.claims) {
    if (c.kind === 'gp') {
      c.specialty = gpSpecialty(c.executant);
      c.acts = gpLines(c, ageAt(who, c.date), band, rng, days.holidays);
    } else if (c.kind === 'specialist') c.acts = specialistLines(c, rng);
  }
  const act = (date: number, spe: number, lines: ActLine[], prescribed = true, end = date) => {
    const c = x.make(date, spe > 0 ? pv.specialistOf(spe, who.index) : -1, spe);
    c.activity = spe;
    c.end = end;
    c.acts = lines;
    if (prescribed) c.prescriber = gp;
    return c;
  };

  // Nurses: episodes of daily acts, and the daily programmes of the dependent old and some diabetics.
  const nu = data.nurse;
  const nn = nu.natures as Record<string, number>;
  const nt = nu.tariffs as Record<string, number>;
  const nurseLine = (code: string, coefficient = 1): ActLine => ({
    nature: nn[code],
    quantity: 1,
    base: Math.round(nt[code] * coefficient * 100) / 100,
    rate: 60,
  });
  const coefficients = nu.ami_coefficients;
  for (let e = rng.poisson(nu.episodes_per_year[band] * fraction); e > 0; e--) {
    const n = 1 + rng.poisson(nu.acts_per_episode - 1);
    for (const d of series(uniformDay(), n, () => 1, to)) {
      const coefficient = pickWeighted(rng, coefficients, (k) => k[1])[0];
      const lines = [nurseLine('AMI', coefficient)];
      if (rng.chance(nu.home_share[band])) {
        lines.push(nurseLine('IFI'));
        if (coefficient <= 1.5) lines.push(nurseLine('MAU'));
      }
      if (age <= nu.child_majoration_max_age) lines.push(nurseLine('MIE'));
      act(d, nu.spe, lines);
    }
  }
  for (const prog of nu.programmes) {
    const holds = 'condition' in prog && conditionHeld(x.held, prog.condition);
    if (!rng.chance(programmeShare(prog, band, holds))) continue;
    const forfait = prog.forfait_from_age !== undefined && age >= prog.forfait_from_age;
    const level = String(pickWeighted(rng, nu.forfait_mix, (k) => Number(k[1]))[0]);
    // A day's visits in one claim: each line's quantity is the day's visits.
    for (let d = from; d < to; d++) {
      const visits = forfait ? 1 : 1 + (rng.chance(prog.second_visit) ? 1 : 0);
      const lines = [forfait ? nurseLine(level) : nurseLine(prog.nature, prog.coefficient), nurseLine('IFI')];
      if (prog.nature === 'AMI' && prog.coefficient <= 1.5) lines.push(nurseLine('MAU'));
      // The daily care of a person in ALD is care of her ALD: exonerated, at 100%.
      const ald = x.aldOn(d);
      for (const l of lines) {
        l.quantity = visits;
        l.base = Math.round(l.base * visits * 100) / 100;
        if (ald) l.rate = 100;
      }
      act(d, nu.spe, lines).ald = ald;
    }
  }

  // Physiotherapists: series of sessions on prescription, every two to four days.
  const ph = data.physiotherapist;
  const pn = ph.natures as Record<string, number>;
  const ptar = ph.tariffs as Record<string, number>;
  for (let e = rng.poisson(ph.prescriptions_per_year[band] * fraction); e > 0; e--) {
    const code = rng.chance(ph.ams_share) ? 'AMS' : 'AMK';
    const home = rng.chance(ph.home_share[band]);
    const n = 1 + rng.poisson(ph.sessions_per_prescription - 1);
    for (const d of series(uniformDay(), n, () => 2 + rng.int(3), to)) {
      const lines: ActLine[] = [
        { nature: pn[code], quantity: 1, base: Math.round(ptar[code] * ph.coefficient * 100) / 100, rate: 60 },
      ];
      if (home) lines.push({ nature: pn.IFA, quantity: 1, base: ptar.IFA, rate: 60 });
      act(d, ph.spe, lines);
    }
  }

  // Dentists: a share of each age sees one in the year, a visit or a few; a consultation and/or a CCAM act.
  const de = data.dentist;
  if (rng.chance(de.patient_share[band] * fraction)) {
    const acts = de.acts.filter((a) => eligibleAct(a, age));
    for (let v = 1 + rng.poisson(de.extra_visits); v > 0; v--) {
      const date = dayIn(days, days.tables.specialist, from, to, rng.float());
      const hasAct = rng.chance(de.act_share);
      const lines: ActLine[] = [];
      if (!hasAct || rng.chance(de.consultation_share))
        lines.push({ nature: de.consultation.nature, quantity: 1, base: de.consultation.tariff, rate: 70 });
      if (hasAct) {
        const a = pickWeighted(rng, acts, (t) => t.weight);
        // Prosthetics are billed above their base: the excess is the dentist's (PRS_DEP_MNT).
        const overbilling = 'price' in a && a.price ? Math.round((a.price - a.tariff) * 100) / 100 : undefined;
        lines.push({ nature: a.nature, quantity: 1, base: a.tariff, rate: 70, ccam: a.ccam, overbilling });
      }
      act(date, de.spe, lines, false);
    }
  }

  // Midwives: around a delivery (antenatal sessions, home visits, the postnatal examination, rehabilitation).
  const mw = data.midwife;
  const mn = mw.natures as Record<string, number>;
  const mt = mw.tariffs as Record<string, number>;
  const sf = (coefficient: number): ActLine[] => [
    { nature: mn.SF, quantity: 1, base: Math.round(mt.SF * coefficient * 100) / 100, rate: 100 },
  ];
  for (const s of x.stays) {
    if (!deliveryDps().has(s.dp) || s.seances) continue;
    for (const offset of midwifeOffsets(rng.chance(mw.rehabilitation_share))) {
      const d = (offset < 0 ? s.entry : s.exit) + offset;
      if (d < from || d >= to) continue;
      const lines =
        offset === POSTNATAL_DAY
          ? [{ nature: mn.SP, quantity: 1, base: mt.SP, rate: 100 }]
          : sf(
              offset < 0
                ? mw.coefficients.antenatal
                : offset <= 3
                  ? mw.coefficients.home
                  : mw.coefficients.rehabilitation,
            );
      act(d, mw.spe, lines, offset > 3);
    }
  }
  if (who.sex === 2 && age >= 15 && age <= 49 && rng.chance(mw.gynaecology_share * fraction))
    act(uniformDay(), mw.spe, [{ nature: mn.C, quantity: 1, base: mt.C, rate: 70 }], false);

  // Patient transport: to and from stays and séances, and to other care for some of the old and ill.
  const tr = data.transport;
  const leg = (date: number) => {
    const mode = pickWeighted(rng, tr.modes, (m) => m.weight);
    const spe = mode.name === 'taxi' ? tr.taxi_spe : tr.spe;
    // Between 7:00 and 18:45, 15 to 90 minutes on the road.
    const start = 7 * 60 + 15 * rng.int(48);
    const end = Math.min(23 * 60 + 59, start + 15 * (1 + rng.int(6)));
    const hhmm = (minutes: number) => Math.floor(minutes / 60) * 100 + (minutes % 60);
    const trip = { departure: hhmm(start), arrival: hhmm(end) };
    const ald = x.aldOn(date);
    act(date, spe, [{ nature: mode.nature, quantity: 1, base: mode.tariff, rate: ald ? 100 : tr.rate, trip }]).ald =
      ald;
  };
  for (const s of x.stays) {
    if (s.seances ? !rng.chance(tr.seance_share) : !rng.chance(tr.stay_share[band])) continue;
    leg(s.entry);
    if (s.exit < to) leg(s.exit);
  }
  if (rng.chance(tr.other_share[band] * fraction))
    for (let t = rng.poisson(tr.other_trips); t > 0; t--) leg(uniformDay());

  // Daily allowances: sick-leave spells of employees, paid a fortnight at a time.
  const ij = data.daily_allowances;
  if (personRng(p, who.index, STREAM.employment).float() < employedShare(age)) {
    for (let s = rng.poisson(ij.spells_per_year * fraction); s > 0; s--) {
      const start = uniformDay();
      const mean = rng.chance(ij.long_share) ? ij.long_mean_days : ij.short_mean_days;
      const days = Math.min(Math.ceil(-mean * Math.log(1 - rng.float())), to - start);
      for (let k = 0; k < days; k += ij.payment_days) {
        const n = Math.min(ij.payment_days, days - k);
        const nature = k < 91 ? ij.natures.before_3_months : ij.natures.after_3_months;
        const c = act(
          start + k,
          0,
          [{ nature, quantity: n, base: n * eurPerDay(age), rate: 100 }],
          true,
          start + k + n - 1,
        );
        c.activity = 0;
      }
    }
  }
}

/** A midwife's consultation line (a prenatal examination): her C nature at its tariff, at 100% (maternity). */
export function midwifeConsultation(): ActLine {
  const mw = data.midwife;
  const n = mw.natures as Record<string, number>;
  const t = mw.tariffs as Record<string, number>;
  return { nature: n.C, quantity: 1, base: t.C, rate: 100 };
}
const POSTNATAL_DAY = 42;

/** Days of a delivery's midwife care: before entry (negative), after exit (positive). */
export function midwifeOffsets(rehabilitation: boolean): number[] {
  const mw = data.midwife;
  const out: number[] = [];
  for (let k = 0; k < mw.antenatal_sessions; k++) out.push(-70 + 7 * k);
  for (let k = 0; k < mw.home_visits; k++) out.push(1 + 2 * k);
  out.push(POSTNATAL_DAY);
  if (rehabilitation) for (let k = 0; k < mw.rehabilitation_sessions; k++) out.push(60 + 7 * k);
  return out;
}

let deliveries: Set<string> | undefined;
/** The DPs of delivery stays (model.json births). */
const deliveryDps = () => (deliveries ??= new Set(calibration().model.births.deliveries.map((d) => d.dp)));

/** What expected.ts knows of a person-year, to predict this module's rows. */
export interface MeanInput {
  sex: number;
  age: number;
  /** Alive fraction of the year (expected.ts's f). */
  f: number;
  /** Prevalence of each model condition for the person. */
  prevalence: number[];
  /** Mean GP consultations; specialist visits by specialty. */
  gp: number;
  specialistVisits: Map<number, number>;
  /** Mean stays (séance rows apart), séance rows and deliveries. */
  stays: number;
  seanceRows: number;
  deliveries: number;
}

/** A series' sessions kept inside a span: n = 1 + Poisson(mean - 1) sessions `gap` days apart from a uniform start. */
function keptSessions(mean: number, gap: number, span: number): number {
  const l = mean - 1;
  return Math.max(0, mean - (gap * (l * l + 2 * l)) / (2 * span));
}
const paymentsCache = new Map<string, number>();
/** Mean payments of a spell of Exp(mean) days from a uniform start in a span, cut at its end, a payment a fortnight. */
function meanPayments(mean: number, span: number): number {
  const key = `${mean}:${span}`;
  let v = paymentsCache.get(key);
  if (v === undefined) {
    const pd = data.daily_allowances.payment_days;
    const q = Math.exp(-pd / mean);
    v = 0;
    for (let t = 1; t <= span; t++) v += (1 - q ** Math.ceil(t / pd)) / (1 - q);
    v /= span;
    paymentsCache.set(key, v);
  }
  return v;
}

/** Mean rows a person-year in ER_PRS_F, ER_CAM_F, ER_TRS_F and ER_ETE_F, as ambulatoryCare draws them. */
export function meanAmbulatoryRows(x: MeanInput): { prs: number; cam: number; trs: number; ete: number } {
  const { age, f } = x;
  const band = ageBand(age);
  const span = Math.max(1, Math.round(365 * f));
  const conditions = calibration().model.conditions;
  const prevalenceOf = (name: string) => x.prevalence[conditions.findIndex((c) => c.name === name)] ?? 0;
  let prs = x.gp * meanGpExtraLines(age);
  // A consultation at a hospital's outpatient clinic has an ER_ETE_F row for each of its lines.
  let ete = 0;
  for (const [spe, n] of x.specialistVisits) {
    prs += n * meanSpecialistExtraLines(spe);
    ete += n * meanSpecialistExtraLines(spe) * calibration().model.specialist.hospital_outpatient_probability;
  }

  const nu = data.nurse;
  const coefficients = nu.ami_coefficients;
  const total = coefficients.reduce((s, k) => s + k[1], 0);
  const low = coefficients.reduce((s, k) => s + (k[0] <= 1.5 ? k[1] : 0), 0) / total;
  const home = nu.home_share[band];
  const perAct = 1 + home * (1 + low) + (age <= nu.child_majoration_max_age ? 1 : 0);
  prs += nu.episodes_per_year[band] * f * keptSessions(nu.acts_per_episode, 1, span) * perAct;
  for (const prog of nu.programmes) {
    const prev = 'condition' in prog ? prevalenceOf(prog.condition) : 0;
    const share = prev * programmeShare(prog, band, true) + (1 - prev) * programmeShare(prog, band, false);
    const lines = 2 + (prog.nature === 'AMI' && prog.coefficient <= 1.5 ? 1 : 0);
    prs += share * span * lines;
  }

  const ph = data.physiotherapist;
  prs +=
    ph.prescriptions_per_year[band] *
    f *
    keptSessions(ph.sessions_per_prescription, 3, span) *
    (1 + ph.home_share[band]);

  const de = data.dentist;
  const visits = de.patient_share[band] * f * (1 + de.extra_visits);
  prs += visits * (de.act_share + (1 - de.act_share) + de.act_share * de.consultation_share);
  const cam = visits * de.act_share;

  const mw = data.midwife;
  const kept = (offsets: number[]) => offsets.reduce((s, o) => s + Math.max(0, 1 - Math.abs(o) / 365), 0);
  const withRehab = kept(midwifeOffsets(true));
  const without = kept(midwifeOffsets(false));
  prs += x.deliveries * (mw.rehabilitation_share * withRehab + (1 - mw.rehabilitation_share) * without);
  if (x.sex === 2 && age >= 15 && age <= 49) prs += mw.gynaecology_share * f;

  const tr = data.transport;
  const trs =
    2 * (x.stays * tr.stay_share[band] + x.seanceRows * tr.seance_share) + tr.other_share[band] * f * tr.other_trips;
  prs += trs;

  const ij = data.daily_allowances;
  const payments =
    ij.long_share * meanPayments(ij.long_mean_days, span) +
    (1 - ij.long_share) * meanPayments(ij.short_mean_days, span);
  prs += employedShare(age) * ij.spells_per_year * f * payments;
  return { prs, cam, trs, ete };
}

/** Mean specialist visits by specialty: the general mix (its entries that fit) and the conditions' follow-up. */
export function meanSpecialistVisits(
  general: number,
  sex: number,
  age: number,
  prevalence: number[],
  f: number,
): Map<number, number> {
  const m = calibration().model;
  const out = new Map<number, number>();
  const add = (spe: number, n: number) => out.set(spe, (out.get(spe) ?? 0) + n);
  const fits = m.specialist.mix.filter((e) => eligible(e, sex, age));
  const total = fits.reduce((s, e) => s + e.weight, 0);
  for (const e of fits) add(e.spe, (general * e.weight) / total);
  m.conditions.forEach((c, i) => c.specialists.forEach((s) => add(s.spe, prevalence[i] * s.per_year * f)));
  return out;
}
