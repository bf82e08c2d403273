// A PMSI stay's entry and exit modes with their provenance and destination (ENT_MOD/ENT_PRV,
// SOR_MOD/SOR_DES on the MS_ENT_V, MS_PRV_V, MS_SOR_V, MS_DST_V nomenclatures), its related
// diagnosis, and the return codes of its chaining row (T_MCOaaC) at their shares.
import { referentialParams } from './coverage.js';

export interface StayModes {
  entryMode: string;
  /** Blank when the patient comes from home without the emergency department. */
  provenance: string;
  exitMode: string;
  destination: string | null;
}

const pickRow = <T extends unknown[]>(rows: T[], u: number): T => {
  const total = rows.reduce((s, r) => s + (r[r.length - 1] as number), 0);
  let x = u * total;
  return rows.find((r) => (x -= r[r.length - 1] as number) < 0) ?? rows[0];
};

/** Modes of a stay from two uniform draws; a newborn comes from home (the birth), a death exits by 9. */
export function stayModes(u: number, v: number, died: boolean, newborn: boolean): StayModes {
  const r = referentialParams().pmsi_modes;
  const [entryMode, provenance] = newborn ? ['8', ''] : (pickRow(r.entry as [string, string, number][], u) as string[]);
  if (died) return { entryMode, provenance: provenance || ' ', exitMode: '9', destination: null };
  const [exitMode, destination] = pickRow(r.exit as [string, string, number][], v) as string[];
  return { entryMode, provenance: provenance || ' ', exitMode, destination: destination || ' ' };
}

/** The return-code column set on a chaining row (null for most rows), from two uniform draws. */
export function returnCode(u: number, v: number): string | null {
  const r = referentialParams().pmsi_return_codes;
  if (u >= r.share) return null;
  return pickRow(r.columns as [string, number][], v)[0];
}

/**
 * DGN_REL: the related diagnosis, filled where the DP is a Z code (a séance, a follow-up) and the stay
 * has a disease to relate it to; NULL otherwise, as the PMSI leaves it.
 */
export function relatedDiagnosis(dp: string, associated: string[]): string | null {
  if (dp[0] !== 'Z') return null;
  return associated.find((c) => c[0] !== 'Z') ?? null;
}

/** A delivery's principal diagnosis (O80-O84): its stay records the weeks of gestation. */
export const isDelivery = (dp: string) => /^O8[0-4]/.test(dp);

/**
 * NBR_RUM: the medical units a stay passed through. A séance or a 0-night stay has one; a longer stay
 * moves (from the emergency short-stay unit, to intensive care, to a ward) more often the longer it is,
 * at the assumed shares of calibration/referentials.json (`pmsi_units`), from two uniform draws.
 */
export function medicalUnits(u: number, v: number, nights: number, seance: boolean): number {
  if (seance || nights === 0) return 1;
  const r = referentialParams().pmsi_units;
  if (u >= Math.min(r.max_share, r.base_share + r.per_night * nights)) return 1;
  return v < r.third_unit_share ? 3 : 2;
}
