// A pharmacy delivery as the DCIR bills it: one line per reimbursement rate for the drugs (natures of
// IR_NAT_V: PH1 100%, PH7 65%, PH4 30%, PH2 15%), the per-box dispensing fee at the same rate (HD1, HD7,
// HD4, HD2), the per-prescription fee (HDR), the age fee (HDA) and the specific-drug fee (HDE).
// In the model (not in src/snds) so that the plan counts the lines the tables write.
import { catalogue, drugs, substance } from './drug-catalogue.js';
import type { DrugRate } from './constants.js';
import type { DrugLine } from './drugs.js';

export const PHARMACY_NATURE: Record<DrugRate, number> = { 100: 3311, 65: 3313, 30: 3312, 15: 3341 };
export const BOX_FEE_NATURE: Record<DrugRate, number> = { 100: 3383, 15: 3384, 30: 3385, 65: 3386 };
export const PRESCRIPTION_FEE_NATURE = 3364;
export const AGE_FEE_NATURE = 3365;
export const SPECIFIC_FEE_NATURE = 3366;

export interface BilledLine {
  nature: number;
  base: number;
  rate: number;
  quantity: number;
  /** The drugs the line bills (its ER_PHA_F rows); empty for a fee. */
  drugs: DrugLine[];
}

export const packPrice = (d: DrugLine) => catalogue().presentations[d.presentation].price;

/** The lines of a delivery to a patient of `age` (no age fee when unknown); every rate is 100% under ALD. */
export function dispensingLines(list: DrugLine[], ald: boolean, age?: number): BilledLine[] {
  const fees = drugs().fees;
  const byRate = new Map<DrugRate, DrugLine[]>();
  for (const d of list) {
    const rate: DrugRate = ald ? 100 : substance(d.atc).rate;
    byRate.set(rate, [...(byRate.get(rate) ?? []), d]);
  }
  const lines: BilledLine[] = [];
  for (const [rate, ds] of byRate)
    lines.push({
      nature: PHARMACY_NATURE[rate],
      base: ds.reduce((s, d) => s + d.boxes * packPrice(d), 0),
      rate,
      quantity: ds.reduce((s, d) => s + d.boxes, 0),
      drugs: ds,
    });
  for (const [rate, ds] of byRate) {
    const fee = (d: DrugLine) =>
      catalogue().presentations[d.presentation].days >= 84 ? fees.per_quarter_box_eur : fees.per_box_eur;
    lines.push({
      nature: BOX_FEE_NATURE[rate],
      base: ds.reduce((s, d) => s + d.boxes * fee(d), 0),
      rate,
      quantity: ds.reduce((s, d) => s + d.boxes, 0),
      drugs: [],
    });
  }
  const rate = ald ? 100 : fees.prescription_rate;
  const fee = (nature: number, base: number) => lines.push({ nature, base, rate, quantity: 1, drugs: [] });
  fee(PRESCRIPTION_FEE_NATURE, fees.per_prescription_eur);
  if (age !== undefined && (age < fees.age_under || age >= fees.age_from)) fee(AGE_FEE_NATURE, fees.age_eur);
  if (list.some((d) => fees.specific_atc.some((p) => d.atc.startsWith(p)))) fee(SPECIFIC_FEE_NATURE, fees.specific_eur);
  return lines;
}
