// Writes a person's rows into the batches of every table: IR_BEN_R, IR_IMB_R, DCIR, PMSI MCO, CépiDC.
// Only the columns the model draws are listed here; the schema fills the others (schemas/*.json).
import type { RowOf, Spec, TableBatch } from './columns.js';
import { certificateId, permute, pseudonym } from '../model/ids.js';
import { calibration, snDept } from '../model/calibration.js';
import { careOfYear, type Stay } from '../model/care.js';
import { day, ddmmyyyy, firstOfNextMonth, pad2, parts, SENTINEL_DATE, yearOf } from '../model/dates.js';
import { ageAt, type Params, type Person } from '../model/population.js';
import { providers } from '../model/providers.js';
import { deathOf } from '../model/death.js';
import { cipOf } from './referentials.js';
import { packPrice } from '../model/dispensing.js';
import { claimLines } from './claim-lines.js';
import { aldPeriodsOf, coverageOf, hashDraw, referentialParams } from '../model/coverage.js';
import { STREAM } from '../model/streams.js';
import { isDelivery, medicalUnits, relatedDiagnosis, returnCode, stayModes } from '../model/stay-modes.js';
import { birthMeasures, deliveryWeeks } from '../model/pathway.js';
import { decomptesOf, signedLines } from './regularisation.js';
import { conventionOf, legalStatus } from '../model/sectors.js';

const DCIR_KEYS = [
  ['DCT_ORD_NUM', 'int'],
  ['FLX_DIS_DTD', 'date'],
  ['FLX_EMT_NUM', 'int'],
  ['FLX_EMT_ORD', 'int'],
  ['FLX_EMT_TYP', 'int'],
  ['FLX_TRT_DTD', 'date'],
  ['ORG_CLE_NUM', 'str'],
  ['PRS_ORD_NUM', 'int'],
  ['REM_TYP_AFF', 'int'],
] as const satisfies Spec;
const STAY_KEYS = [
  ['ETA_NUM', 'str'],
  ['RSA_NUM', 'str'],
] as const satisfies Spec;

/**
 * The columns each table's generator draws, with the type they are handed to DuckDB in. Declared
 * `as const`: each table's rows are typed by its list (RowOf), and test/unit/rows.test.ts holds each
 * list to the table's schema.
 */
