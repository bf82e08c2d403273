// Medical devices of the LPP bought in town (calibration/devices.json): glasses and contact lenses,
// hearing aids, CPAP for sleep apnoea, glucose sensors and strips, dressings, orthoses and compression,
// and rented home-care equipment. Each goes to whom would use it: by age, by condition (diabetics,
// insulin users), by the care of the year (dressings on nursing days). Pure: its own random draws.
import data from '../../calibration/devices.json' with { type: 'json' };
import { ageBand } from './calibration.js';
import { ageAt, personRng, type Params, type Person } from './population.js';
import { STREAM } from './streams.js';
import type { Rng } from './rng.js';

export type Devices = typeof data;
export const devices = (): Devices => data;

type Supplier = keyof Devices['suppliers'];

/** A device's ER_PRS_F line, as ambulatory.ts's ActLine has it (declared here: ambulatory.ts imports this module). */
export interface DeviceLine {
  nature: number;
  quantity: number;
  base: number;
  rate: number;
  /** The supplier's price above the LPP base (PRS_DEP_MNT). */
  overbilling: number;
}
type ActLine = DeviceLine;
interface Priced {
  nature: number;
  base: number;
  price?: number;
}

/** The part of care.ts's Claim this module reads and fills (structural, so that care.ts need not be imported). */
export interface DeviceClaim {
  kind: string;
  date: number;
  end: number;
  prescriber: number;
  ald: boolean;
  acts?: (Omit<DeviceLine, 'overbilling'> & { overbilling?: number })[];
  activity?: number;
  drugs: { atc: string }[];
}

export interface DeviceContext {
  p: Params;
  who: Person;
  y: number;
  from: number;
  to: number;
  age: number;
  /** The names of the conditions held this year. */
  held: string[];
  /** Whether one of the person's ALD periods is open on a day. */
  aldOn(date: number): boolean;
  /** The year's claims so far: insulin deliveries and nursing days are read from them. */
  claims: DeviceClaim[];
  pv: { pharmacySeen(i: number, date: number): number; specialistOf(spe: number, i: number): number };
  /** A new claim of kind 'act', pushed to the year's claims. */
  make(date: number, executant: number, specialty: number): DeviceClaim;
}

/** IR_ACT_V natures of the suppliers this module bills through, beside the pharmacy: pools of their own. */
export function deviceSuppliers(): number[] {
  const s = data.suppliers;
  return [s.provider, s.optician, s.audioprosthetist];
}

// Fixed draws of a person (the same every year): CPAP and home-care users stay users.
const CPAP_KEY = 0x2c1b3c6d;
const HOME_CARE_KEY = 0x297a2d39;
const STRIPS_KEY = 0x4f1bbcdc;
const RENTAL_DAY_KEY = 0x61c88647;

/** A device line: its LPP base, the supplier's price above it as the excess, at the LPP rate or 100% in ALD. */
function line(item: Priced, quantity: number, ald: boolean): ActLine {
  const base = Math.round(item.base * quantity * 100) / 100;
  const price = Math.round((item.price ?? item.base) * quantity * 100) / 100;
  return { nature: item.nature, quantity, base, rate: ald ? 100 : data.rate, overbilling: price - base };
}

/** Whether the person's fixed draw under `key` falls in a yearly share. */
const fixedDraw = (x: DeviceContext, key: number) => personRng(x.p, x.who.index, STREAM.deviceUser, key).float();

/**
 * The year's device claims of a person: suppliers' claims of kind 'act', each with its LPP lines, its
 * supplier's activity (PSE_ACT_NAT) and, when a physician prescribes, the prescriber.
 */
