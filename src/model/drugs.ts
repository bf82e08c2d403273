// A person's drug deliveries in a year: acute prescriptions written at visits (with the seasons of the
// calendar), dentists' and hospitals' prescriptions, long-term treatments delivered every cycle in real
// packs (the conditions' and the general population's), and vaccines. Pure: draws come from the
// person-year's streams. Substances and packs: drug-catalogue.ts; parameters: calibration/drugs.json.
import type { Rng } from './rng.js';
import { cumulative } from './rng.js';
import { codeWeight } from './restrictions.js';
import { eligible } from './eligible.js';
import { day, yearOf } from './dates.js';
import { dayIn, seasonRatio, type Profile, type YearCalendar } from './calendar.js';
import { drugs, substance, type Presentation } from './drug-catalogue.js';
import { adherenceOf, episodesOf, type Persistence } from './episodes.js';
import { ageBand } from './calibration.js';

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
  /** The generated years' first and last-plus-one days: treatment episodes run over them. */
  window: [number, number];
  conditions: HeldCondition[];
}

/** A condition as the deliveries see it: `since` the day its care begins (the window's start if before). */
export interface HeldCondition {
  name: string;
  drugs: ConditionDrug[];
  biology: { nabm: number; per_year: number }[];
  ald: boolean;
  since: number;
  /** The first treatment of a condition begun in the window (model.json incidence.onset.drugs), if any. */
  onsetDrugs?: ConditionDrug[];
}

const GP: Prescriber = { specialty: 1, hospital: false };
/** Share of long-term treatments delivered in three-month packs where the substance has one (assumed). */
export const QUARTERLY_SHARE = 0.15;

/** Share of courses begun again on another substance of the class (drugs.json persistence). */
const switchShare = () => (drugs().persistence as unknown as PersistenceTable).switch_share;

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
  /** The episode [start, end) the treatment is delivered in, null when it lasts all along. */
  active: [number, number] | null;
  /** Whether the episode begins inside the window: its first delivery is on its first day. */
  fresh: boolean;
  /** Chance of collecting a due delivery (adherence, episodes.ts). */
  adherence: number;
}

type PersistenceTable = { default: Persistence; switch_share: number } & Record<
  'classes' | 'atc',
  Record<string, Persistence>
>;

/** Persistence of a general class by its name, of a condition's drug by its longest ATC prefix listed. */
export function persistenceOf(className: string | null, atc: string): Persistence {
  const t = drugs().persistence as unknown as PersistenceTable;
  if (className && t.classes[className]) return t.classes[className];
  for (let n = atc.length; n > 0; n--) if (t.atc[atc.slice(0, n)]) return t.atc[atc.slice(0, n)];
  return t.default;
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
    active: null,
    fresh: false,
    adherence: 1,
  };
}

/** Copies of `t`, one per episode of `episodes` that overlaps the person-year. */
function inEpisodes(py: PersonYear, t: Treatment, episodes: [number, number][], adherence: number): Treatment[] {
  return episodes
    .filter(([a, b]) => a < py.to && b > py.from)
    .map((e) => ({ ...t, active: e, fresh: e[0] > py.window[0], adherence }));
}

