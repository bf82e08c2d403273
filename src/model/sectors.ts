// Physicians' conventions and what follows from them: the sector (PSE_CNV_COD, DA_PRA_R's CNV_CNV_COD)
// at the published shares by specialty, the extra fees a sector-2 physician bills, and the professional's
// sex and exercise mode in DA_PRA_R. Pure functions of the professional's index and specialty, so that a
// claim line and the referential agree without sharing state.
import { activityOf, GP_SPECIALTIES } from './ambulatory.js';
import { referentialParams } from './coverage.js';
import { hashUnit, streamKey } from './rng.js';
import { STREAM } from './streams.js';

/** PSE_CNV_COD: 1 conventionné (sector 1), 2 with a permanent right to extra fees (sector 1), 3 sector 2. */
export const CONVENTION = { sector1: 1, permanentRight: 2, sector2: 3 } as const;

/** A uniform draw in [0, 1) of a stream (streams.ts) for professional j (and a day): the same for every seed. */
const unit = (j: number, stream: number, ...d: number[]) => hashUnit(streamKey(stream, j, ...d));

/** Whether a specialty code is a physician's (not a nurse's, physiotherapist's, pharmacy's...). */
export const isPhysician = (spe: number) => spe > 0 && activityOf(spe) === 0;

/** The convention of professional j of specialty `spe` (1 for every profession but physicians). */
export function conventionOf(j: number, spe: number): number {
  if (!isPhysician(spe)) return CONVENTION.sector1;
  const s = referentialParams().physician_sector;
  const bySpe = s.specialist_sector_2 as Record<string, number>;
  const share = GP_SPECIALTIES.includes(spe) ? s.gp_sector_2 : (bySpe[spe] ?? bySpe.default);
  const u = unit(j, STREAM.convention);
  if (u < share) return CONVENTION.sector2;
  return u < share + s.permanent_right ? CONVENTION.permanentRight : CONVENTION.sector1;
}

/**
 * The extra fee (PRS_DEP_MNT) professional j bills on an act at `tariff` euros on day `date`: none in
 * sector 1; on the published share of a sector-2 physician's acts, a fee around the rate that gives the
 * published mean over all of the sector's acts.
 */
export function extraFee(j: number, spe: number, tariff: number, date: number): number {
  if (j < 0 || conventionOf(j, spe) === CONVENTION.sector1) return 0;
  const s = referentialParams().physician_sector;
  if (unit(j, STREAM.extraFee, date, 0) >= s.acts_with_extra_fee) return 0;
  const mean = (s.extra_fee_rate / s.acts_with_extra_fee) * tariff;
  // Physicians bill their own level (half to one and a half times the mean), a little more or less by act.
  const level = 0.5 + unit(j, STREAM.extraFeeLevel);
  return Math.round(mean * level * (0.8 + 0.4 * unit(j, STREAM.extraFee, date, 1)) * 100) / 100;
}

/** IPP_SEX_COD of professional j: '2' for a woman at the profession's published share. */
export function professionalSex(j: number, spe: number, activity: number): '1' | '2' {
  const w = referentialParams().physician_sector.women_share;
  const share = isPhysician(spe) ? w.physician : activity === 24 ? w.nurse : w.other;
  return unit(j, STREAM.professionalSex) < share ? '2' : '1';
}

/** EXC_EXC_NAT of a liberal physician: '1' liberal only, '2' mixed with a part-time hospital practice. */
export function exerciseMode(j: number, spe: number): string {
  if (!isPhysician(spe)) return '1';
  return unit(j, STREAM.exerciseMode) < referentialParams().physician_sector.liberal_mixed_share ? '2' : '1';
}

/**
 * PSE_STJ_COD of a liberal professional: one of the liberal codes the SNDS documentation's GP query keeps
 * (51, 55, 62, 64, 69), mostly 51 (assumed mix: the IR_SJP_V shares are not in the reference stats).
 */
export function legalStatus(j: number): number {
  const codes = [51, 51, 51, 51, 51, 51, 55, 62, 64, 69];
  return codes[Math.floor(unit(j, STREAM.legalStatus) * codes.length)];
}
