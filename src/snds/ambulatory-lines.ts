// The ER_PRS_F lines of an ambulatory claim (model/ambulatory.ts): one a nature, with CPL_MAJ_TOP set on
// the majoration and complement lines, as IR_NAT_V's NAT_CPL_ACT says of each nature.
import { extraFee } from '../model/sectors.js';
import { nomenclaturePath } from '../model/calibration.js';
import type { Claim } from '../model/care.js';
import { readCsv } from '../util/csv.js';

let complements: Set<number> | undefined;
/** The natures IR_NAT_V marks as a complement or majoration of an act (NAT_CPL_ACT ≠ 0). */
export function complementNatures(): Set<number> {
  complements ??= new Set(
    readCsv(nomenclaturePath('IR_NAT_V'), ';')
      .filter((r) => r.NAT_CPL_ACT !== '' && r.NAT_CPL_ACT !== '0')
      .map((r) => Number(r.PRS_NAT)),
  );
  return complements;
}

/** An ER_PRS_F line as claim-lines.ts's Line has it (declared here: claim-lines.ts imports this module). */
export interface AmbulatoryLine {
  nature: number;
  base: number;
  overbilling: number;
  rate: number;
  quantity: number;
  drugs: never[];
  complement: boolean;
  ccam?: string;
  trip?: { departure: number; arrival: number };
}

/**
 * A claim's lines from its ambulatory acts; a liberal physician's extra fee (by their sector, sectors.ts)
 * goes on the consultation's line, a supplier's price above the LPP base on its own line.
 */
export function ambulatoryLines(c: Claim): AmbulatoryLine[] {
  const cpl = complementNatures();
  const physician = (c.kind === 'specialist' || c.kind === 'gp') && c.outpatientEstablishment < 0;
  const over = physician && c.acts!.length ? extraFee(c.executant, c.specialty, c.acts![0].base, c.date) : 0;
  return c.acts!.map((a, i) => ({
    nature: a.nature,
    base: a.base,
    overbilling: a.overbilling ?? (i === 0 ? over : 0),
    rate: a.rate,
    quantity: a.quantity,
    drugs: [],
    complement: cpl.has(a.nature),
    ccam: a.ccam,
    trip: a.trip,
  }));
}