/** The person's long-term treatments this year. */
export function treatments(py: PersonYear): Treatment[] {
  const d = drugs();
  const { sex, age } = py;
  const out: Treatment[] = [];
  const fits = (atc: string) => codeWeight('atc', atc, sex, age) > 0;
  const originBand = ageBand(Math.max(0, py.age - (py.y - yearOf(py.window[0]))));
  for (const cls of d.chronic.classes) {
    if (!eligible(cls, sex, age)) continue;
    const fixedLength = 'cycles' in cls && cls.cycles ? cls.cycles : 0;
    // A treatment of fixed length is drawn afresh each year; the others run in episodes over the years.
    const s = fixedLength ? py.rng : py.stable(`class:${cls.name}`);
    let episodes: [number, number][] | null = null;
    let adherence = 1;
    if (fixedLength) {
      if (!(s.float() < cls.reach[py.band])) continue;
    } else {
      const persistence = persistenceOf(cls.name, '');
      adherence = adherenceOf(s, persistence);
      episodes = episodesOf(s, cls.reach[originBand], persistence, py.window[0], py.window[1]);
      if (!episodes.some(([a, b]) => a < py.to && b > py.from)) continue;
    }
    const n = cls.count[s.int(cls.count.length)];
    const weights = { ...(cls.substances as unknown as Record<string, number>) };
    const specialty = 'specialty' in cls && cls.specialty ? cls.specialty : 0;
    const share = 'specialty_share' in cls ? (cls.specialty_share ?? 0) : 0;
    const prescriber = specialty && s.chance(share) ? { specialty, hospital: 'hospital' in cls && !!cls.hospital } : GP;
    const pick = (rng: Rng, w: Record<string, number>) =>
      pickWeighted(
        `chronic:${cls.name}:${sex}:${Math.min(age, 110)}:${Object.keys(w).join()}`,
        w,
        (c) => (fits(c) ? 1 : 0),
        rng,
      );
    for (let i = 0; i < n; i++) {
      const atc = pick(s, weights);
      if (!atc) break;
      delete weights[atc];
      const t = treatment(atc, s, 12, prescriber, false, 'boxes' in cls ? cls.boxes : undefined);
      if (fixedLength) {
        const first = s.int(Math.max(1, Math.round(365 / d.cycle_days) - fixedLength));
        t.window = [first, first + fixedLength];
        out.push(t);
        continue;
      }
      // A course begun again may be on another substance of the class (a switch).
      episodes!.forEach((e, k) => {
        let tk = t;
        const r = k > 0 ? py.stable(`class:${cls.name}:${i}:${k}`) : null;
        if (r && r.chance(switchShare())) {
          const other = pick(r, { ...(cls.substances as unknown as Record<string, number>) });
          if (other && other !== atc) tk = treatment(other, r, 12, prescriber, false, t.boxes);
        }
        out.push(...inEpisodes(py, tk, [e], adherence));
      });
    }
  }
  const extras = d.condition_extras as unknown as Record<string, ConditionDrug[]>;
  const bySpecialty = d.condition_specialty as unknown as Record<
    string,
    { specialty: number; share: number; hospital?: boolean }
  >;
  for (const c of py.conditions) {
    const spec = bySpecialty[c.name];
    const begun = c.since > py.window[0];
    const first = begun && c.onsetDrugs ? c.onsetDrugs : c.drugs;
    for (const drug of [...first, ...(extras[c.name] ?? [])]) {
      if ((drug.sex !== undefined && drug.sex !== sex) || !fits(drug.atc)) continue;
      const s = py.stable(`condition:${c.name}:${drug.atc}`);
      const persistence = persistenceOf(null, drug.atc);
      const adherence = adherenceOf(s, persistence);
      // Begun in the window: the first treatment starts with the care, at its share; held before: on at
      // the window's start at its share. Either way courses then end and begin again at that share.
      const startOn = begun && s.chance(drug.share);
      const episodes = episodesOf(s, drug.share, persistence, Math.max(py.window[0], c.since), py.window[1], startOn);
      if (!episodes.some(([a, b]) => a < py.to && b > py.from)) continue;
      const prescriber = spec && s.chance(spec.share) ? { specialty: spec.specialty, hospital: !!spec.hospital } : GP;
      const t = treatment(drug.atc, s, drug.per_year ?? 12, prescriber, c.ald);
      out.push(...inEpisodes(py, t, episodes, adherence));
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
  const group = (groups: Map<string, Delivery>, tr: Treatment, lo: number) => {
    const key = `${tr.prescriber.specialty}:${tr.prescriber.hospital}:${tr.ald}:${lo}`;
    let g = groups.get(key);
    if (!g) {
      const date = onPharmacyDay(py, lo, Math.min(py.to, lo + 3), py.rng.float());
      groups.set(key, (g = { date, prescriber: tr.prescriber, ald: tr.ald, drugs: [] }));
    }
    g.drugs.push({ atc: tr.atc, boxes: tr.boxes, presentation: tr.presentation.index });
  };
  // A course begun this year is first delivered on its first day.
  const starts = new Map<string, Delivery>();
  for (const tr of list)
    if (tr.fresh && tr.active![0] >= py.from && tr.active![0] < py.to) group(starts, tr, tr.active![0]);
  out.push(...starts.values());
  for (let k = firstCycle; phase + k * cycle < py.to; k++) {
    const t = phase + k * cycle;
    const groups = new Map<string, Delivery>();
    for (const tr of list) {
      if ((k + tr.phase) % tr.every !== 0) continue;
      if (tr.window && (k - firstCycle < tr.window[0] || k - firstCycle >= tr.window[1])) continue;
      if (tr.active) {
        // In its episode, not within half a pack of a course's first delivery nor of its end.
        if (t < tr.active[0] || t >= tr.active[1] - (cycle * tr.every) / 2) continue;
        if (tr.fresh && t - tr.active[0] < (cycle * tr.every) / 2) continue;
      }
      if (tr.chance < 1 && !py.rng.chance(tr.chance)) continue;
      if (tr.adherence < 1 && !py.rng.chance(tr.adherence)) continue;
      group(groups, tr, t);
    }
    out.push(...groups.values());
  }
  return out;
}

/**
 * The treatment begun at the discharge from an acute event's stay (a myocardial infarction, a stroke) of a
 * person whose condition began before: each drug at its share unless she already takes one of its class,
 * the first delivery prescribed by the hospital's cardiologist, then every cycle to the year's end.
 */
export function afterEventDeliveries(
  py: PersonYear,
  exit: number,
  list: ConditionDrug[],
  taken: Set<string>,
): Delivery[] {
  const cycle = drugs().cycle_days;
  const chosen = list.filter((d) => !taken.has(d.atc.slice(0, 5)) && py.rng.chance(d.share));
  const out: Delivery[] = [];
  for (let t = exit, n = 0; t < py.to && chosen.length; t += cycle, n++) {
    const lines = chosen
      .filter(() => n === 0 || py.rng.chance(persistenceOf(null, '').adherence[0]))
      .map((d) => {
        const presentation = treatment(d.atc, py.rng, 12, GP, false).presentation;
        return { atc: d.atc, boxes: 1, presentation: presentation.index };
      });
    if (!lines.length) continue;
    const date = onPharmacyDay(py, t, Math.min(py.to, t + 3), py.rng.float());
    out.push({ date, prescriber: n === 0 ? { specialty: 3, hospital: true } : GP, ald: false, drugs: lines });
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
