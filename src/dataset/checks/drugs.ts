// Drug deliveries and biology against their published marginals: substances delivered, boxes per consumer
// overall and by age, the reach of paracetamol and antibiotics, amoxicillin's share of antibiotic
// prescriptions, who prescribes them, the prescriber's specialty filled, the NABM codes billed.
// Sources: calibration/reference/drugs_use_indicators.csv and top_drugs.csv (SOURCES.md).
import { readCsv } from '../../util/csv.js';
import { drugs } from '../../model/drug-catalogue.js';
import { GP_SPECIALTIES } from '../../model/ambulatory.js';
import { referencePath, sampled, shareCheck, Z, type Check, type CheckContext } from './context.js';

const DCIR_KEYS =
  'DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF';
/** The least breadth of the drug and biology mix a dataset of 5,000 person-years shows. */
const MIN_SUBSTANCES = 150;
const MIN_NABM = 60;
/** Below this many person-years a count of distinct codes says too little. */
const BREADTH_PERSON_YEARS = 5000;
/** Deliveries whose prescriber's specialty is filled, at least. */
const MIN_SPECIALTY_FILL = 80;

/** A published indicator of drugs_use_indicators.csv. */
function indicator(name: string, age = 'all'): number {
  const row = readCsv(referencePath('drugs_use_indicators.csv')).find(
    (r) => r.indicator === name && r.age_group === age,
  );
  if (!row) throw new Error(`drugs_use_indicators.csv has no ${name} for ${age}`);
  return Number(row.value);
}

/** Deliveries (one row per drug line) with their patient, year, age, boxes, substance and prescriber. */
const LINES =
  `SELECT p.BEN_NIR_PSA AS b, year(p.EXE_SOI_DTD) AS y, ` +
  `year(p.EXE_SOI_DTD) - CAST(p.BEN_NAI_ANN AS INTEGER) AS age, h.PHA_ACT_QSN AS q, r.PHA_ATC_C07 AS atc, ` +
  `p.PSP_SPE_COD AS spe, p.DCT_ORD_NUM AS dct, p.FLX_EMT_NUM AS emt, p.FLX_EMT_ORD AS ord ` +
  `FROM ER_PHA_F h JOIN ER_PRS_F p USING (${DCIR_KEYS}) JOIN IR_PHA_R r ON r.PHA_CIP_C13 = h.PHA_PRS_C13`;