export const GENERATED = {
  IR_BEN_R: [
    ['BEN_NIR_PSA', 'str'],
    ['BEN_RNG_GEM', 'int'],
    ['BEN_NIR_ANO', 'str'],
    ['BEN_IDT_ANO', 'str'],
    ['BEN_IDT_TOP', 'bool'],
    ['ASS_NIR_ANO', 'str'],
    ['BEN_IDT_MAJ', 'date'],
    ['BEN_NAI_ANN', 'str'],
    ['BEN_NAI_MOI', 'str'],
    ['BEN_SEX_COD', 'int'],
    ['BEN_DCD_DTE', 'date'],
    ['ORG_AFF_BEN', 'str'],
    ['BEN_RES_DPT', 'str'],
    ['BEN_TOP_CNS', 'bool'],
    ['MAX_TRT_DTD', 'date'],
    ['BEN_DTE_INS', 'date'],
    ['BEN_DTE_MAJ', 'date'],
    ['BEN_RES_COM', 'str'],
  ],
  IR_IMB_R: [
    ['BEN_NIR_PSA', 'str'],
    ['BEN_RNG_GEM', 'int'],
    ['IMB_ALD_DTD', 'date'],
    ['IMB_ALD_DTF', 'date'],
    ['IMB_ALD_NUM', 'int'],
    ['IMB_ETM_NAT', 'int'],
    ['MED_MTF_COD', 'str'],
    ['INS_DTE', 'date'],
    ['UPD_DTE', 'date'],
  ],
  ER_PRS_F: [
    ...DCIR_KEYS,
    ['BEN_NIR_PSA', 'str'],
    ['BEN_RNG_GEM', 'int'],
    ['BEN_AMA_COD', 'int'],
    ['BEN_SEX_COD', 'int'],
    ['BEN_NAI_ANN', 'str'],
    ['BEN_RES_DPT', 'str'],
    ['ORG_AFF_BEN', 'str'],
    ['BEN_DCD_DTE', 'date'],
    ['EXE_SOI_DTD', 'date'],
    ['EXE_SOI_DTF', 'date'],
    ['PRE_PRE_DTD', 'date'],
    ['PRS_NAT_REF', 'int'],
    ['PRS_PAI_MNT', 'double'],
    ['BSE_REM_BSE', 'double'],
    ['BSE_REM_MNT', 'double'],
    ['PRS_DEP_MNT', 'double'],
    ['RGO_REM_TAU', 'double'],
    ['PRS_ACT_QTE', 'double'],
    ['PFS_EXE_NUM', 'str'],
    ['PFS_PRE_NUM', 'str'],
    ['PRS_MTT_NUM', 'str'],
    ['PSE_SPE_COD', 'int'],
    ['PSP_SPE_COD', 'int'],
    ['PSE_ACT_NAT', 'int'],
    ['ETB_PRE_FIN', 'str'],
    ['EXO_MTF', 'int'],
    ['PRS_PPU_SEC', 'int'],
    ['DPN_QLF', 'int'],
    ['BEN_CMU_TOP', 'int'],
    ['RGM_GRG_COD', 'int'],
    ['RGM_COD', 'int'],
    ['BEN_RES_COM', 'str'],
    ['PRS_DPN_QLP', 'int'],
    ['CPL_MAJ_TOP', 'int'],
    ['PSE_CNV_COD', 'int'],
    ['PSP_CNV_COD', 'int'],
    ['PSE_STJ_COD', 'int'],
    ['PRS_HOS_DTD', 'date'],
  ],
  ER_PHA_F: [
    ...DCIR_KEYS,
    ['PHA_PRS_C13', 'double'],
    ['PHA_PRS_IDE', 'int'],
    ['PHA_ACT_QSN', 'int'],
    ['PHA_ACT_PRU', 'double'],
    ['PHA_ORD_NUM', 'int'],
  ],
  ER_BIO_F: [...DCIR_KEYS, ['BIO_PRS_IDE', 'int'], ['BIO_ACT_QSN', 'int'], ['BIO_ORD_NUM', 'int']],
  ER_CAM_F: [
    ...DCIR_KEYS,
    ['CAM_PRS_IDE', 'str'],
    ['CAM_ORD_NUM', 'int'],
    ['CAM_ACT_PRU', 'double'],
    ['CAM_REM_BSE', 'double'],
  ],
  ER_TRS_F: [
    ...DCIR_KEYS,
    ['ITR_ORD_NUM', 'int'],
    ['TRS_DEP_CDP', 'str'],
    ['TRS_ARR_CDP', 'str'],
    ['TRS_TRP_HRD', 'int'],
    ['TRS_TRP_HRA', 'int'],
    ['TRS_DTD_DTE', 'date'],
    ['TRS_DTF_DTE', 'date'],
  ],
  ER_ETE_F: [
    ...DCIR_KEYS,
    ['ETB_EXE_FIN', 'str'],
    ['ETE_IND_TAA', 'int'],
    ['ETE_CAT_COD', 'int'],
    ['PRS_PPU_SEC', 'int'],
  ],
  T_MCOaaB: [
    ...STAY_KEYS,
    ['AGE_ANN', 'int'],
    ['AGE_JOU', 'int'],
    ['COD_SEX', 'str'],
    ['BDI_DEP', 'str'],
    ['BDI_COD', 'str'],
    ['DGN_PAL', 'str'],
    ['GRG_GHM', 'str'],
    ['GHS_NUM', 'int'],
    ['SEJ_NBJ', 'int'],
    ['SOR_ANN', 'str'],
    ['SOR_MOI', 'str'],
    ['ENT_MOD', 'str'],
    ['ENT_PRV', 'str'],
    ['SOR_MOD', 'str'],
    ['SOR_DES', 'str'],
    ['NBR_DGN', 'int'],
    ['NBR_ACT', 'int'],
    ['NBR_SEA', 'int'],
    ['DGN_REL', 'str'],
    ['NBR_RUM', 'int'],
    ['POI_NAI', 'int'],
    ['AGE_GES', 'int'],
  ],
  T_MCOaaC: [
    ...STAY_KEYS,
    ['NIR_ANO_17', 'str'],
    ['ENT_DAT', 'str'],
    ['SOR_DAT', 'str'],
    ['EXE_SOI_DTD', 'date'],
    ['EXE_SOI_DTF', 'date'],
    ['SOR_ANN', 'str'],
    ['SOR_MOI', 'str'],
    ['SEJ_NUM', 'int'],
    ['NIR_RET', 'bool'],
    ['NAI_RET', 'str'],
    ['SEX_RET', 'bool'],
    ['SEJ_RET', 'bool'],
    ['FHO_RET', 'bool'],
    ['PMS_RET', 'bool'],
    ['DAT_RET', 'str'],
  ],
  T_MCOaaD: [...STAY_KEYS, ['ASS_DGN', 'str'], ['DGN_ASS_NUM', 'int']],
  T_MCOaaA: [...STAY_KEYS, ['CDC_ACT', 'str'], ['ENT_DAT_DEL', 'int'], ['NBR_EXE_ACT', 'int']],
  KI_CCI_R: [
    ['DCD_IDT_ENC', 'str'],
    ['BEN_IDT_ANO', 'str'],
    ['BEN_IDT_TOP', 'bool'],
    ['BEN_NIR_ANO', 'str'],
    ['FLX_PER_ANN', 'str'],
    ['DCD_DPT_COD', 'str'],
    ['BEN_RES_DPT', 'str'],
    ['BEN_DCD_DTE', 'date'],
    ['DCD_LIE_COD', 'int'],
    ['BEN_NAI_ANN', 'str'],
    ['BEN_NAI_MOI', 'str'],
    ['BEN_SEX_COD', 'int'],
    ['DCD_CIM_COD', 'str'],
  ],
  KI_ECD_R: [
    ['DCD_IDT_ENC', 'str'],
    ['BEN_IDT_ANO', 'str'],
    ['BEN_IDT_TOP', 'bool'],
    ['BEN_NIR_ANO', 'str'],
    ['FLX_PER_ANN', 'str'],
    ['CER_LIG_NUM', 'int'],
    ['ECD_CAU_RNG', 'int'],
    ['ECD_CIM_COD', 'str'],
    ['BEN_DCD_DTE', 'date'],
  ],
} as const satisfies Record<string, Spec>;

