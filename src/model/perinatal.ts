// Care around a birth, as days in the person's life: the prenatal follow-up of a pregnancy that ends in a
// delivery (consultations, ultrasounds, serologies) and a child's examinations and vaccines in her first
// two years. Pure: the schedule follows the birth or the delivery, each draw a stream of its own, so every
// year of the person sees the same events. Parameters: calibration/perinatal.json.
import perinatal from '../../calibration/perinatal.json' with { type: 'json' };
import { Rng, streamKey } from './rng.js';
import { STREAM } from './streams.js';

export type Perinatal = typeof perinatal;
export const perinatalParams = (): Perinatal => perinatal;

/** A prenatal or infant event: a visit, an ultrasound, a lab test or a vaccine delivered. */
export type PerinatalEvent =
  | { kind: 'visit'; date: number; by: 'gp' | 'gynaecologist' | 'midwife' | 'paediatrician' }
  | { kind: 'ultrasound'; date: number; ccam: string; byRadiologist: boolean }
  | { kind: 'serology'; date: number; nabm: number }
  | { kind: 'vaccine'; date: number; atc: string; byPaediatrician: boolean };

/** The prenatal follow-up of a pregnancy whose delivery stay begins on `entry`. */
export function prenatalEvents(seed: number, index: number, entry: number): PerinatalEvent[] {
  const n = perinatal.prenatal;
  const rng = new Rng(streamKey(seed, STREAM.prenatal, index, entry));
  const conception = entry - n.pregnancy_days;
  const out: PerinatalEvent[] = [];
  let u = rng.float();
  const by =
    (u -= n.followed_by.midwife) < 0 ? 'midwife' : (u -= n.followed_by.gynaecologist) < 0 ? 'gynaecologist' : 'gp';
  const serology = rng.chance(n.serology_share);
  for (const d of n.consultation_days) {
    const date = conception + d + rng.int(14) - 7;
    out.push({ kind: 'visit', date, by });
    if (serology) out.push({ kind: 'serology', date: date + rng.int(3), nabm: n.serology_nabm });
  }
  for (const s of n.ultrasounds) {
    out.push({
      kind: 'ultrasound',
      date: conception + s.day + rng.int(14) - 7,
      ccam: s.ccam,
      byRadiologist: rng.chance(n.radiologist_share),
    });
  }
  for (let k = rng.poisson(n.extra_ultrasounds_mean); k > 0; k--) {
    const date = conception + 60 + rng.int(n.pregnancy_days - 67);
    out.push({
      kind: 'ultrasound',
      date,
      ccam: n.extra_ultrasound_ccam,
      byRadiologist: rng.chance(n.radiologist_share),
    });
  }
  return out.filter((e) => e.date < entry);
}

/** A child's compulsory examinations and vaccines in her first two years, from her birth. */
export function infantEvents(seed: number, index: number, birth: number): PerinatalEvent[] {
  const f = perinatal.infant;
  const rng = new Rng(streamKey(seed, STREAM.infant, index));
  const out: PerinatalEvent[] = [];
  const paediatrician = rng.chance(f.paediatrician_share);
  for (const d of f.exam_days) {
    if (rng.chance(f.attendance))
      out.push({ kind: 'visit', date: birth + d + rng.int(7), by: paediatrician ? 'paediatrician' : 'gp' });
  }
  for (const v of f.vaccines) {
    if (!rng.chance(v.coverage)) continue;
    for (let k = 0; k < v.days.length; k++) {
      const p = k === 1 && 'second_dose' in v && v.second_dose ? v.second_dose : f.dose_probability;
      if (k > 0 && !rng.chance(p)) break;
      // Bought at the pharmacy a few days before the injection.
      out.push({
        kind: 'vaccine',
        date: birth + v.days[k] - 1 - rng.int(5),
        atc: v.atc,
        byPaediatrician: paediatrician,
      });
    }
  }
  return out.map((e) => (e.date < birth ? { ...e, date: birth } : e));
}

/** Whether someone born on `birth` may have infant events in [from, to). */
export const inInfancy = (birth: number, from: number, to: number) =>
  birth < to && birth + perinatal.infant.exam_days[perinatal.infant.exam_days.length - 1] + 7 >= from;

/** The codes perinatal.json names that the nomenclatures or the drug catalogue do not know. */
export function perinatalProblems(known: {
  ccam(c: string): boolean;
  nabm(c: string): boolean;
  atc(c: string): boolean;
}): string[] {
  const n = perinatal.prenatal;
  const out: string[] = [];
  for (const c of [...n.ultrasounds.map((s) => s.ccam), n.extra_ultrasound_ccam])
    if (!known.ccam(c)) out.push(`perinatal.json prenatal: CCAM "${c}" is not in IR_CCAM_V63`);
  if (!known.nabm(String(n.serology_nabm)))
    out.push(`perinatal.json prenatal: NABM ${n.serology_nabm} is not in IR_BIO_R`);
  for (const v of perinatal.infant.vaccines)
    if (!known.atc(v.atc)) out.push(`perinatal.json infant.vaccines: ATC "${v.atc}" is not in the drug catalogue`);
  return out;
}
