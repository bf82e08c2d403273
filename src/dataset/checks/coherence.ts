// Codes that fit the patient and GHMs that follow the stay: every rule of calibration/restrictions.json
// and calibration/grouping.json, turned into SQL (read from the same files the model draws with).
import { RULES, type CodeKind, type Rule } from '../../model/restrictions.js';
import { GROUPING, OPERATING_ACTS } from '../../model/grouping.js';
import { sqlString } from '../../util/sql.js';
import type { Check, CheckGroup } from './context.js';

const GROUP = 'coherence';
const DCIR_KEYS =
  'DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF';

/** SQL: the code column falls under a rule's item (prefix, range of prefixes, or exact NABM number). */
export function itemSql(kind: CodeKind, item: string, col: string): string {
  if (kind === 'nabm') return `${col} = ${Number(item)}`;
  const [from, to] = item.split('-');
  if (to === undefined) return `starts_with(${col}, ${sqlString(from)})`;
  return `(left(${col}, ${from.length}) >= ${sqlString(from)} AND left(${col}, ${to.length}) <= ${sqlString(to)})`;
}

/**
 * SQL: a row whose code breaks a rule of its kind for its patient. The age is known between `ageLow`
 * and `ageHigh` (equal when exact): a minimum is broken below the highest, a maximum above the lowest.
 */
export function violationSql(kind: CodeKind, col: string, sex: string, ageLow: string, ageHigh: string): string {
  const broken = (r: Rule) => {
    const why = [
      r.sex !== undefined ? `${sex} <> ${r.sex}` : '',
      r.min_age !== undefined ? `${ageHigh} < ${r.min_age}` : '',
      r.max_age !== undefined ? `${ageLow} > ${r.max_age}` : '',
    ].filter(Boolean);
    return why.length ? `((${r.codes.map((i) => itemSql(kind, i, col)).join(' OR ')}) AND (${why.join(' OR ')}))` : '';
  };
  const parts = RULES.filter((r) => r.kind === kind)
    .map(broken)
    .filter(Boolean);
  return parts.length ? `(${parts.join(' OR ')})` : 'false';
}

/** SQL: the CMD of a principal diagnosis, as grouping.json gives it. */
export function cmdSql(col: string): string {
  return `CASE ${GROUPING.cmd.map(([item, cmd]) => `WHEN ${itemSql('icd10', item, col)} THEN '${cmd}'`).join(' ')} END`;
}

