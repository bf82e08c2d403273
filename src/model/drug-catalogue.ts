// The drug referential the model draws from: substances (ATC) and their real presentations (pack size,
// days a box lasts, price per pack, reimbursement rate), read from calibration/reference/drugs_catalogue.csv,
// and the delivery and biology parameters of calibration/drugs.json and calibration/biology.json.
import { projectPath } from '../util/paths.js';
import { readCsv } from '../util/csv.js';
import { DRUG_RATES, type DrugRate } from './constants.js';
import drugsModel from '../../calibration/drugs.json' with { type: 'json' };
import biologyModel from '../../calibration/biology.json' with { type: 'json' };

export type DrugsModel = typeof drugsModel;
export type BiologyModel = typeof biologyModel;
export const drugs = (): DrugsModel => drugsModel;
export const biology = (): BiologyModel => biologyModel;

export type DrugKind = 'acute' | 'chronic' | 'periodic' | 'yearly';

export interface Presentation {
  /** Position in the referential: gives the synthetic CIP13 (referentials.ts). */
  index: number;
  atc: string;
  label: string;
  packSize: number;
  /** Days a box lasts on a long-term treatment; 0 for packs of acute use. */
  days: number;
  price: number;
  /** For children: an oral solution, suspension or sachets. */
  child: boolean;
}

export interface Substance {
  atc: string;
  name: string;
  kind: DrugKind;
  rate: DrugRate;
  presentations: Presentation[];
}

export interface Catalogue {
  substances: Map<string, Substance>;
  presentations: Presentation[];
}

const ATC = /^[A-Z]\d\d[A-Z][A-Z]\d\d$/;
let cached: Catalogue | undefined;

/** The catalogue, checked when first read: a bad row is an error naming it. */
export function catalogue(): Catalogue {
  if (cached) return cached;
  const substances = new Map<string, Substance>();
  const presentations: Presentation[] = [];
  readCsv(projectPath('calibration', 'reference', 'drugs_catalogue.csv')).forEach((r, i) => {
    const at = `drugs_catalogue.csv row ${i + 2}`;
    const rate = Number(r.rate) as DrugRate;
    if (!ATC.test(r.atc)) throw new Error(`${at}: "${r.atc}" is not an ATC code of a substance`);
    if (!DRUG_RATES.includes(rate)) throw new Error(`${at}: rate ${r.rate} is not ${DRUG_RATES.join('/')}`);
    if (!(Number(r.pack_size) > 0 && Number(r.price_eur) > 0))
      throw new Error(`${at}: pack size and price must be > 0`);
    let s = substances.get(r.atc);
    if (!s) {
      s = { atc: r.atc, name: r.substance, kind: r.kind as DrugKind, rate, presentations: [] };
      substances.set(r.atc, s);
    }
    const p: Presentation = {
      index: presentations.length,
      atc: r.atc,
      label: r.presentation,
      packSize: Number(r.pack_size),
      days: Number(r.days_per_box || 0),
      price: Number(r.price_eur),
      child: /suspension|solution|sachet/.test(r.presentation),
    };
    s.presentations.push(p);
    presentations.push(p);
  });
  return (cached = { substances, presentations });
}

export function substance(atc: string): Substance {
  const s = catalogue().substances.get(atc);
  if (!s) throw new Error(`no substance ${atc} in drugs_catalogue.csv`);
  return s;
}

/** The specialties that prescribe drugs besides GPs and the modelled specialists: the providers' pools. */
export function prescribingSpecialties(): number[] {
  const d = drugs();
  return [
    d.dental.specialty,
    ...Object.keys(d.hospital.specialties).map(Number),
    ...d.chronic.classes.flatMap((c) => ('specialty' in c && c.specialty ? [c.specialty] : [])),
    ...Object.entries(d.condition_specialty).flatMap(([k, v]) =>
      k.startsWith('_') ? [] : [(v as { specialty: number }).specialty],
    ),
    d.vaccines.paediatrics_specialty,
  ];
}