export function deviceCare(x: DeviceContext): void {
  const { p, who, from, to, age } = x;
  const span = to - from;
  if (span <= 0) return;
  const fraction = span / 365;
  const band = ageBand(age);
  const rng = personRng(p, who.index, STREAM.devices, x.y);
  const uniformDay = () => from + rng.int(span);
  const claim = (date: number, supplier: Supplier, lines: ActLine[], prescriber = -1, ald = false) => {
    const activity = data.suppliers[supplier];
    const executant =
      supplier === 'pharmacy' ? x.pv.pharmacySeen(who.index, date) : x.pv.specialistOf(activity, who.index);
    const c = x.make(date, executant, activity);
    c.activity = activity;
    c.acts = lines;
    c.prescriber = prescriber;
    c.ald = ald;
    return c;
  };
  const prescriberOf = (spe: number) => x.pv.specialistOf(spe, who.index);

  const draw: Draw = { x, rng, band, fraction, uniformDay, claim, prescriberOf };
  optics(draw);
  hearingAids(draw);

  // Rentals billed every `every` days on a weekday of the person's own, the same from one year to the next.
  const rentals = (key: number, every: number, bill: (date: number) => void) => {
    const anchor = Math.floor(fixedDraw(x, key ^ RENTAL_DAY_KEY) * every);
    for (let d = from + ((((anchor - from) % every) + every) % every); d < to; d += every) bill(d);
  };
  const cp = data.cpap;
  const cpapShare = cp.users_share[band] * cp.sex_factor[who.sex - 1];
  if (fixedDraw(x, CPAP_KEY) < cpapShare) {
    const doctor = prescriberOf(cp.prescriber_specialty);
    const item = { nature: cp.nature, base: cp.weekly_base };
    rentals(CPAP_KEY, 7 * cp.weeks_billed, (d) => claim(d, 'provider', [line(item, cp.weeks_billed, false)], doctor));
  }

  // Glucose monitoring: sensors for the year's insulin users, strips for half the other diabetics.
  const gl = data.glucose;
  if (x.held.includes(gl.condition)) {
    const insulin = x.claims.filter((c) => c.drugs.some((d) => d.atc.startsWith(gl.insulin_atc)));
    if (insulin.length) {
      const start = Math.min(...insulin.map((c) => c.date));
      const every = gl.sensor.days * gl.sensor.per_claim;
      for (let d = start; d < to; d += every) {
        const ald = x.aldOn(d);
        claim(d, 'pharmacy', [line(gl.sensor, gl.sensor.per_claim, ald)], -1, ald);
      }
    } else if (fixedDraw(x, STRIPS_KEY) < gl.strips.share) {
      rentals(STRIPS_KEY, gl.strips.every_days, (d) => {
        const ald = x.aldOn(d);
        claim(d, 'pharmacy', [line(gl.strips, 1, ald)], -1, ald);
      });
    }
  }

  // Dressings, on nursing days: the pharmacy delivers what the nurse uses.
  const dr = data.dressings;
  const nursing = x.claims.filter((c) => c.activity === 24).map((c) => c.date);
  if (nursing.length && rng.chance(dr.share_of_nursed[band])) {
    for (let k = 1 + rng.poisson(dr.deliveries - 1); k > 0; k--) {
      const d = nursing[rng.int(nursing.length)];
      const ald = x.aldOn(d);
      claim(d, 'pharmacy', [line(dr, 1, ald)], -1, ald);
    }
  }

  // Orthoses and compression stockings, on prescription.
  const or = data.orthoses;
  if (rng.chance(or.orthosis_share[band] * fraction))
    claim(uniformDay(), 'pharmacy', [line(or.orthosis, 1 + rng.int(2), false)]);
  if (rng.chance(or.compression_share[band] * fraction))
    claim(uniformDay(), 'pharmacy', [line(or.compression, 2, false)]);

  // Home-care equipment rented by the old and the chronically ill, at 100% while an ALD is open.
  const hc = data.home_care;
  const hcShare = hc.users_share[band] * (x.who.ald.size > 0 ? hc.ald_factor : 1);
  if (fixedDraw(x, HOME_CARE_KEY) < hcShare) {
    const item = { nature: hc.nature, base: hc.four_weekly_base };
    rentals(HOME_CARE_KEY, 28, (d) => {
      const ald = x.aldOn(d);
      claim(d, 'provider', [line(item, 1, ald)], -1, ald);
    });
  }
}

