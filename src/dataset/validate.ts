// `sndsbench validate`: reads a dataset back with DuckDB and checks it as a user of the SNDS would.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../util/errors.js';
import { schemas } from '../snds/schema.js';
import { openDataset, type DatasetDb } from './validate-db.js';
import { projectPath } from '../util/paths.js';
import { readCsv } from '../util/csv.js';
import { calibration } from '../model/calibration.js';
import { datasetManifests } from '../contracts/dataset.js';
import { sqlString } from '../util/sql.js';
import { checkIntegrity } from './integrity.js';
import { sampled, Z, type Check, type CheckContext, type CheckGroup } from './checks/context.js';
import { calendarChecks } from './checks/calendar.js';
import { coherence } from './checks/coherence.js';
import { pathwayChecks } from './checks/pathway.js';
import { referentialChecks } from './checks/referentials.js';
import { drugChecks } from './checks/drugs.js';
import { ambulatoryChecks } from './checks/ambulatory.js';
import { spendingChecks } from './checks/spending.js';
import { casemixChecks } from './checks/casemix.js';
import { GP_ACT_NATURES } from '../model/ambulatory.js';
import { referentialParams } from '../model/coverage.js';
import { timelineChecks } from './checks/timeline.js';
import { FACT_TABLES } from '../snds/catalog.js';

export type { Check };

/** The groups of checks that follow the structural ones, each in its own module of checks/. */
const GROUPS: CheckGroup[] = [
  coherence,
  pathwayChecks,
  calendarChecks,
  referentialChecks,
  drugChecks,
  ambulatoryChecks,
  spendingChecks,
  casemixChecks,
  timelineChecks,
];

const DCIR_KEYS = [
  'DCT_ORD_NUM',
  'FLX_DIS_DTD',
  'FLX_EMT_NUM',
  'FLX_EMT_ORD',
  'FLX_EMT_TYP',
  'FLX_TRT_DTD',
  'ORG_CLE_NUM',
  'PRS_ORD_NUM',
  'REM_TYP_AFF',
];

/** Columns as a 128-bit fingerprint, two independent 64-bit hashes `h1, h2`: two distinct keys share one
 * with a chance of n²/2^129 (about 10^-23 for 60 million rows), so grouping or joining on it stands for
 * the columns themselves, in a fraction of their memory. */
const fingerprint = (columns: string[]) => `hash(${columns}) AS h1, hash(${columns}, 'again') AS h2`;

const integrity = (name: string, ok: boolean, value: string): Check => ({
  group: 'integrity',
  name,
  ok,
  value,
  expected: 'as in the manifest',
});
const ref = (f: string) => projectPath('calibration', 'reference', f);

export interface ValidateOptions {
  /** DuckDB's memory limit, as DuckDB reads it ("500MB", "2GiB"); beyond it, DuckDB spills to disk. */
  memoryLimit?: string;
}

export async function validate(dir: string, options: ValidateOptions = {}): Promise<Check[]> {
  if (!existsSync(dir)) throw new UsageError(`no dataset at ${dir}`);
  const manifests = datasetManifests(dir);
  if (manifests.length === 0) throw new UsageError(`${dir} has no _manifest.json: not a finished sndsbench dataset`);
  // Integrity first: the other checks read the files, and a damaged one would mislead or stop them.
  const { files, problems: broken } = await checkIntegrity(dir, manifests);
  if (broken.length) return broken.map((b) => integrity(b, false, 'FAILED'));
  const params = JSON.parse(readFileSync(join(dir, manifests[0]), 'utf8')).parameters as { years: string };
  const [firstYear, lastYear] = params.years.split('-').map(Number);
  const dataset = await openDataset(dir, options.memoryLimit);
  try {
    return await runChecks(dataset, dir, firstYear, lastYear, files);
  } finally {
    dataset.close();
  }
}