export type FactTable = keyof typeof GENERATED;

/** The batch to append to for a table and year, or null when the table is not generated. */
export type Out = <T extends FactTable>(table: T, year: number | null) => TableBatch<(typeof GENERATED)[T]> | null;

const MAX_DECOMPTES = 4096;
/** Stays and séances of a person in a year, at most (chemotherapy and radiotherapy: a row a séance). */
const MAX_STAYS = 256;

/** The keys of decompte `seq` of person i in year y: a 44-bit counter through a bijection. */
function decompteKey(i: number, y: number, seq: number) {
  const v = permute((i * 32 + (y & 31)) * MAX_DECOMPTES + seq, 22, 0x2545f491);
  const high = Math.floor(v / 1e9);
  return { dct: v % 1e9, emtOrd: high % 10000, emtNum: Math.floor(high / 10000) };
}

/**
 * RSA_NUM of stay `seq` of person i in year y: a 10-digit number (1,000,000,000 to 9,999,999,999, the
 * integer the schema declares), unique over the dataset's years: (person, year, stay) counted, then
 * mapped through a keyed bijection of [0, 9e9) (a Feistel permutation of 34 bits, cycle-walked).
 */
function rsaNum(p: Params, i: number, y: number, seq: number): string {
  const years = p.lastYear - p.firstYear + 1;
  let v = ((i * years + (y - p.firstYear)) * staysPerPersonYear(p) + seq) % RSA_RANGE;
  do v = permute(v, 17, 0x68e31da4 ^ p.seed);
  while (v >= RSA_RANGE);
  return String(1e9 + v);
}

const RSA_RANGE = 9e9;

/** Stays and séances kept for a person-year: MAX_STAYS, fewer when the RSA_NUM range must hold more people. */
function staysPerPersonYear(p: Params): number {
  const years = p.lastYear - p.firstYear + 1;
  return Math.min(MAX_STAYS, Math.floor(RSA_RANGE / (p.beneficiaries * years)));
}

const euros = (x: number) => Math.round(x * 100) / 100;

/** Tables written once a person's years are all drawn: they depend on every year, or on the death. */
export const PERSON_TABLES = ['IR_BEN_R', 'IR_IMB_R', 'KI_CCI_R', 'KI_ECD_R'];