export const coherence: CheckGroup = async (ctx) => {
  const checks: Check[] = [];
  const zero = async (name: string, sql: string, ...tables: string[]) => {
    const c = await ctx.zero(GROUP, name, sql, ...tables);
    if (c) checks.push(c);
  };
  // PMSI: AGE_ANN is the age at entry; COD_SEX the sex.
  const stay = (kind: CodeKind, col: string) =>
    violationSql(kind, col, 'CAST(b.COD_SEX AS INTEGER)', 'b.AGE_ANN', 'b.AGE_ANN');
  await zero(
    'stays whose DP does not fit the sex or age',
    `SELECT count(*) FROM T_MCOaaB b WHERE ${stay('icd10', 'b.DGN_PAL')}`,
    'T_MCOaaB',
  );
  await zero(
    'associated diagnoses that do not fit the sex or age',
    `SELECT count(*) FROM T_MCOaaD d JOIN T_MCOaaB b USING (ETA_NUM, RSA_NUM) WHERE ${stay('icd10', 'd.ASS_DGN')}`,
    'T_MCOaaD',
    'T_MCOaaB',
  );
  await zero(
    'stay acts that do not fit the sex or age',
    `SELECT count(*) FROM T_MCOaaA a JOIN T_MCOaaB b USING (ETA_NUM, RSA_NUM) WHERE ${stay('ccam', 'a.CDC_ACT')}`,
    'T_MCOaaA',
    'T_MCOaaB',
  );
  // DCIR: BEN_AMA_COD is the age at the care (1000 + months under 2).
  const age = 'CASE WHEN p.BEN_AMA_COD >= 1000 THEN (p.BEN_AMA_COD - 1000) // 12 ELSE p.BEN_AMA_COD END';
  const dcir = (kind: CodeKind, col: string) => violationSql(kind, col, 'p.BEN_SEX_COD', age, age);
  await zero(
    'drug deliveries that do not fit the sex or age',
    `SELECT count(*) FROM ER_PHA_F h JOIN IR_PHA_R r ON r.PHA_CIP_C13 = h.PHA_PRS_C13 ` +
      `JOIN ER_PRS_F p USING (${DCIR_KEYS}) WHERE ${dcir('atc', 'r.PHA_ATC_C07')}`,
    'ER_PHA_F',
    'IR_PHA_R',
    'ER_PRS_F',
  );
  await zero(
    'lab tests that do not fit the sex or age',
    `SELECT count(*) FROM ER_BIO_F t JOIN ER_PRS_F p USING (${DCIR_KEYS}) WHERE ${dcir('nabm', 't.BIO_PRS_IDE')}`,
    'ER_BIO_F',
    'ER_PRS_F',
  );
  await zero(
    'DCIR acts that do not fit the sex or age',
    `SELECT count(*) FROM ER_CAM_F t JOIN ER_PRS_F p USING (${DCIR_KEYS}) WHERE ${dcir('ccam', 't.CAM_PRS_IDE')}`,
    'ER_CAM_F',
    'ER_PRS_F',
  );
  // CépiDc: the age at death is known from the birth month, to one year within that month.
  const born = 'CAST(c.BEN_NAI_MOI AS INTEGER)';
  const years = `year(c.BEN_DCD_DTE) - CAST(c.BEN_NAI_ANN AS INTEGER)`;
  const high = `(${years} - CASE WHEN month(c.BEN_DCD_DTE) < ${born} THEN 1 ELSE 0 END)`;
  const low = `(${high} - CASE WHEN month(c.BEN_DCD_DTE) = ${born} THEN 1 ELSE 0 END)`;
  const death = (col: string) => violationSql('icd10', col, 'c.BEN_SEX_COD', low, high);
  await zero(
    'initial causes of death that do not fit the sex or age',
    `SELECT count(*) FROM KI_CCI_R c WHERE ${death('c.DCD_CIM_COD')}`,
    'KI_CCI_R',
  );
  await zero(
    'causes on death certificates that do not fit the sex or age',
    `SELECT count(*) FROM KI_ECD_R e JOIN KI_CCI_R c USING (DCD_IDT_ENC) WHERE ${death('e.ECD_CIM_COD')}`,
    'KI_ECD_R',
    'KI_CCI_R',
  );
  await zero(
    "GHMs whose CMD is not the DP's",
    `SELECT count(*) FROM T_MCOaaB b WHERE left(b.GRG_GHM, 2) IS DISTINCT FROM ${cmdSql('b.DGN_PAL')}`,
    'T_MCOaaB',
  );
  await zero(
    'surgical (C) or interventional (K) GHMs without the act that makes them so',
    `SELECT count(*) FROM T_MCOaaB b WHERE substr(b.GRG_GHM, 3, 1) IN ('C', 'K') AND NOT EXISTS ` +
      `(SELECT 1 FROM T_MCOaaA a WHERE a.ETA_NUM = b.ETA_NUM AND a.RSA_NUM = b.RSA_NUM ` +
      `AND a.CDC_ACT IN (${[...OPERATING_ACTS].map(sqlString).join(', ')}))`,
    'T_MCOaaB',
    'T_MCOaaA',
  );
  await zero(
    'GHMs with more than one GHS',
    `SELECT count(*) FROM (SELECT GRG_GHM FROM T_MCOaaB GROUP BY ALL HAVING count(DISTINCT GHS_NUM) > 1)`,
    'T_MCOaaB',
  );
  return checks;
};
