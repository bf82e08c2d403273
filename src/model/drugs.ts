// A person's drug deliveries in a year: acute prescriptions written at visits (with the seasons of the
// calendar), dentists' and hospitals' prescriptions, long-term treatments delivered every cycle in real
// packs (the conditions' and the general population's), and vaccines. Pure: draws come from the
// person-year's streams. Substances and packs: drug-catalogue.ts; parameters: calibration/drugs.json.
import type { Rng } from './rng.js';
import { cumulative } from './rng.js';
import { codeWeight } from './restrictions.js';
import { eligible } from './eligible.js';
import { day } from './dates.js';
import { dayIn, seasonRatio, type Profile, type YearCalendar } from './calendar.js';
import { drugs, substance, type Presentation } from './drug-catalogue.js';

export interface DrugLine {
  atc: string;
  boxes: number;
  /** Index of the presentation in the catalogue (drug-catalogue.ts). */
  presentation: number;
}

/** Who writes a prescription: specialty 1 is the person's GP; `hospital` when written at a hospital. */
export interface Prescriber {
  specialty: number;
  hospital: boolean;
}

/** A delivery at the pharmacy; `prescriber` null: the doctor of the visit it follows. */
export interface Delivery {
  date: number;
  prescriber: Prescriber | null;
  ald: boolean;
  drugs: DrugLine[];
}

export interface ConditionDrug {
  atc: string;
  share: number;
  per_year?: number;
  sex?: number;
}

/** What the deliveries depend on: the person in the year, and the draws. */
export interface PersonYear {
  sex: number;
  age: number;
  band: number;
  from: number;
  to: number;
  y: number;
  days: YearCalendar;
  rng: Rng;
  /** A stream that gives the same draws every year: a person's treatments last. */
  stable: (key: string) => Rng;
  conditions: { name: string; drugs: ConditionDrug[]; biology: { nabm: number; per_year: number }[]; ald: boolean }[];
}

const GP: Prescriber = { specialty: 1, hospital: false };
/** Share of long-term treatments delivered in three-month packs where the substance has one (assumed). */
export const QUARTERLY_SHARE = 0.15;

const fraction = (py: PersonYear) => (py.to - py.from) / 365;
const onPharmacyDay = (py: PersonYear, from: number, to: number, u: number) =>
  dayIn(py.days, py.days.tables.pharmacy, from, to, u);

/** A weighted draw among the entries with a positive weight for this person (tables cached per key). */
const tables = new Map<string, { items: string[]; cum: Float64Array } | null>();
function pickWeighted(key: string, weights: Record<string, number>, fits: (code: string) => number, rng: Rng) {
  let t = tables.get(key);
  if (t === undefined) {
    const items = Object.keys(weights);
    const w = items.map((c) => weights[c] * fits(c));
    t = w.some((x) => x > 0) ? { items, cum: cumulative(w) } : null;
    tables.set(key, t);
  }
  return t ? t.items[rng.pick(t.cum)] : undefined;
}

function pickSubstance(key: string, weights: Record<string, number>, sex: number, age: number, rng: Rng) {
  return pickWeighted(`${key}:${sex}:${Math.min(age, 110)}`, weights, (c) => codeWeight('atc', c, sex, age), rng);
}

/** An acute pack: the children's form under 12 where there is one, else a pack for a short use. */
function acutePresentation(atc: string, age: number, rng: Rng): Presentation {
  const all = substance(atc).presentations;
  const child = all.filter((p) => p.child);
  const adult = all.filter((p) => !p.child);
  let list = age < 12 && child.length ? child : adult.length ? adult : all;
  const short = list.filter((p) => p.days > 0 && p.days < 28);
  if (list.some((p) => p.days > 0)) list = short.length ? short : list;
  return list[rng.int(list.length)];
}

const ratios = new Map<string, Float64Array>();
function seasonFactor(y: number, profile: string, visits: Profile, month: number): number {
  const key = `${y}:${profile}:${visits}`;
  let r = ratios.get(key);
  if (!r) ratios.set(key, (r = seasonRatio(y, profile as Profile, visits)));
  return r[month - 1];
}

/** The acute drugs of one prescription written on `date` at a `visits` visit. */
export function acuteDrugs(py: PersonYear, visits: Profile, date: number, factor: number): DrugLine[] {
  const { rng, sex, age } = py;
  const month = py.days.month[Math.max(0, Math.min(py.days.month.length - 1, date - py.days.start))];
  const lines: DrugLine[] = [];
  for (const cls of drugs().acute.classes) {
    let p = cls.probability * factor * drugs().acute.band_factor[py.band];
    if ('season' in cls && cls.season) p *= seasonFactor(py.y, cls.season, visits, month);
    if (!rng.chance(p)) continue;
    const atc = pickSubstance(`acute:${cls.name}`, cls.substances as unknown as Record<string, number>, sex, age, rng);
    if (!atc) continue;
    const boxes = cls.boxes[rng.int(cls.boxes.length)];
    lines.push({ atc, boxes, presentation: acutePresentation(atc, age, rng).index });
  }
  return lines;
}