/**
 * The rows of person `who` in year `y`'s care tables (DCIR, PMSI MCO). Returns the last date one of
 * the year's claims was processed (SENTINEL_DATE if none), which IR_BEN_R reports over all years.
 */
export function emitCareYear(p: Params, who: Person, y: number, out: Out): number {
  const pv = providers(p);
  const psa = pseudonym('psa', who.index, p.seed);
  const birthYearText = String(parts(who.birth)[0]);
  const dept = snDept(who.dept);
  const cov = coverageOf(p, who);
  const fund = cov.org;
  const declared = pv.declaredGpOf(who.index, y, ageAt(who, day(y, 1, 1)));
  const gpNumber = declared >= 0 ? pv.professionalNumber(declared) : null;
  let lastProcessed = SENTINEL_DATE;
  const { claims, stays } = careOfYear(p, who, y);
  const prs = out('ER_PRS_F', y);
  const pha = out('ER_PHA_F', y);
  const bio = out('ER_BIO_F', y);
  const cam = out('ER_CAM_F', y);
  const ete = out('ER_ETE_F', y);
  const trs = out('ER_TRS_F', y);
  // A synthetic postal code of the département (its code, then 9s): trips start and end at home's.
  const postal = (who.dept.startsWith('2') && /[AB]/.test(who.dept) ? '20' : who.dept).padEnd(5, '9');
  decomptesOf(p, who.index, y, claims, MAX_DECOMPTES).forEach(({ claim: c, sign, treated }, seq) => {
    const k = decompteKey(who.index, y, seq);
    lastProcessed = Math.max(lastProcessed, treated);
    const disseminated = firstOfNextMonth(treated);
    const lines = signedLines(claimLines(c, y, Math.max(0, ageAt(who, c.date))), sign);
    const professional = c.kind !== 'clinic' && c.executant >= 0;
    lines.forEach((line, l) => {
      // The keys of one line of the decompte, shared by its detail rows.
      const keys: RowOf<typeof DCIR_KEYS> = {
        DCT_ORD_NUM: k.dct,
        FLX_DIS_DTD: disseminated,
        FLX_EMT_NUM: k.emtNum,
        FLX_EMT_ORD: k.emtOrd,
        FLX_EMT_TYP: 1,
        FLX_TRT_DTD: treated,
        ORG_CLE_NUM: fund,
        PRS_ORD_NUM: l + 1,
        REM_TYP_AFF: 1,
      };
      if (prs) {
        prs.put(keys, {
          BEN_NIR_PSA: psa,
          BEN_RNG_GEM: 1,
          BEN_AMA_COD: amaCode(who, c.date),
          BEN_SEX_COD: who.sex,
          BEN_NAI_ANN: birthYearText,
          BEN_RES_DPT: dept,
          ORG_AFF_BEN: fund,
          BEN_DCD_DTE: who.death,
          EXE_SOI_DTD: c.date,
          EXE_SOI_DTF: c.end,
          PRE_PRE_DTD: c.prescriber >= 0 ? c.date : SENTINEL_DATE,
          PRS_NAT_REF: line.nature,
          PRS_PAI_MNT: euros(line.base + line.overbilling),
          BSE_REM_BSE: euros(line.base),
          BSE_REM_MNT: euros((line.base * line.rate) / 100),
          PRS_DEP_MNT: euros(line.overbilling),
          RGO_REM_TAU: line.rate,
          PRS_ACT_QTE: line.quantity,
          PFS_EXE_NUM: c.kind === 'clinic' || c.executant < 0 ? null : pv.professionalNumber(c.executant),
          PFS_PRE_NUM: c.prescriber >= 0 ? pv.professionalNumber(c.prescriber) : null,
          PRS_MTT_NUM: gpNumber,
          PSE_SPE_COD: c.specialty,
          PSP_SPE_COD: c.prescriber >= 0 ? pv.professionals.specialty(c.prescriber) : null,
          PSE_ACT_NAT: c.activity ?? (c.kind === 'pharmacy' ? 50 : c.kind === 'lab' ? 30 : 0),
          ETB_PRE_FIN:
            c.outpatientEstablishment >= 0
              ? pv.finess(c.outpatientEstablishment).slice(0, 8)
              : c.prescriberEstablishment >= 0
                ? pv.finess(c.prescriberEstablishment).slice(0, 8)
                : null,
          EXO_MTF: c.ald ? (c.exo ?? 41) : 0,
          PRS_PPU_SEC: c.kind === 'clinic' ? 2 : c.outpatientEstablishment >= 0 ? 1 : 2,
          DPN_QLF:
            line.overbilling !== 0 ? overbillingQualifier(p, c.executant) : c.outpatientEstablishment >= 0 ? 71 : 0,
          BEN_CMU_TOP: cov.css ? 1 : 0,
          RGM_GRG_COD: cov.schemeGroup,
          RGM_COD: cov.scheme,
          BEN_RES_COM: cov.commune,
          PRS_DPN_QLP: line.overbilling !== 0 ? overbillingQualifier(p, c.executant) : 0,
          CPL_MAJ_TOP: line.complement ? 1 : 0,
          // The executant's and prescriber's conventions (sectors.ts); a liberal professional's legal status.
          PSE_CNV_COD: professional ? conventionOf(c.executant, c.specialty) : null,
          PSP_CNV_COD: c.prescriber >= 0 ? conventionOf(c.prescriber, pv.professionals.specialty(c.prescriber)) : null,
          PSE_STJ_COD: professional && c.outpatientEstablishment < 0 ? legalStatus(c.executant) : null,
          // A private clinic's stay is billed with the date its hospitalisation began.
          PRS_HOS_DTD: c.kind === 'clinic' ? c.date : SENTINEL_DATE,
        });
      }
      if (pha && c.kind === 'pharmacy') {
        line.drugs.forEach((d, n) => {
          const cip = cipOf(d);
          pha.put(keys, {
            PHA_PRS_C13: cip.c13,
            PHA_PRS_IDE: cip.c7,
            PHA_ACT_QSN: d.boxes,
            PHA_ACT_PRU: packPrice(d),
            PHA_ORD_NUM: n + 1,
          });
        });
      }
      if (bio && c.kind === 'lab')
        (line.tests ?? []).forEach((t, n) => bio.put(keys, { BIO_PRS_IDE: t, BIO_ACT_QSN: sign, BIO_ORD_NUM: n + 1 }));
      const camAct = c.kind === 'ccam' ? c.act : line.ccam;
      if (cam && camAct)
        cam.put(keys, { CAM_PRS_IDE: camAct, CAM_ORD_NUM: 1, CAM_ACT_PRU: line.base, CAM_REM_BSE: line.base });
      if (trs && line.trip)
        trs.put(keys, {
          ITR_ORD_NUM: 1,
          TRS_DEP_CDP: postal,
          TRS_ARR_CDP: postal,
          TRS_TRP_HRD: line.trip.departure,
          TRS_TRP_HRA: line.trip.arrival,
          TRS_DTD_DTE: c.date,
          TRS_DTF_DTE: c.date,
        });
      if (ete && (c.kind === 'clinic' || c.outpatientEstablishment >= 0)) {
        const e = c.kind === 'clinic' ? c.executant : c.outpatientEstablishment;
        ete.put(keys, {
          ETB_EXE_FIN: pv.finess(e).slice(0, 8),
          ETE_IND_TAA: c.kind === 'clinic' ? 0 : 1,
          ETE_CAT_COD: c.kind === 'clinic' ? 365 : 101,
          PRS_PPU_SEC: c.kind === 'clinic' ? 2 : 1,
        });
      }
    });
  });
  emitStays(p, who, y, stays.slice(0, staysPerPersonYear(p)), psa, out);
  return lastProcessed;
}

