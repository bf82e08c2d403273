// A claim's ER_PRS_F lines: one per reimbursement nature, with its base, rate and quantity. Natures are
// PRS_NAT_REF codes of IR_NAT_V.
import { extraFee } from '../model/sectors.js';
import { calibration, nomenclaturePath } from '../model/calibration.js';
import type { Claim } from '../model/care.js';
import { dispensingLines } from '../model/dispensing.js';
import { labLines } from '../model/biology.js';
import { readCsv } from '../util/csv.js';
import { technicalActTariff } from '../model/technical-acts.js';
import { ambulatoryLines } from './ambulatory-lines.js';

const NATURE = { gp: 1110, specialist: 1112, clinic: 2211 } as const;
const CCAM_NATURE: Record<string, number> = { ADC: 1321, ADE: 1324, ADI: 1351, ATM: 1352 };
const gpTariffs = new Map<number, number>();
function gpTariff(y: number): number {
  let t = gpTariffs.get(y);
  if (t === undefined) {
    t = 0;
    for (const [from, eur] of Object.entries(calibration().model.gp.tariff_eur)) if (y >= +from) t = eur;
    gpTariffs.set(y, t);
  }
  return t;
}

function ccamNature(code: string): number {
  return CCAM_NATURE[ccamGroups().get(code) ?? 'ATM'] ?? 1352;
}

let groups: Map<string, string> | undefined;
function ccamGroups(): Map<string, string> {
  // Each act's group (ATM, ADC, ADE, ADI...) as IR_CCAM_V63 classes it; the model check admits no other act.
  groups ??= new Map(readCsv(nomenclaturePath('IR_CCAM_V63'), ';').map((r) => [r.CAM_PRS_IDE_COD, r.CAM_PRS_RGT]));
  return groups;
}

export interface Line {
  nature: number;
  base: number;
  overbilling: number;
  rate: number;
  quantity: number;
  drugs: Claim['drugs'];
  /** The NABM codes the line bills (its ER_BIO_F rows). */
  tests?: number[];
  /** A majoration or complement line (CPL_MAJ_TOP). */
  complement?: boolean;
  /** The CCAM act the line bills, for its ER_CAM_F row. */
  ccam?: string;
  /** A transport leg's times (HHMM), for its ER_TRS_F row. */
  trip?: { departure: number; arrival: number };
}

/** A liberal physician's extra fee on an act at `tariff` by their sector (sectors.ts); none at the hospital. */
const fee = (c: Claim, tariff: number) =>
  c.outpatientEstablishment >= 0 ? 0 : extraFee(c.executant, c.specialty, tariff, c.date);

/** A claim's ER_PRS_F lines: one per reimbursement nature (drugs are grouped by rate). */
/** `age`: the patient's age on the day of care (the pharmacy's age fee). */
export function claimLines(c: Claim, y: number, age?: number): Line[] {
  const m = calibration().model;
  const rateOr = (r: number) => (c.ald ? 100 : r);
  if (c.acts) return ambulatoryLines(c);
  switch (c.kind) {
    case 'gp':
      return [
        {
          nature: NATURE.gp,
          base: gpTariff(y),
          overbilling: fee(c, gpTariff(y)),
          rate: rateOr(70),
          quantity: 1,
          drugs: [],
        },
      ];
    case 'specialist': {
      const over = fee(c, m.specialist.tariff_eur);
      return [
        {
          nature: NATURE.specialist,
          base: m.specialist.tariff_eur,
          overbilling: over,
          rate: rateOr(70),
          quantity: 1,
          drugs: [],
        },
      ];
    }
    case 'lab':
      return labLines(c.tests, c.ald).map((l) => ({ ...l, overbilling: 0, drugs: [] }));
    case 'ccam': {
      const price = (m.ccam_price_eur as Record<string, number>)[c.act] ?? technicalActTariff(c.act) ?? 30;
      return [
        {
          nature: ccamNature(c.act),
          base: price,
          overbilling: fee(c, price),
          rate: rateOr(70),
          quantity: 1,
          drugs: [],
        },
      ];
    }
    case 'clinic': {
      const days = Math.max(1, c.end - c.date);
      return [
        {
          nature: NATURE.clinic,
          base: m.stays.private_day_price_eur * days,
          overbilling: 0,
          rate: rateOr(80),
          quantity: days,
          drugs: [],
        },
      ];
    }
    case 'act':
      return [];
    case 'pharmacy':
      return dispensingLines(c.drugs, c.ald, age).map((l) => ({ ...l, overbilling: 0 }));
  }
}