/** The prescription of a GP's or specialist's visit on `date`, delivered within three days, or null. */
export function visitPrescription(py: PersonYear, visits: 'gp' | 'specialist', date: number): Delivery | null {
  const a = drugs().acute;
  if (!py.rng.chance(a.prescription_probability[visits])) return null;
  // Mostly delivered the day of the visit when the pharmacy is open (u³ leans the draw to the start).
  const u = py.rng.float();
  const delivered = onPharmacyDay(py, date, Math.min(py.to, date + 3), u * u * u);
  const lines = acuteDrugs(py, visits, date, visits === 'gp' ? 1 : a.specialist_factor);
  return lines.length ? { date: delivered, prescriber: null, ald: false, drugs: lines } : null;
}

/** Prescriptions written by dentists and at hospitals (emergencies, outpatient clinics). */
export function otherPrescriptions(py: PersonYear): Delivery[] {
  const { rng, sex, age } = py;
  const d = drugs();
  const out: Delivery[] = [];
  for (let k = rng.poisson(d.dental.per_person_year[py.band] * fraction(py)); k > 0; k--) {
    const date = onPharmacyDay(py, py.from, py.to, rng.float());
    const lines: DrugLine[] = [];
    const add = (key: string, weights: Record<string, number>) => {
      const atc = pickSubstance(key, weights, sex, age, rng);
      if (atc) lines.push({ atc, boxes: 1, presentation: acutePresentation(atc, age, rng).index });
    };
    if (rng.chance(d.dental.antibiotic_probability)) add('dental:antibiotics', d.dental.antibiotics);
    add('dental:analgesics', d.dental.analgesics);
    if (lines.length)
      out.push({ date, prescriber: { specialty: d.dental.specialty, hospital: false }, ald: false, drugs: lines });
  }
  const specialties = Object.keys(d.hospital.specialties);
  const speCum = cumulative(specialties.map((s) => (d.hospital.specialties as Record<string, number>)[s]));
  for (let k = rng.poisson(d.hospital.per_person_year[py.band] * fraction(py)); k > 0; k--) {
    const date = onPharmacyDay(py, py.from, py.to, rng.float());
    const specialty = Number(specialties[rng.pick(speCum)]);
    const lines = acuteDrugs(py, 'gp', date, 1);
    if (!lines.length) {
      const p = acutePresentation('N02BE01', age, rng);
      lines.push({ atc: p.atc, boxes: 1, presentation: p.index });
    }
    out.push({ date, prescriber: { specialty, hospital: true }, ald: false, drugs: lines });
  }
  return out;
}

interface Treatment {
  atc: string;
  presentation: Presentation;
  /** Delivered every `every` cycles (a box lasting longer than a cycle), at cycles ≡ phase. */
  every: number;
  phase: number;
  boxes: number;
  /** Chance of a delivery at a due cycle (treatments taken part of the year). */
  chance: number;
  /** Only the cycles [first, first + cycles) of the year, for a treatment of fixed length. */
  window: [number, number] | null;
  prescriber: Prescriber;
  ald: boolean;
}

/**
 * A long-term treatment's pack and rhythm: three-month packs for some, the boxes that last a cycle
 * (`boxes` for a pack of no stated duration).
 */
function treatment(
  atc: string,
  s: Rng,
  perYear: number,
  prescriber: Prescriber,
  ald: boolean,
  boxes?: number,
): Treatment {
  const cycle = drugs().cycle_days;
  const all = substance(atc).presentations;
  const long = all.filter((p) => p.days > 0 && !p.child);
  const list = long.length ? long : all.filter((p) => !p.child).length ? all.filter((p) => !p.child) : all;
  const quarterly = list.filter((p) => p.days >= 84);
  const monthly = list.filter((p) => p.days < 84);
  const continuous = perYear >= 12;
  const useQuarterly = quarterly.length > 0 && continuous && (monthly.length === 0 || s.chance(QUARTERLY_SHARE));
  const from = useQuarterly ? quarterly : monthly.length ? monthly : list;
  const presentation = from[s.int(from.length)];
  const days = presentation.days || cycle;
  const every = days > cycle ? Math.round(days / cycle) : 1;
  return {
    atc,
    presentation,
    every,
    phase: s.int(every),
    boxes: presentation.days === 0 && boxes ? boxes : days < cycle ? Math.max(1, Math.round(cycle / days)) : 1,
    chance: continuous ? 1 : Math.min(1, perYear / (365 / cycle)),
    window: null,
    prescriber,
    ald,
  };
}

