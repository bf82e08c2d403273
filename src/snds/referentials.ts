// Referentials the facts point to: a drug referential shaped like IR_PHA_R (one row per presentation of
// drugs_catalogue.csv: real ATC codes and pack sizes, synthetic CIP13 in a reserved range), professionals
// (DA_PRA_R) and establishments (BE_IDE_R).
import type { Spec, TableBatch } from './columns.js';
import { snDept } from '../model/calibration.js';
import { catalogue, substance } from '../model/drug-catalogue.js';
import type { DrugLine } from '../model/drugs.js';
import type { Params } from '../model/population.js';
import { providers } from '../model/providers.js';
import { conventionOf, exerciseMode, professionalSex } from '../model/sectors.js';

/** CIP13 `3400999` + 6 digits and CIP7 `99` + 5 digits: no real presentation uses these ranges. */
export function cipOf(d: DrugLine): { c13: number; c7: number } {
  return { c13: 3400999000000 + d.presentation, c7: 9900000 + d.presentation };
}

/** The columns each referential draws, typed like GENERATED in tables.ts. */
export const REFERENTIAL_COLUMNS = {
  IR_PHA_R: [
    ['PHA_CIP_C13', 'double'],
    ['PHA_PRS_IDE', 'int'],
    ['PHA_ATC_C07', 'str'],
    ['PHA_ATC_C03', 'str'],
    ['PHA_NOM_PA', 'str'],
    ['PHA_UPC_NBR', 'str'],
  ],
  DA_PRA_R: [
    ['PFS_PFS_NUM', 'str'],
    ['DTE_ANN_TRT', 'str'],
    ['DTE_MOI_FIN', 'str'],
    ['PFS_PRA_SPE', 'str'],
    ['ACT_CAB_COD', 'str'],
    ['PFS_COD_POS', 'str'],
    ['CNV_CNV_COD', 'str'],
    ['IPP_SEX_COD', 'str'],
    ['EXC_EXC_NAT', 'str'],
  ],
  BE_IDE_R: [
    ['IDE_ETA_NUM', 'str'],
    ['IDE_ETA_NU8', 'str'],
    ['IDE_IMP_DPT', 'str'],
    ['IDE_ETA_TYP', 'str'],
  ],
} as const satisfies Record<string, Spec>;

export type ReferentialTable = keyof typeof REFERENTIAL_COLUMNS;

/** The batch of a referential, or null when it is not written. */
export type ReferentialOut = <T extends ReferentialTable>(
  table: T,
) => TableBatch<(typeof REFERENTIAL_COLUMNS)[T]> | null;

/** Rows each referential has for these parameters, without writing them (for the plan). */
export function referentialRows(p: Params): Record<string, number> {
  const pv = providers(p);
  return { IR_PHA_R: catalogue().presentations.length, DA_PRA_R: pv.professionals.count, BE_IDE_R: pv.establishments };
}

export function emitReferentials(p: Params, out: ReferentialOut): void {
  const pha = out('IR_PHA_R');
  if (pha) {
    for (const x of catalogue().presentations) {
      pha.put(
        {},
        {
          PHA_CIP_C13: 3400999000000 + x.index,
          PHA_PRS_IDE: 9900000 + x.index,
          PHA_ATC_C07: x.atc,
          PHA_ATC_C03: x.atc.slice(0, 4),
          PHA_NOM_PA: substance(x.atc).name,
          PHA_UPC_NBR: String(x.packSize),
        },
      );
    }
  }
  const pv = providers(p);
  const pra = out('DA_PRA_R');
  if (pra) {
    for (let j = 0; j < pv.professionals.count; j++) {
      pra.put(
        {},
        {
          PFS_PFS_NUM: pv.professionalNumber(j),
          DTE_ANN_TRT: String(p.lastYear),
          DTE_MOI_FIN: '12',
          PFS_PRA_SPE: String(pv.professionals.specialty(j)).padStart(2, '0'),
          ACT_CAB_COD: String(pv.professionals.activity(j)).padStart(2, '0'),
          PFS_COD_POS: postalCode(pv.professionals.dept(j)),
          CNV_CNV_COD: String(conventionOf(j, pv.professionals.specialty(j))),
          IPP_SEX_COD: professionalSex(j, pv.professionals.specialty(j), pv.professionals.activity(j)),
          EXC_EXC_NAT: exerciseMode(j, pv.professionals.specialty(j)),
        },
      );
    }
  }
  const ide = out('BE_IDE_R');
  if (ide) {
    for (let e = 0; e < pv.establishments; e++) {
      const f = pv.finess(e);
      ide.put(
        {},
        {
          IDE_ETA_NUM: f,
          IDE_ETA_NU8: f.slice(0, 8),
          IDE_IMP_DPT: snDept(pv.establishmentDept(e)),
          IDE_ETA_TYP: pv.isPrivate(e) ? '2' : '1',
        },
      );
    }
  }
}

/** A postal code of the département, synthetic (`75000`, `20000` for Corsica, `97100`): the practice's place. */
function postalCode(dept: string): string {
  return (dept === '2A' || dept === '2B' ? '20' : dept).padEnd(5, '0');
}