/** The rows of person `who` in IR_BEN_R, IR_IMB_R and, if they died, the CépiDC tables. */
export function emitPersonTables(p: Params, who: Person, lastProcessed: number, out: Out): void {
  const psa = pseudonym('psa', who.index, p.seed);
  const ano = pseudonym('ano', who.index, p.seed);
  const [birthYear, birthMonth] = parts(who.birth);
  const dept = snDept(who.dept);
  const cov = coverageOf(p, who);
  const fund = cov.org;
  const endOfData = day(p.lastYear, 12, 31);

  if (who.death !== SENTINEL_DATE) emitDeath(p, who, ano, out);

  const ben = out('IR_BEN_R', null);
  if (ben) {
    ben.put(
      {},
      {
        BEN_NIR_PSA: psa,
        BEN_RNG_GEM: 1,
        BEN_NIR_ANO: ano,
        BEN_IDT_ANO: ano,
        BEN_IDT_TOP: 1,
        ASS_NIR_ANO: ano,
        BEN_IDT_MAJ: endOfData,
        BEN_NAI_ANN: String(birthYear),
        BEN_NAI_MOI: pad2(birthMonth),
        BEN_SEX_COD: who.sex,
        BEN_DCD_DTE: who.death,
        ORG_AFF_BEN: fund,
        BEN_RES_DPT: dept,
        BEN_TOP_CNS: lastProcessed !== SENTINEL_DATE ? 1 : 0,
        MAX_TRT_DTD: lastProcessed,
        BEN_DTE_INS: who.newborn ? who.birth : SENTINEL_DATE,
        BEN_DTE_MAJ: endOfData,
        BEN_RES_COM: cov.commune,
      },
    );
  }
  const imb = out('IR_IMB_R', null);
  if (imb) {
    for (const a of aldPeriodsOf(p, who)) {
      imb.put(
        {},
        {
          BEN_NIR_PSA: psa,
          BEN_RNG_GEM: 1,
          IMB_ALD_DTD: a.start,
          IMB_ALD_DTF: a.end,
          IMB_ALD_NUM: a.number,
          IMB_ETM_NAT: a.nature,
          MED_MTF_COD: a.icd10.slice(0, 5),
          INS_DTE: a.start,
          UPD_DTE: endOfData,
        },
      );
    }
  }
}