/** What a device's draw reads: the person-year, its random stream, and how a claim is made. */
interface Draw {
  x: DeviceContext;
  rng: Rng;
  band: number;
  /** The part of the year lived. */
  fraction: number;
  uniformDay: () => number;
  claim: (date: number, supplier: Supplier, lines: ActLine[], prescriber?: number) => DeviceClaim;
  prescriberOf: (spe: number) => number;
}

/** Glasses (a frame and two lenses, class A or B) and contact lenses, on an ophthalmologist's prescription. */
function optics({ x, rng, band, fraction, uniformDay, claim, prescriberOf }: Draw): void {
  const op = data.optics;
  if (rng.chance(op.glasses_share[band] * fraction)) {
    const d = uniformDay();
    const age = ageAt(x.who, d);
    const cls = rng.chance(op.class_a_share) ? 'a' : 'b';
    const child = age <= op.child_max_age;
    const frame = (child ? op.frames.child : op.frames.adult)[cls];
    const lenses = child
      ? op.lenses.child
      : age >= op.progressive_from_age
        ? op.lenses.progressive
        : op.lenses.unifocal;
    claim(d, 'optician', [line(frame, 1, false), line(lenses[cls], 2, false)], prescriberOf(op.prescriber_specialty));
  }
  const cl = op.contact_lenses;
  if (x.age >= cl.min_age && x.age <= cl.max_age && rng.chance(cl.share * fraction)) {
    claim(uniformDay(), 'optician', [line(cl, 2, false)], prescriberOf(op.prescriber_specialty));
  }
}

/** Hearing aids of class I (100% Santé) or II, for one ear or both, on an ENT's prescription. */
function hearingAids({ rng, band, fraction, uniformDay, claim, prescriberOf }: Draw): void {
  const ha = data.hearing_aids;
  if (!rng.chance(ha.fitted_share[band] * fraction)) return;
  const item = rng.chance(ha.class_1_share) ? ha.class_1 : ha.class_2;
  const ears = rng.chance(ha.both_ears_share) ? 2 : 1;
  claim(uniformDay(), 'audioprosthetist', [line(item, ears, false)], prescriberOf(ha.prescriber_specialty));
}

/** What expected.ts knows of a person-year, to predict this module's rows. */
export interface DeviceMeanInput {
  sex: number;
  age: number;
  /** Alive fraction of the year. */
  f: number;
  /** Prevalence of diabetes, its share treated by insulin, and the chance of being nursed in the year. */
  diabetes: number;
  insulinShare: number;
  nursed: number;
  /** The chance of holding an ALD. */
  ald: number;
}

/** Mean ER_PRS_F rows a person-year, as deviceCare draws them (one line a claim but glasses' two). */
export function meanDeviceRows(x: DeviceMeanInput): number {
  const band = ageBand(x.age);
  const { f } = x;
  const op = data.optics;
  let rows = 2 * op.glasses_share[band] * f;
  if (x.age >= op.contact_lenses.min_age && x.age <= op.contact_lenses.max_age) rows += op.contact_lenses.share * f;
  rows += data.hearing_aids.fitted_share[band] * f;
  const cp = data.cpap;
  rows += cp.users_share[band] * cp.sex_factor[x.sex - 1] * ((365 * f) / (7 * cp.weeks_billed));
  const gl = data.glucose;
  rows +=
    x.diabetes *
    365 *
    f *
    (x.insulinShare / (gl.sensor.days * gl.sensor.per_claim) +
      ((1 - x.insulinShare) * gl.strips.share) / gl.strips.every_days);
  rows += x.nursed * data.dressings.share_of_nursed[band] * data.dressings.deliveries;
  const or = data.orthoses;
  rows += (or.orthosis_share[band] + or.compression_share[band]) * f;
  const hc = data.home_care;
  rows += hc.users_share[band] * (1 + x.ald * (hc.ald_factor - 1)) * ((365 * f) / 28);
  return rows;
}
