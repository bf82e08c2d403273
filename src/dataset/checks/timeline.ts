// Patients in time: what a longitudinal study of the dataset measures against its published figure.
// New ALD entrants, new users of antidiabetics, statin discontinuation, short antidepressant courses,
// secondary prevention after a myocardial infarction, adherence, and the pause of office care and
// deliveries during full stays. Sources: calibration/reference (SOURCES.md), figures cited by name.
import { readCsv } from '../../util/csv.js';
import { referencePath, sampled, shareCheck, Z, type Check, type CheckGroup } from './context.js';

const G = 'timeline';
const DCIR_KEYS =
  'DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF';

/** A published value of one of the reference files, found by its columns. */
function published(file: string, match: Record<string, string>): number {
  const row = readCsv(referencePath(file)).find((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  if (!row) throw new Error(`${file} has no row ${JSON.stringify(match)}`);
  return Number(row.value);
}

/** Deliveries of a substance class: patient, day, sex, birth year (one row per delivery and person). */
const deliveries = (atcLike: string) =>
  `SELECT DISTINCT p.BEN_NIR_PSA AS b, p.EXE_SOI_DTD AS d FROM ER_PHA_F h ` +
  `JOIN IR_PHA_R r ON r.PHA_CIP_C13 = h.PHA_PRS_C13 AND r.PHA_ATC_C07 LIKE '${atcLike}' ` +
  `JOIN ER_PRS_F p USING (${DCIR_KEYS}) WHERE p.PRS_ACT_QTE > 0`;

/** A relative check of a rate against its reference: ±`relative` plus Z Poisson errors of the count. */
function rateCheck(name: string, mine: number, reference: number, count: number, relative: number): Check {
  const sigma = 1 / Math.sqrt(Math.max(1, count));
  const tolerance = relative + Z * sigma;
  return sampled(
    {
      group: G,
      name: `${name} (±${Math.round(relative * 100)}% + sampling)`,
      ok: Math.abs(mine / reference - 1) <= tolerance,
      value: mine.toFixed(2),
      expected: `${(reference * (1 - tolerance)).toFixed(2)}–${(reference * (1 + tolerance)).toFixed(2)}`,
    },
    `±${Math.round(relative * 100)}%`,
    sigma,
    relative,
  );
}

export const timelineChecks: CheckGroup = async (ctx) => {
  const { present, one, rows, firstYear, lastYear } = ctx;
  const checks: Check[] = [];
  const has = (...t: string[]) => t.every((x) => present.has(x));

  // New ALD entrants: people whose first ALD period begins in the year, among the people in ALD that year.
  if (has('IR_IMB_R')) {
    const [[entrants, inAld]] = (await rows(
      `WITH f AS (SELECT BEN_NIR_PSA, min(IMB_ALD_DTD) AS first FROM IR_IMB_R GROUP BY ALL), ` +
        `y AS (SELECT range AS y FROM range(${firstYear}, ${lastYear + 1})), ` +
        `o AS (SELECT DISTINCT y.y, m.BEN_NIR_PSA FROM y, IR_IMB_R m ` +
        `WHERE m.IMB_ALD_DTD <= make_date(y.y, 12, 31) AND m.IMB_ALD_DTF >= make_date(y.y, 1, 1)) ` +
        `SELECT count(*) FILTER (WHERE year(f.first) = o.y), count(*) FROM o JOIN f USING (BEN_NIR_PSA)`,
    )) as number[][];
    // ald_totals_series.csv: 11.1% (2015) of the people in ALD are new entrants; chronic_conditions.csv 12.8% (2016).
    const target =
      (published('ald_totals_series.csv', { year: '2015', measure: 'share_new_entrants_in_ald' }) + 12.8) / 2;
    checks.push(
      shareCheck(
        G,
        `new ALD entrants among people in ALD, per year (ameli_ald_2016: 11.1% in 2015, 12.8% in 2016)`,
        (100 * Number(entrants)) / Math.max(1, Number(inAld)),
        target,
        3,
        Number(inAld),
      ),
    );
  }

  if (!has('ER_PRS_F', 'ER_PHA_F', 'IR_PHA_R', 'IR_BEN_R')) return checks;
  const alive = (y: number, minAge = 0) =>
    `SELECT count(*) FROM IR_BEN_R b WHERE CAST(b.BEN_NAI_ANN AS INTEGER) <= ${y - minAge} ` +
    `AND (b.BEN_DCD_DTE = DATE '1600-01-01' OR year(b.BEN_DCD_DTE) >= ${y})`;

  // New users of antidiabetics at 45+: a first delivery in the year, none in the years before (from the second).
  if (lastYear > firstYear) {
    await ctx.conn.run(`CREATE OR REPLACE TEMP TABLE tl_a10 AS ${deliveries('A10%')}`);
    let newUsers = 0;
    let people = 0;
    for (let y = firstYear + 1; y <= lastYear; y++) {
      newUsers += await one(
        `SELECT count(*) FROM (SELECT b, min(d) AS first FROM tl_a10 GROUP BY b) f JOIN IR_BEN_R r ` +
          `ON r.BEN_NIR_PSA = f.b WHERE year(f.first) = ${y} AND ${y} - CAST(r.BEN_NAI_ANN AS INTEGER) >= 45`,
      );
      people += await one(alive(y, 45));
    }
    // incidence_chronic_events.csv 2017 (spf_fuentes_2020_diabete): 9.7 per 1,000 men, 6.2 per 1,000 women at 45+.
    const men = published('incidence_chronic_events.csv', {
      indicator: 'incidence_rate',
      year: '2017',
      sex: 'M',
      age_group: '45+',
    });
    const women = published('incidence_chronic_events.csv', {
      indicator: 'incidence_rate',
      year: '2017',
      sex: 'F',
      age_group: '45+',
    });
    // Both sexes at 45+, weighted by the Insee 2025 population at 45+ (15.1 M men, 17.4 M women).
    const target = (men * 15.12 + women * 17.37) / (15.12 + 17.37);
    checks.push(
      rateCheck(
        'new users of antidiabetics at 45+ per 1,000 a year (spf_fuentes_2020_diabete, 2017)',
        (1000 * newUsers) / Math.max(1, people),
        target,
        newUsers,
        0.3,
      ),
    );
  }

  // Statins: regular users of a year (3 deliveries or more) who stop within 9 months the next year, a gap of
  // 2 months or more after a delivery's 30 days (bezin_statines_2016: 8.5% in 2011 and 2012).
  await ctx.conn.run(`CREATE OR REPLACE TEMP TABLE tl_statin AS ${deliveries('C10AA%')}`);
  if (lastYear > firstYear) {
    const y = firstYear;
    const [[regular, stopped]] = (await rows(
      `WITH r AS (SELECT b FROM tl_statin WHERE year(d) = ${y} AND b NOT IN (SELECT BEN_NIR_PSA FROM IR_BEN_R ` +
        `WHERE BEN_DCD_DTE <> DATE '1600-01-01') GROUP BY b HAVING count(*) >= 3), ` +
        `n AS (SELECT s.b, s.d, lead(s.d) OVER (PARTITION BY s.b ORDER BY s.d) AS next FROM tl_statin s ` +
        `JOIN r USING (b) WHERE s.d >= make_date(${y}, 12, 1) AND s.b NOT IN (SELECT BEN_NIR_PSA FROM IR_BEN_R ` +
        `WHERE BEN_DCD_DTE <> DATE '1600-01-01')), ` +
        `g AS (SELECT DISTINCT b FROM n WHERE d < make_date(${y + 1}, 10, 1) ` +
        `AND coalesce(next, make_date(${lastYear + 1}, 1, 1)) - d >= 90) ` +
        `SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM g)`,
    )) as number[][];
    const target = published('treatment_persistence_adherence.csv', {
      drug_class: 'Statins (C10AA)',
      indicator: 'discontinuation_within_9_months',
      period: '2012',
    });
    checks.push(
      shareCheck(
        G,
        'regular statin users who stop within 9 months, a gap of 2 months (bezin_statines_2016)',
        (100 * Number(stopped)) / Math.max(1, Number(regular)),
        target,
        5,
        Number(regular),
      ),
    );
  }

  // Antidepressants: incident users of the middle years (none in the year before) whose course is a single
  // delivery (28 days or less), and the courses shorter than 6 months (tournier_2011_ad).
  // Both tables are made whatever the years: the check of suspended care below reads them.
  await ctx.conn.run(`CREATE OR REPLACE TEMP TABLE tl_ad AS ${deliveries('N06A%')}`);
  if (lastYear > firstYear) {
    const [[users, single, under6]] = (await rows(
      `WITH f AS (SELECT b, min(d) AS first FROM tl_ad GROUP BY b), ` +
        `i AS (SELECT * FROM f WHERE first >= make_date(${firstYear + 1}, 1, 1) ` +
        `AND first + 240 < make_date(${lastYear + 1}, 1, 1)), ` +
        `c AS (SELECT a.b, a.d, i.first, a.d - lag(a.d, 1, a.d) OVER (PARTITION BY a.b ORDER BY a.d) AS gap ` +
        `FROM tl_ad a JOIN i USING (b)), ` +
        // A course runs from the first delivery until a gap of more than 60 days.
        `k AS (SELECT b, first, d, sum(CASE WHEN gap > 60 THEN 1 ELSE 0 END) ` +
        `OVER (PARTITION BY b ORDER BY d) AS n FROM c), ` +
        `e AS (SELECT b, count(*) AS deliveries, max(d) + 30 - min(first) AS days FROM k WHERE n = 0 GROUP BY b) ` +
        `SELECT count(*), count(*) FILTER (WHERE deliveries = 1), count(*) FILTER (WHERE days < 182) FROM e`,
    )) as number[][];
    const short = published('treatment_persistence_adherence.csv', {
      drug_class: 'Antidepressants (N06A)',
      indicator: 'share_of_treatments_of_28_days_or_less',
    });
    const sixMonths = published('treatment_persistence_adherence.csv', {
      drug_class: 'Antidepressants (N06A)',
      indicator: 'share_of_treatments_shorter_than_6_months',
    });
    checks.push(
      shareCheck(
        G,
        'incident antidepressant courses of 28 days or less, one delivery (tournier_2011_ad)',
        (100 * Number(single)) / Math.max(1, Number(users)),
        short,
        10,
        Number(users),
      ),
      shareCheck(
        G,
        'incident antidepressant courses shorter than 6 months (tournier_2011_ad)',
        (100 * Number(under6)) / Math.max(1, Number(users)),
        sixMonths,
        10,
        Number(users),
      ),
    );
  }

  // Adherence varies between people: regular statin users of a middle year whose deliveries cover 80% of
  // the year or more (30 days a delivery), against the self-reported optimal adherence (flahs_2012, relay:
  // 56% of people treated for cholesterol); claims and a survey do not measure the same thing, hence ±20.
  if (lastYear > firstYear) {
    const y = firstYear + 1;
    const [[users, covered]] = (await rows(
      `WITH u AS (SELECT b, count(*) AS n FROM tl_statin WHERE year(d) = ${y} GROUP BY b), ` +
        `p AS (SELECT DISTINCT b FROM tl_statin WHERE year(d) = ${y - 1}) ` +
        `SELECT count(*), count(*) FILTER (WHERE n * 30 >= 0.8 * 365) FROM u JOIN p USING (b) WHERE n >= 3`,
    )) as number[][];
    const target = published('treatment_persistence_adherence.csv', {
      drug_class: 'Lipid-lowering drugs',
      indicator: 'self_reported_optimal_adherence',
    });
    checks.push(
      shareCheck(
        G,
        'regular statin users covered 80% of the year or more (flahs_2012, self-reported)',
        (100 * Number(covered)) / Math.max(1, Number(users)),
        target,
        20,
        Number(users),
      ),
    );
  }

  if (has('T_MCOaaB', 'T_MCOaaC')) {
    // Statins within 6 months after a myocardial infarction (egb_idm_2017: 91.1%, MIs of 2007-2011).
    const [[mis, treated]] = (await rows(
      `WITH s AS (SELECT c.NIR_ANO_17 AS b, min(c.EXE_SOI_DTF) AS exit FROM T_MCOaaB m ` +
        `JOIN T_MCOaaC c USING (ETA_NUM, RSA_NUM) WHERE m.DGN_PAL LIKE 'I21%' AND m.SOR_MOD <> '9' ` +
        `AND c.EXE_SOI_DTF + 183 < make_date(${lastYear + 1}, 1, 1) GROUP BY ALL) ` +
        `SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM tl_statin t WHERE t.b = s.b ` +
        `AND t.d BETWEEN s.exit AND s.exit + 183)) FROM s`,
    ).catch(() => [[0, 0]])) as number[][];
    const target = published('treatment_persistence_adherence.csv', {
      drug_class: 'Post-MI secondary prevention: statins',
      indicator: 'share_treated_within_6_months_after_MI',
    });
    checks.push(
      shareCheck(
        G,
        'statin delivered within 6 months after a myocardial infarction (egb_idm_2017)',
        (100 * Number(treated)) / Math.max(1, Number(mis)),
        target,
        8,
        Number(mis),
      ),
    );

    // A full stay suspends office care and pharmacy deliveries: none strictly between entry and exit.
    const during = await one(
      `WITH s AS (SELECT c.NIR_ANO_17 AS b, c.EXE_SOI_DTD AS entry, c.EXE_SOI_DTF AS exit FROM T_MCOaaB m ` +
        `JOIN T_MCOaaC c USING (ETA_NUM, RSA_NUM) ` +
        `WHERE c.EXE_SOI_DTF - c.EXE_SOI_DTD >= 2 AND m.GRG_GHM NOT LIKE '28%'), ` +
        `o AS (SELECT BEN_NIR_PSA AS b, EXE_SOI_DTD AS d FROM ER_PRS_F WHERE PRS_NAT_REF BETWEEN 1100 AND 1199 ` +
        `UNION ALL SELECT b, d FROM tl_ad UNION ALL SELECT b, d FROM tl_statin) ` +
        `SELECT count(*) FROM o JOIN s ON o.b = s.b AND o.d > s.entry AND o.d < s.exit`,
    );
    checks.push({
      group: G,
      name: 'no consultation or delivery (statins, antidepressants) strictly inside a full stay',
      ok: during === 0,
      value: String(during),
      expected: '0',
    });
  }
  if (has('T_MCOaaB', 'T_MCOaaC', 'ER_CAM_F') && lastYear > firstYear) {
    // Prenatal ultrasounds in the 273 days before a delivery stay whose pregnancy lies inside the years
    // (blondel_2012_enp: 5.0 per pregnancy in 2010, sd 2.5).
    const [[women, scans]] = (await rows(
      `WITH d AS (SELECT DISTINCT c.NIR_ANO_17 AS b, c.EXE_SOI_DTD AS entry FROM T_MCOaaB m ` +
        `JOIN T_MCOaaC c USING (ETA_NUM, RSA_NUM) WHERE m.DGN_PAL SIMILAR TO 'O8[0-4].*' ` +
        `AND c.EXE_SOI_DTD - 273 >= make_date(${firstYear}, 1, 1)), ` +
        `u AS (SELECT p.BEN_NIR_PSA AS b, p.EXE_SOI_DTD AS day FROM ER_CAM_F a JOIN ER_PRS_F p USING (${DCIR_KEYS}) ` +
        `WHERE a.CAM_PRS_IDE LIKE 'JQQM%' AND p.PRS_ACT_QTE > 0) ` +
        `SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM d JOIN u ON u.b = d.b ` +
        `AND u.day BETWEEN d.entry - 273 AND d.entry)`,
    )) as number[][];
    const mean = Number(scans) / Math.max(1, Number(women));
    const target = published('care_pathways_perinatal_child.csv', {
      indicator: 'mean_number_of_ultrasounds',
      year: '2010',
    });
    // sd 2.5 per pregnancy (same source): the mean's standard error over the women.
    const se = 2.5 / Math.sqrt(Math.max(1, Number(women)));
    const tolerance = 0.2 * target + Z * se;
    checks.push(
      sampled(
        {
          group: G,
          name: 'prenatal ultrasounds per delivery (blondel_2012_enp, ENP 2010) (±20% + sampling)',
          ok: Math.abs(mean - target) <= tolerance,
          value: mean.toFixed(2),
          expected: `${(target - tolerance).toFixed(2)}–${(target + tolerance).toFixed(2)}`,
        },
        '±20%',
        se,
        0.2 * target,
      ),
    );

    // Infants: three hexavalent doses by 21 months among the children born in the years with 21 months
    // inside them (spf_vaccination_2023: 91.2%, cohort 2021).
    const [[children, vaccinated]] = (await rows(
      `WITH k AS (SELECT BEN_NIR_PSA AS b, ` +
        `make_date(CAST(BEN_NAI_ANN AS INTEGER), CAST(BEN_NAI_MOI AS INTEGER), 1) ` +
        `AS birth FROM IR_BEN_R WHERE CAST(BEN_NAI_ANN AS INTEGER) >= ${firstYear} ` +
        `AND BEN_DCD_DTE = DATE '1600-01-01'), ` +
        `c AS (SELECT * FROM k WHERE birth + INTERVAL 22 MONTH <= make_date(${lastYear + 1}, 1, 1)), ` +
        `h AS (SELECT b, d FROM (${deliveries('J07CA09')})) ` +
        `SELECT count(*), count(*) FILTER (WHERE (SELECT count(*) FROM h WHERE h.b = c.b ` +
        `AND h.d < c.birth + INTERVAL 22 MONTH) >= 3) FROM c`,
    )) as number[][];
    const coverage = published('care_pathways_perinatal_child.csv', {
      indicator: 'hexavalent_dose3_at_21_months',
      year: 'cohort 2021',
    });
    checks.push(
      shareCheck(
        G,
        'children with 3 hexavalent doses by 21 months (spf_vaccination_2023, cohort 2021)',
        (100 * Number(vaccinated)) / Math.max(1, Number(children)),
        coverage,
        5,
        Number(children),
      ),
    );
  }
  return checks;
};