/** DPN_QLF of an overbilled line: by the professional, at the shares of calibration/referentials.json. */
function overbillingQualifier(p: Params, executant: number): number {
  const codes = referentialParams().overbilling_qualifier.codes;
  let u = hashDraw(p, STREAM.overbillingQualifier, executant);
  return (codes.find(([, share]) => (u -= share) < 0) ?? codes[0])[0];
}

/** BEN_AMA_COD: age in years from 2, else 1000 + months. */
function amaCode(who: Person, d: number): number {
  const age = ageAt(who, d);
  if (age >= 2) return age;
  const [by, bm, bd] = parts(who.birth);
  const [y, mo, dd] = parts(d);
  return 1000 + Math.max(0, (y - by) * 12 + (mo - bm) - (dd < bd ? 1 : 0));
}

function emitStays(p: Params, who: Person, y: number, stays: Stay[], psa: string, out: Out): void {
  const cal = calibration();
  const pv = providers(p);
  const B = out('T_MCOaaB', y);
  const C = out('T_MCOaaC', y);
  const D = out('T_MCOaaD', y);
  const A = out('T_MCOaaA', y);
  const aldCodes = aldPeriodsOf(p, who).map((a) => a.icd10);
  stays.forEach((s, seq) => {
    const keys: RowOf<typeof STAY_KEYS> = {
      ETA_NUM: pv.finess(s.establishment),
      RSA_NUM: rsaNum(p, who.index, y, seq),
    };
    const [sy, sm] = parts(s.exit);
    const nights = s.exit - s.entry;
    const age = ageAt(who, s.entry);
    const h = (k: number) => hashDraw(p, STREAM.stayModes, who.index, y, seq, k);
    const modes = stayModes(h(0), h(1), s.died, s.entry === who.birth);
    const ret = returnCode(h(2), h(3));
    // A newborn's stays (CMD 15 in its first 28 days, the stay at birth and any readmission) carry its birth
    // weight and gestational age; a delivery the weeks.
    const newborn = s.ghm.startsWith('15') && s.entry - who.birth < 29 ? birthMeasures(p, who) : null;
    const bdi = who.dept.length === 3 ? '9' + 'ABCDEF'[Math.max(0, +who.dept - 971)] : who.dept;
    if (B) {
      B.put(keys, {
        AGE_ANN: age,
        AGE_JOU: age < 1 ? Math.max(0, s.entry - who.birth) : null,
        COD_SEX: String(who.sex),
        BDI_DEP: bdi,
        BDI_COD: (who.dept.length === 3 ? who.dept.slice(0, 3) + '00' : who.dept + '000')
          .replace('2A0', '200')
          .replace('2B0', '202'),
        DGN_PAL: s.dp,
        GRG_GHM: s.ghm,
        GHS_NUM: cal.ghs.get(s.ghm) ?? null,
        SEJ_NBJ: nights,
        SOR_ANN: String(sy),
        SOR_MOI: pad2(sm),
        ENT_MOD: modes.entryMode,
        ENT_PRV: modes.provenance,
        SOR_MOD: modes.exitMode,
        SOR_DES: modes.destination,
        NBR_DGN: s.associated.length,
        NBR_ACT: s.acts.length,
        NBR_SEA: s.seances,
        DGN_REL: relatedDiagnosis(s.dp, [...s.associated, ...aldCodes]),
        NBR_RUM: medicalUnits(h(4), h(5), nights, s.seances > 0 || s.ghm.startsWith('28')),
        POI_NAI: newborn ? newborn.weight : null,
        AGE_GES: newborn ? newborn.weeks : s.ghm.startsWith('14') && isDelivery(s.dp) ? deliveryWeeks(p, who, y) : null,
      });
    }
    if (C) {
      C.put(keys, {
        // A row whose NIR failed the checks cannot be chained: its NIR_ANO_17 is the placeholder.
        NIR_ANO_17: ret === 'NIR_RET' ? 'xxxxxxxxxxxxxxxxx' : psa,
        ENT_DAT: ddmmyyyy(s.entry),
        SOR_DAT: ddmmyyyy(s.exit),
        EXE_SOI_DTD: s.entry,
        EXE_SOI_DTF: s.exit,
        SOR_ANN: String(sy),
        SOR_MOI: pad2(sm),
        SEJ_NUM: Math.max(0, s.entry - who.birth) % 100000,
        NIR_RET: ret === 'NIR_RET' ? 1 : 0,
        NAI_RET: ret === 'NAI_RET' ? '1' : '0',
        SEX_RET: ret === 'SEX_RET' ? 1 : 0,
        SEJ_RET: ret === 'SEJ_RET' ? 1 : 0,
        FHO_RET: ret === 'FHO_RET' ? 1 : 0,
        PMS_RET: ret === 'PMS_RET' ? 1 : 0,
        DAT_RET: ret === 'DAT_RET' ? '1' : '0',
      });
    }
    if (D) s.associated.forEach((code, n) => D.put(keys, { ASS_DGN: code, DGN_ASS_NUM: n + 1 }));
    if (A)
      s.acts.forEach((code, n) =>
        A.put(keys, { CDC_ACT: code, ENT_DAT_DEL: Math.min(nights, n), NBR_EXE_ACT: Math.max(1, s.seances) }),
      );
  });
}