/** The person's long-term treatments this year. */
export function treatments(py: PersonYear): Treatment[] {
  const d = drugs();
  const { sex, age } = py;
  const out: Treatment[] = [];
  const fits = (atc: string) => codeWeight('atc', atc, sex, age) > 0;
  for (const cls of d.chronic.classes) {
    if (!eligible(cls, sex, age)) continue;
    const fixedLength = 'cycles' in cls && cls.cycles ? cls.cycles : 0;
    // A treatment of fixed length is drawn afresh each year; the others last.
    const s = fixedLength ? py.rng : py.stable(`class:${cls.name}`);
    if (!(s.float() < cls.reach[py.band])) continue;
    const n = cls.count[s.int(cls.count.length)];
    const weights = { ...(cls.substances as unknown as Record<string, number>) };
    const specialty = 'specialty' in cls && cls.specialty ? cls.specialty : 0;
    const share = 'specialty_share' in cls ? (cls.specialty_share ?? 0) : 0;
    const prescriber = specialty && s.chance(share) ? { specialty, hospital: 'hospital' in cls && !!cls.hospital } : GP;
    for (let i = 0; i < n; i++) {
      const atc = pickWeighted(
        `chronic:${cls.name}:${sex}:${Math.min(age, 110)}:${Object.keys(weights).join()}`,
        weights,
        (c) => (fits(c) ? 1 : 0),
        s,
      );
      if (!atc) break;
      delete weights[atc];
      const t = treatment(atc, s, 12, prescriber, false, 'boxes' in cls ? cls.boxes : undefined);
      if (fixedLength) {
        const first = s.int(Math.max(1, Math.round(365 / d.cycle_days) - fixedLength));
        t.window = [first, first + fixedLength];
      }
      out.push(t);
    }
  }
  const extras = d.condition_extras as unknown as Record<string, ConditionDrug[]>;
  const bySpecialty = d.condition_specialty as unknown as Record<
    string,
    { specialty: number; share: number; hospital?: boolean }
  >;
  for (const c of py.conditions) {
    const spec = bySpecialty[c.name];
    for (const drug of [...c.drugs, ...(extras[c.name] ?? [])]) {
      if ((drug.sex !== undefined && drug.sex !== sex) || !fits(drug.atc)) continue;
      const s = py.stable(`condition:${c.name}:${drug.atc}`);
      if (!s.chance(drug.share)) continue;
      const prescriber = spec && s.chance(spec.share) ? { specialty: spec.specialty, hospital: !!spec.hospital } : GP;
      out.push(treatment(drug.atc, s, drug.per_year ?? 12, prescriber, c.ald));
    }
  }
  return out;
}

/**
 * Long-term treatments delivered every cycle (cycle_days, counted from a fixed origin so that a person's
 * rhythm runs on over the years): one delivery per prescriber and ALD status, on a day the pharmacy is open.
 */
export function chronicDeliveries(py: PersonYear): Delivery[] {
  const list = treatments(py);
  if (!list.length) return [];
  const cycle = drugs().cycle_days;
  const phase = py.stable('cycle').int(cycle);
  const out: Delivery[] = [];
  const firstCycle = Math.ceil((py.from - phase) / cycle);
  for (let k = firstCycle; phase + k * cycle < py.to; k++) {
    const t = phase + k * cycle;
    const groups = new Map<string, Delivery>();
    for (const tr of list) {
      if ((k + tr.phase) % tr.every !== 0) continue;
      if (tr.window && (k - firstCycle < tr.window[0] || k - firstCycle >= tr.window[1])) continue;
      if (tr.chance < 1 && !py.rng.chance(tr.chance)) continue;
      const key = `${tr.prescriber.specialty}:${tr.prescriber.hospital}:${tr.ald}`;
      let g = groups.get(key);
      if (!g) {
        const date = onPharmacyDay(py, t, Math.min(py.to, t + 3), py.rng.float());
        groups.set(key, (g = { date, prescriber: tr.prescriber, ald: tr.ald, drugs: [] }));
      }
      g.drugs.push({ atc: tr.atc, boxes: tr.boxes, presentation: tr.presentation.index });
    }
    out.push(...groups.values());
  }
  return out;
}

/** Vaccines delivered on prescription: by age, the influenza one in its autumn campaign. */
export function vaccineDeliveries(py: PersonYear): Delivery[] {
  const v = drugs().vaccines;
  const { rng, sex, age } = py;
  const out: Delivery[] = [];
  for (const x of v.list) {
    if (!eligible(x, sex, age) || !rng.chance(Math.min(1, x.share * fraction(py)))) continue;
    let lo = py.from;
    let hi = py.to;
    if ('months' in x && x.months) {
      lo = Math.max(lo, day(py.y, x.months[0], 1));
      const last = x.months[x.months.length - 1];
      hi = Math.min(hi, last === 12 ? day(py.y + 1, 1, 1) : day(py.y, last + 1, 1));
    }
    if (lo >= hi) continue;
    const presentation = substance(x.atc).presentations[0];
    for (let dose = 0; dose < x.doses; dose++) {
      const paediatrician = age < 15 && rng.chance(v.paediatrician_share);
      out.push({
        date: onPharmacyDay(py, lo, hi, rng.float()),
        prescriber: paediatrician ? { specialty: v.paediatrics_specialty, hospital: false } : GP,
        ald: false,
        drugs: [{ atc: x.atc, boxes: 1, presentation: presentation.index }],
      });
    }
  }
  return out;
}