/** Every check, in order, on the dataset's views. */
async function runChecks(
  { conn, present }: DatasetDb,
  dir: string,
  firstYear: number,
  lastYear: number,
  files: number,
): Promise<Check[]> {
  const checks: Check[] = [
    integrity('every file present, of its size and SHA-256, none unlisted', true, `${files} files`),
  ];
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();
  const one = async (sql: string): Promise<number> => Number((await rows(sql))[0][0] ?? 0);
  const ctx: CheckContext = {
    conn,
    present,
    firstYear,
    lastYear,
    rows,
    one,
    async zero(group, name, sql, ...tables) {
      if (!tables.every((t) => present.has(t))) return null;
      const n = await one(sql);
      return { group, name, ok: n === 0, value: String(n), expected: '0' };
    },
  };
  const zero = async (group: string, name: string, sql: string, ...tables: string[]) => {
    const c = await ctx.zero(group, name, sql, ...tables);
    if (c) checks.push(c);
  };

  // Synthetic by construction: marker in every file and in every pseudonym.
  const unmarked = await one(
    `SELECT count(*) FROM (SELECT file_name FROM parquet_kv_metadata(${sqlString(join(dir, '**', '*.parquet'))}) ` +
      `GROUP BY file_name HAVING count(*) FILTER (WHERE key::VARCHAR = 'synthetic' AND value::VARCHAR = 'true') = 0)`,
  );
  checks.push({
    group: 'synthetic',
    name: 'every file carries synthetic=true',
    ok: unmarked === 0,
    value: `${unmarked} unmarked`,
    expected: '0 unmarked',
  });
  await zero(
    'synthetic',
    'pseudonyms have the SYN marker',
    `SELECT count(*) FROM IR_BEN_R WHERE NOT regexp_full_match(BEN_NIR_PSA, 'SYNP-[0-9A-Z]{12}') ` +
      `OR NOT regexp_full_match(BEN_NIR_ANO, 'SYNA-[0-9A-Z]{12}')`,
    'IR_BEN_R',
  );

  // Schema conformity.
  for (const t of [...present].sort()) {
    const described = (await conn.runAndReadAll(`DESCRIBE ${t}`)).getRowsJS().map((r) => `${r[0]} ${r[1]}`);
    const expected = schemas()
      .get(t)!
      .columns.map((c) => `${c.name} ${c.type}`);
    const diff = expected.filter((e, i) => described[i] !== e).length + Math.abs(described.length - expected.length);
    checks.push({
      group: 'schema',
      name: `${t} columns and types`,
      ok: diff === 0,
      value: `${described.length} columns, ${diff} differ`,
      expected: `${expected.length} columns`,
    });
  }

  // Keys. The DCIR's nine are grouped by their fingerprint: at 200,000 beneficiaries over three years, the
  // hash table of ER_PRS_F's nine columns no longer fits the memory limit, and that of two 64-bit hashes does.
  await zero(
    'keys',
    'ER_PRS_F 9 DCIR keys unique',
    `SELECT count(*) FROM (SELECT ${fingerprint(DCIR_KEYS)} FROM ER_PRS_F GROUP BY ALL HAVING count(*) > 1)`,
    'ER_PRS_F',
  );
  await zero(
    'keys',
    'IR_BEN_R (BEN_NIR_PSA, BEN_RNG_GEM) unique',
    `SELECT count(*) FROM (SELECT BEN_NIR_PSA, BEN_RNG_GEM FROM IR_BEN_R GROUP BY ALL HAVING count(*) > 1)`,
    'IR_BEN_R',
  );
  await zero(
    'keys',
    'T_MCOaaB (ETA_NUM, RSA_NUM) unique',
    `SELECT count(*) FROM (SELECT ETA_NUM, RSA_NUM FROM T_MCOaaB GROUP BY ALL HAVING count(*) > 1)`,
    'T_MCOaaB',
  );
  await zero(
    'keys',
    'KI_CCI_R DCD_IDT_ENC unique',
    `SELECT count(*) FROM (SELECT DCD_IDT_ENC FROM KI_CCI_R GROUP BY ALL HAVING count(*) > 1)`,
    'KI_CCI_R',
  );

  // Referential integrity: rows whose key finds no parent.
  // `fingerprinted`: parents and children matched by the fingerprint of their keys (the DCIR's nine, whose
  // hash table would not fit the memory limit).
  const orphans = (child: string, parent: string, on: string[], parentOn = on, fingerprinted = false) => {
    const [c, p, match] = fingerprinted
      ? [
          `(SELECT ${on.join(', ')}, ${fingerprint(on)} FROM ${child})`,
          `(SELECT ${fingerprint(parentOn)} FROM ${parent})`,
          'p.h1 = c.h1 AND p.h2 = c.h2',
        ]
      : [child, parent, on.map((k, i) => `p.${parentOn[i]} = c.${k}`).join(' AND ')];
    return zero(
      'joins',
      `${child} → ${parent} on ${on.join(', ')}`,
      `SELECT count(*) FROM ${c} c WHERE NOT EXISTS (SELECT 1 FROM ${p} p WHERE ${match}) ` +
        `AND ${on.map((k) => `c.${k} IS NOT NULL`).join(' AND ')}`,
      child,
      parent,
    );
  };
  for (const d of ['ER_PHA_F', 'ER_BIO_F', 'ER_CAM_F', 'ER_ETE_F', 'ER_TRS_F'])
    await orphans(d, 'ER_PRS_F', DCIR_KEYS, DCIR_KEYS, true);
  await orphans('ER_PRS_F', 'IR_BEN_R', ['BEN_NIR_PSA', 'BEN_RNG_GEM']);
  await orphans('IR_IMB_R', 'IR_BEN_R', ['BEN_NIR_PSA', 'BEN_RNG_GEM']);
  for (const d of ['T_MCOaaC', 'T_MCOaaD', 'T_MCOaaA']) await orphans(d, 'T_MCOaaB', ['ETA_NUM', 'RSA_NUM']);
  await orphans('T_MCOaaB', 'T_MCOaaC', ['ETA_NUM', 'RSA_NUM']);
  // A row whose NIR failed the PMSI checks (NIR_RET) carries a placeholder and is left out of the chaining.
  await zero(
    'joins',
    'T_MCOaaC → IR_BEN_R on NIR_ANO_17 (rows without a return code)',
    `SELECT count(*) FROM T_MCOaaC c WHERE NOT c.NIR_RET AND NOT EXISTS ` +
      `(SELECT 1 FROM IR_BEN_R p WHERE p.BEN_NIR_PSA = c.NIR_ANO_17) AND c.NIR_ANO_17 IS NOT NULL`,
    'T_MCOaaC',
    'IR_BEN_R',
  );
  await orphans('KI_CCI_R', 'IR_BEN_R', ['BEN_IDT_ANO']);
  await orphans('KI_ECD_R', 'KI_CCI_R', ['DCD_IDT_ENC']);
  await orphans('ER_PRS_F', 'DA_PRA_R', ['PFS_EXE_NUM'], ['PFS_PFS_NUM']);
  await orphans('ER_PHA_F', 'IR_PHA_R', ['PHA_PRS_C13'], ['PHA_CIP_C13']);
  await orphans('ER_ETE_F', 'BE_IDE_R', ['ETB_EXE_FIN'], ['IDE_ETA_NU8']);
  await orphans('ER_PRS_F', 'IR_NAT_V', ['PRS_NAT_REF'], ['PRS_NAT']);
  await orphans('ER_BIO_F', 'IR_BIO_R', ['BIO_PRS_IDE']);
  await orphans('ER_CAM_F', 'IR_CCAM_V63', ['CAM_PRS_IDE'], ['CAM_PRS_IDE_COD']);
  await orphans('T_MCOaaB', 'MS_CIM_V', ['DGN_PAL'], ['CIM_COD']);
  await orphans('T_MCOaaD', 'MS_CIM_V', ['ASS_DGN'], ['CIM_COD']);
  // GRG_VER 11: the GHMs are those of ATIH's V11 classification of 2023, not of the V9 list MS_GM9_V holds.
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW GHM_V11 AS SELECT ghm FROM read_csv(${sqlString(ref('ghm_classification_2023.csv'))})`,
  );
  present.add('GHM_V11');
  await orphans('T_MCOaaB', 'GHM_V11', ['GRG_GHM'], ['ghm']);
  await orphans('KI_CCI_R', 'IR_CIM_V', ['DCD_CIM_COD'], ['CIM_COD']);
  await orphans('IR_BEN_R', 'IR_DPT_V', ['BEN_RES_DPT'], ['GEO_DPT_COD']);
  await orphans('IR_IMB_R', 'IR_ALD_V', ['IMB_ALD_NUM'], ['ALD_030_COD']);

  // Dates and amounts.
  await zero(
    'dates',
    'EXE_SOI_DTD ≤ EXE_SOI_DTF ≤ FLX_TRT_DTD < FLX_DIS_DTD',
    `SELECT count(*) FROM ER_PRS_F ` +
      `WHERE NOT (EXE_SOI_DTD <= EXE_SOI_DTF AND EXE_SOI_DTF <= FLX_TRT_DTD AND FLX_TRT_DTD < FLX_DIS_DTD)`,
    'ER_PRS_F',
  );
  await zero(
    'dates',
    'FLX_DIS_DTD is the first of a month',
    `SELECT count(*) FROM ER_PRS_F WHERE day(FLX_DIS_DTD) <> 1`,
    'ER_PRS_F',
  );
  await zero(
    'dates',
    'no DCIR care after death',
    `SELECT count(*) FROM ER_PRS_F WHERE BEN_DCD_DTE <> DATE '1600-01-01' AND EXE_SOI_DTD > BEN_DCD_DTE`,
    'ER_PRS_F',
  );
  await zero(
    'dates',
    'no DCIR care before birth year',
    `SELECT count(*) FROM ER_PRS_F WHERE year(EXE_SOI_DTD) < CAST(BEN_NAI_ANN AS INTEGER)`,
    'ER_PRS_F',
  );
  await zero(
    'dates',
    'no hospital stay after death',
    `SELECT count(*) FROM T_MCOaaC c JOIN IR_BEN_R b ON b.BEN_NIR_PSA = c.NIR_ANO_17 ` +
      `WHERE b.BEN_DCD_DTE <> DATE '1600-01-01' AND c.EXE_SOI_DTF > b.BEN_DCD_DTE`,
    'T_MCOaaC',
    'IR_BEN_R',
  );
  await zero(
    'dates',
    'PMSI ENT_DAT/SOR_DAT are DDMMYYYY of EXE_SOI_DTD/DTF',
    `SELECT count(*) FROM T_MCOaaC ` +
      `WHERE strftime(EXE_SOI_DTD, '%d%m%Y') <> ENT_DAT OR strftime(EXE_SOI_DTF, '%d%m%Y') <> SOR_DAT`,
    'T_MCOaaC',
  );
  await zero(
    'dates',
    'death dates inside the generated years',
    `SELECT count(*) FROM KI_CCI_R WHERE year(BEN_DCD_DTE) NOT BETWEEN ${firstYear} AND ${lastYear}`,
    'KI_CCI_R',
  );
  await zero(
    'amounts',
    'reimbursed ≤ paid, amounts ≥ 0 (≤ 0 on the regularisation lines, of negative quantity)',
    `SELECT count(*) FROM (SELECT *, CASE WHEN PRS_ACT_QTE < 0 THEN -1 ELSE 1 END AS s FROM ER_PRS_F) ` +
      `WHERE NOT (s * BSE_REM_MNT <= s * PRS_PAI_MNT AND s * BSE_REM_MNT >= 0 AND s * PRS_DEP_MNT >= 0)`,
    'ER_PRS_F',
  );
  await zero(
    'amounts',
    'reimbursement rates in 0–100',
    `SELECT count(*) FROM ER_PRS_F WHERE RGO_REM_TAU NOT BETWEEN 0 AND 100`,
    'ER_PRS_F',
  );

  if (present.has('IR_BEN_R')) checks.push(...(await marginals(conn, firstYear, lastYear, present)));
  for (const group of GROUPS) checks.push(...(await group(ctx)));
  return checks;
}

/** Marginals against the published statistics, with the tolerances stated in each check. */
async function marginals(
  conn: DuckDBConnection,
  firstYear: number,
  lastYear: number,
  present: Set<string>,
): Promise<Check[]> {
  const checks: Check[] = [];
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();
  // Alive on 1 January of year yrs.y.
  const aliveIn =
    "CAST(b.BEN_NAI_ANN AS INTEGER) < yrs.y AND (b.BEN_DCD_DTE = DATE '1600-01-01' OR year(b.BEN_DCD_DTE) >= yrs.y)";
  // Alive on 1 January of the first year (born before it), by Insee 5-year band and sex.
  const insee = readCsv(ref('population_age_sex.csv')).filter((r) => r.year === '2025');
  const inseeTotal = insee.reduce((s, r) => s + Number(r.population), 0);
  const ours = new Map<string, number>();
  let total = 0;
  for (const [band, sex, n] of await rows(
    `SELECT least(95, 5 * floor((${firstYear} - 1 - CAST(BEN_NAI_ANN AS INTEGER)) / 5)) AS band, BEN_SEX_COD, ` +
      `count(*) FROM IR_BEN_R WHERE BEN_DTE_INS = DATE '1600-01-01' GROUP BY ALL`,
  )) {
    ours.set(`${band}:${sex}`, Number(n));
    total += Number(n);
  }
  // Each cell against 1 point plus its own binomial sampling error.
  let [worst, worstRatio, widest] = [0, 0, 0];
  for (const r of insee) {
    const share = (100 * Number(r.population)) / inseeTotal;
    const mine = (100 * (ours.get(`${r.age_min}:${r.sex === 'M' ? 1 : 2}`) ?? 0)) / Math.max(1, total);
    const sigma = 100 * Math.sqrt(((share / 100) * (1 - share / 100)) / Math.max(1, total));
    worst = Math.max(worst, Math.abs(share - mine));
    worstRatio = Math.max(worstRatio, Math.abs(share - mine) / (1 + Z * sigma));
    widest = Math.max(widest, sigma);
  }
  checks.push(
    sampled(
      {
        group: 'marginals',
        name: 'age band × sex shares vs Insee 2025 (±1 point + sampling)',
        ok: worstRatio <= 1,
        value: `max gap ${worst.toFixed(2)} pt`,
        expected: `≤ 1 pt + up to ${(Z * widest).toFixed(2)} pt at ${total.toLocaleString('en')} people`,
      },
      '±1 point',
      widest,
      1,
    ),
  );

  // Person-years alive in the generated years.
  const entry =
    `greatest(DATE '${firstYear}-01-01', ` +
    `CASE WHEN BEN_DTE_INS <> DATE '1600-01-01' THEN BEN_DTE_INS ELSE DATE '${firstYear}-01-01' END)`;
  const exit = `CASE WHEN BEN_DCD_DTE <> DATE '1600-01-01' THEN BEN_DCD_DTE ELSE DATE '${lastYear + 1}-01-01' END`;
  const personYears = Number(
    (await rows(`SELECT sum(greatest(0, datediff('day', ${entry}, ${exit}))) / 365.25 FROM IR_BEN_R`))[0][0],
  );
  if (present.has('ER_PRS_F')) {
    // Visits per person vary far more than a Poisson draw (conditions add visits): the sampling error of
    // the mean comes from their observed spread over people.
    const [[visited, gp, squares]] = await rows(
      'SELECT count(*), sum(n), sum(n * n) FROM ' +
        `(SELECT BEN_NIR_PSA, count(*) AS n FROM ER_PRS_F WHERE PRS_NAT_REF IN (${GP_ACT_NATURES}) GROUP BY ALL)`,
    );
    const people = Math.max(Number(visited), Number((await rows('SELECT count(*) FROM IR_BEN_R'))[0][0]));
    const perPerson = Number(gp) / people;
    const spread = Math.sqrt(Math.max(0, Number(squares) / people - perPerson ** 2));
    const relative = spread / Math.sqrt(people) / Math.max(perPerson, 1e-9);
    const mean = Number(gp) / personYears;
    const target = calibration().model.gp.target_per_person_year;
    const tolerance = 0.1 + Z * relative;
    checks.push(
      sampled(
        {
          group: 'marginals',
          name: `GP consultations per person-year vs ${target} (±10% + sampling)`,
          ok: Math.abs(mean / target - 1) <= tolerance,
          value: mean.toFixed(2),
          expected: `${(target * (1 - tolerance)).toFixed(2)}–${(target * (1 + tolerance)).toFixed(2)}`,
        },
        '±10%',
        relative,
        0.1,
      ),
    );
  }
  const dcir = FACT_TABLES.filter((t) => t.startsWith('ER_'));
  if (dcir.every((t) => present.has(t))) {
    // The DCIR's volume: every row of its tables, against the published rows a year per inhabitant. Detail
    // tables carry no beneficiary: the spread over people is ER_PRS_F's, which drives the others.
    let total = 0;
    for (const t of dcir) total += Number((await rows(`SELECT count(*) FROM ${t}`))[0][0]);
    const [[people, lines, squares]] = await rows(
      'SELECT count(*), sum(n), sum(n * n) FROM (SELECT BEN_NIR_PSA, count(*) AS n FROM ER_PRS_F GROUP BY ALL)',
    );
    const v = referentialParams().dcir_volume;
    const perPerson = Number(lines) / Number(people);
    const spread = Math.sqrt(Math.max(0, Number(squares) / Number(people) - perPerson ** 2));
    const relative = spread / Math.sqrt(Number(people)) / Math.max(perPerson, 1e-9);
    const mean = total / personYears;
    const target = v.rows_per_person_year;
    const tolerance = v.tolerance + Z * relative;
    const stated = `±${100 * v.tolerance}%`;
    const what = `DCIR rows per person-year (${dcir.length} tables) vs ${target}`;
    checks.push(
      sampled(
        {
          group: 'marginals',
          name: `${what} (cnam_xdata_2019, ${stated} + sampling)`,
          ok: Math.abs(mean / target - 1) <= tolerance,
          value: mean.toFixed(1),
          expected: `${(target * (1 - tolerance)).toFixed(1)}–${(target * (1 + tolerance)).toFixed(1)}`,
        },
        stated,
        relative,
        v.tolerance,
      ),
    );
  }
  if (present.has('ER_PHA_F') && present.has('IR_PHA_R') && present.has('ER_PRS_F')) {
    const [[treated, alive]] = await rows(`
      WITH a10 AS (SELECT DISTINCT year(p.EXE_SOI_DTD) AS y, p.BEN_NIR_PSA FROM ER_PHA_F h
        JOIN IR_PHA_R r ON r.PHA_CIP_C13 = h.PHA_PRS_C13 AND r.PHA_ATC_C07 LIKE 'A10%'
        JOIN ER_PRS_F p USING (${DCIR_KEYS.join(', ')})),
      yrs AS (SELECT range AS y FROM range(${firstYear}, ${lastYear + 1})),
      alive AS (SELECT yrs.y, count(*) AS n FROM yrs, IR_BEN_R b WHERE ${aliveIn} GROUP BY yrs.y)
      SELECT (SELECT count(*) FROM a10), (SELECT sum(n) FROM alive)`);
    const prevalence = (100 * Number(treated)) / Number(alive);
    const target = 5.4;
    // Binomial over the people alive in a year: the same people are counted again in each year.
    const people = Number(alive) / (lastYear - firstYear + 1);
    const sigma = 100 * Math.sqrt(((target / 100) * (1 - target / 100)) / Math.max(1, people));
    const tolerance = 0.5 + Z * sigma;
    checks.push(
      sampled(
        {
          group: 'marginals',
          name: `treated diabetes prevalence vs ${target}% (±0.5 point + sampling)`,
          ok: Math.abs(prevalence - target) <= tolerance,
          value: `${prevalence.toFixed(2)}%`,
          expected: `${(target - tolerance).toFixed(2)}–${(target + tolerance).toFixed(2)}%`,
        },
        '±0.5 point',
        sigma,
        0.5,
      ),
    );
  }
  // Deaths per 1,000 alive on 1 January, against Insee's deaths / population of the nearest year.
  const stats = readCsv(ref('births_life_expectancy.csv'));
  const deaths = new Map(
    stats
      .filter((r) => r.indicator === 'deaths' && r.geo === 'France (métropole + DOM)')
      .map((r) => [+r.year, +r.value]),
  );
  const pop = new Map(stats.filter((r) => r.indicator === 'population_1_january').map((r) => [+r.year, +r.value]));
  const years = [...deaths.keys()].filter((y) => pop.has(y));
  const expected = years.reduce((s, y) => s + (1000 * deaths.get(y)!) / pop.get(y)!, 0) / years.length;
  const [[dead, exposed]] = await rows(`
    WITH yrs AS (SELECT range AS y FROM range(${firstYear}, ${lastYear + 1}))
    SELECT count(*) FILTER (WHERE b.BEN_DCD_DTE <> DATE '1600-01-01' AND year(b.BEN_DCD_DTE) = yrs.y),
           count(*) FILTER (WHERE ${aliveIn})
    FROM yrs, IR_BEN_R b`);
  const rate = (1000 * Number(dead)) / Number(exposed);
  // Deaths are a Poisson count: relative error 1/√(expected deaths).
  const relative = 1 / Math.sqrt(Math.max(1, (expected * Number(exposed)) / 1000));
  const tolerance = 0.1 + Z * relative;
  checks.push(
    sampled(
      {
        group: 'marginals',
        name: `deaths per 1,000 vs Insee ${expected.toFixed(2)} (±10% + sampling)`,
        ok: Math.abs(rate / expected - 1) <= tolerance,
        value: rate.toFixed(2),
        expected: `${(expected * (1 - tolerance)).toFixed(2)}–${(expected * (1 + tolerance)).toFixed(2)}`,
      },
      '±10%',
      relative,
      0.1,
    ),
  );
  return checks;
}

export function printChecks(checks: Check[]): void {
  const w = Math.max(...checks.map((c) => c.group.length + c.name.length + 3));
  for (const c of checks)
    console.log(
      `${c.ok ? 'PASS' : 'FAIL'}  ${`${c.group}: ${c.name}`.padEnd(w)}  ${c.value}  (expected ${c.expected})`,
    );
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`${checks.length - failed} passed, ${failed} failed`);
}