export async function drugChecks(ctx: CheckContext): Promise<Check[]> {
  const { present, one, rows, firstYear, lastYear } = ctx;
  if (!['ER_PRS_F', 'ER_PHA_F', 'IR_PHA_R', 'IR_BEN_R'].every((t) => present.has(t))) return [];
  const group = 'drugs';
  const checks: Check[] = [];
  await ctx.conn.run(`CREATE OR REPLACE TEMP TABLE drug_lines AS ${LINES}`);
  const personYears = await one(
    `WITH yrs AS (SELECT range AS y FROM range(${firstYear}, ${lastYear + 1})) ` +
      `SELECT count(*) FROM yrs, IR_BEN_R b WHERE CAST(b.BEN_NAI_ANN AS INTEGER) <= yrs.y ` +
      `AND (b.BEN_DCD_DTE = DATE '1600-01-01' OR year(b.BEN_DCD_DTE) >= yrs.y)`,
  );

  // A count of distinct codes says little on a small dataset: judged from BREADTH_PERSON_YEARS on.
  const breadth = (name: string, n: number, min: number): Check => {
    const small = personYears < BREADTH_PERSON_YEARS;
    return {
      group,
      name: `${name} (at least ${min})`,
      ok: n >= min || small,
      value: small ? `${n} (too few beneficiaries to judge)` : String(n),
      expected: `≥ ${min}`,
    };
  };
  checks.push(
    breadth(
      'distinct substances (ATC) delivered',
      await one('SELECT count(DISTINCT atc) FROM drug_lines'),
      MIN_SUBSTANCES,
    ),
  );

  // Boxes per consumer and year, overall and by age: against the published mean, ±tolerance plus the
  // sampling error of a mean over the consumers (from their observed spread).
  const boxes = async (label: string, where: string, target: number, tolerance: number, source: string) => {
    const [[n, sum, squares]] = await rows(
      `SELECT count(*), sum(t), sum(t * t) FROM (SELECT b, y, sum(q) AS t FROM drug_lines WHERE ${where} GROUP BY ALL)`,
    );
    const consumers = Number(n);
    const mean = Number(sum) / Math.max(1, consumers);
    const spread = Math.sqrt(Math.max(0, Number(squares) / Math.max(1, consumers) - mean * mean));
    const relative = spread / Math.sqrt(Math.max(1, consumers)) / Math.max(mean, 1e-9);
    const tol = tolerance + Z * relative;
    checks.push(
      sampled(
        {
          group,
          name: `boxes per consumer a year, ${label}, vs ${target} (${source}; ±${tolerance * 100}% + sampling)`,
          ok: Math.abs(mean / target - 1) <= tol,
          value: mean.toFixed(1),
          expected: `${(target * (1 - tol)).toFixed(1)}–${(target * (1 + tol)).toFixed(1)}`,
        },
        `±${tolerance * 100}%`,
        relative,
        tolerance,
      ),
    );
  };
  await boxes('all ages', 'true', 41, 0.15, 'CNAM 2023');
  await boxes('aged 0-17', 'age < 18', 17.5, 0.2, 'CNAM 2023, 15 to 20 as relayed');
  await boxes(
    'aged 60+',
    'age >= 60',
    indicator('reimbursed_boxes_per_consumer', '60+'),
    0.25,
    'Morin & Laroche, 2014',
  );
  await boxes(
    'aged 65+',
    'age >= 65',
    12 * indicator('reimbursed_boxes_per_person_per_month', '65+'),
    0.2,
    'CNAM 2023, 6 a month',
  );
  await boxes('aged 80+', 'age >= 80', 120, 0.2, 'CNAM 2023, about 10 a month');

  // Reach: the people with at least one delivery in a year, over the people alive in it.
  const reach = async (where: string) =>
    (100 * (await one(`SELECT count(*) FROM (SELECT DISTINCT b, y FROM drug_lines WHERE ${where})`))) / personYears;
  const paracetamolUsers = readCsv(referencePath('top_drugs.csv')).find(
    (r) => r.ranking === 'by_substance' && r.atc_code === 'N02BE01',
  );
  // Over the population of France on 1 January 2025 (Insee, population_age_sex.csv).
  const population = readCsv(referencePath('population_age_sex.csv'))
    .filter((r) => r.year === '2025')
    .reduce((s, r) => s + Number(r.population), 0);
  if (!paracetamolUsers) throw new Error('top_drugs.csv has no paracetamol patients');
  const paracetamol = (100 * Number(paracetamolUsers.patients_millions) * 1e6) / population;
  checks.push(
    shareCheck(
      group,
      'paracetamol users, % of the population a year (42.5 M patients, CNAM)',
      await reach("atc = 'N02BE01'"),
      paracetamol,
      8,
      personYears,
    ),
  );
  checks.push(
    shareCheck(
      group,
      'antibiotic (J01) users, % of the population a year (SpF 2023)',
      await reach("atc LIKE 'J01%'"),
      indicator('antibiotic_patients_with_1plus_prescription_share'),
      5,
      personYears,
    ),
  );

  // Antibiotic prescriptions: the deliveries holding an antibiotic, by the substance and the prescriber.
  const [[prescriptions, amoxicillin, gp, dentist]] = await rows(
    `SELECT count(*), sum(amox), sum(CASE WHEN spe IN (${GP_SPECIALTIES.join(', ')}) THEN 1 ELSE 0 END), ` +
      `sum(CASE WHEN spe = ${drugs().dental.specialty} THEN 1 ELSE 0 END) FROM ` +
      `(SELECT dct, emt, ord, max(CASE WHEN atc = 'J01CA04' THEN 1 ELSE 0 END) AS amox, max(spe) AS spe ` +
      `FROM drug_lines WHERE atc LIKE 'J01%' GROUP BY ALL)`,
  );
  const n = Number(prescriptions);
  const pct = (x: unknown) => (100 * Number(x)) / Math.max(1, n);
  checks.push(
    shareCheck(
      group,
      'amoxicillin, % of antibiotic prescriptions (SpF 2023)',
      pct(amoxicillin),
      indicator('amoxicillin_share_of_antibiotic_prescriptions'),
      5,
      n,
    ),
  );
  checks.push(
    shareCheck(
      group,
      'GPs, % of antibiotic prescriptions (SpF 2022)',
      pct(gp),
      indicator('antibiotic_prescriptions_by_gp_share'),
      7,
      n,
    ),
  );
  checks.push(
    shareCheck(
      group,
      'dentists, % of antibiotic prescriptions (SpF 2022)',
      pct(dentist),
      indicator('antibiotic_prescriptions_by_dentist_share'),
      4,
      n,
    ),
  );

  // The prescriber's specialty on deliveries: the drug lines of ER_PRS_F.
  const fill = await one(
    `SELECT 100 * avg(CASE WHEN PSP_SPE_COD IS NOT NULL AND PSP_SPE_COD <> 0 THEN 1 ELSE 0 END) FROM ER_PRS_F ` +
      `WHERE PRS_NAT_REF IN (3311, 3312, 3313, 3341)`,
  );
  checks.push({
    group,
    name: `prescriber specialty (PSP_SPE_COD) filled on deliveries (at least ${MIN_SPECIALTY_FILL}%)`,
    ok: fill >= MIN_SPECIALTY_FILL,
    value: `${fill.toFixed(1)}%`,
    expected: `≥ ${MIN_SPECIALTY_FILL}%`,
  });

  if (present.has('ER_BIO_F'))
    checks.push(
      breadth('distinct NABM codes billed', await one('SELECT count(DISTINCT BIO_PRS_IDE) FROM ER_BIO_F'), MIN_NABM),
    );
  await ctx.conn.run('DROP TABLE IF EXISTS drug_lines');
  return checks;
}