function emitDeath(p: Params, who: Person, ano: string, out: Out): void {
  const death = deathOf(p, who)!;
  const y = yearOf(who.death);
  const id = certificateId(who.index, p.seed);
  const [by, bm] = parts(who.birth);
  // A certificate the CépiDc linkage did not match to a beneficiary keeps no beneficiary's identifier.
  const common = death.linked
    ? { DCD_IDT_ENC: id, BEN_IDT_ANO: ano, BEN_IDT_TOP: 1, BEN_NIR_ANO: ano, FLX_PER_ANN: String(y) }
    : { DCD_IDT_ENC: id, BEN_IDT_ANO: null, BEN_IDT_TOP: 0, BEN_NIR_ANO: null, FLX_PER_ANN: String(y) };
  const cci = out('KI_CCI_R', y);
  if (cci) {
    cci.put(common, {
      DCD_DPT_COD: snDept(who.dept),
      BEN_RES_DPT: snDept(who.dept),
      BEN_DCD_DTE: who.death,
      DCD_LIE_COD: death.place,
      BEN_NAI_ANN: String(by),
      BEN_NAI_MOI: pad2(bm),
      BEN_SEX_COD: who.sex,
      DCD_CIM_COD: death.cause.slice(0, 4),
    });
  }
  const ecd = out('KI_ECD_R', y);
  if (ecd) {
    // ECD_CAU_RNG numbers the causes in the certificate's order.
    death.causes.forEach((c, n) =>
      ecd.put(common, {
        CER_LIG_NUM: c.line,
        ECD_CAU_RNG: n + 1,
        ECD_CIM_COD: c.code.slice(0, 4),
        BEN_DCD_DTE: who.death,
      }),
    );
  }
}
