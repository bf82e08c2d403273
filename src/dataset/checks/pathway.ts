// The care pathway: deaths against the stays that end in them, newborns against their stay at birth,
// deliveries against births, and the hospital's marginals (place of death, people hospitalised,
// stays per person, length of stay by age, the share of tumour, obstetric and séance stays).
import { calibration } from '../../model/calibration.js';
import { sampled, shareCheck, Z, type Check, type CheckGroup } from './context.js';

const G = 'pathway';
const NO_DATE = "DATE '1600-01-01'";
const SEANCE_DP = "('Z511', 'Z510', 'Z491')";
const TUMOUR = "(DGN_PAL LIKE 'C%' OR (DGN_PAL LIKE 'D%' AND DGN_PAL < 'D5'))";

/** Stays with their patient and dates (T_MCOaaB joined to T_MCOaaC). */
const STAYS =
  'SELECT b.*, c.NIR_ANO_17 AS psa, c.EXE_SOI_DTD AS entry, c.EXE_SOI_DTF AS exit ' +
  'FROM T_MCOaaB b JOIN T_MCOaaC c USING (ETA_NUM, RSA_NUM)';

/** Reference figures (calibration/reference, see SOURCES.md). */
const REF = {
  // place_of_death.csv 2016 (Insee): health establishment, home, retirement home, public road.
  place: { hospital: 59.2, home: 26.0, retirement: 13.5, road: 1.3 },
  // hospital_patients.csv: 17% of the population in MCO (2012), 1.5 stays per hospitalised person (2013, 2020).
  hospitalised: 17,
  staysPerPatient: 1.5,
  // hospital_stays_mco.csv 2013 (DREES): tumours 1,279,500 and obstetrics 874,900 + 384,600 (O80) of 16,855,300.
  tumour: (100 * 1279500) / 16855300,
  obstetric: (100 * (874900 + 384600)) / 16855300,
  // hospital_patients.csv: 29.9 M stays and séances (2019) against 18.5 M stays (2018).
  seances: (100 * (29.9 - 18.5)) / 29.9,
  // hospital_deaths.csv: 84% of 2013's decedents hospitalised in their last year.
  lastYear: 84,
};

export const pathwayChecks: CheckGroup = async (ctx) => {
  const { present, one, rows } = ctx;
  const checks: Check[] = [];
  const has = (...t: string[]) => t.every((x) => present.has(x));
  if (!has('IR_BEN_R', 'T_MCOaaB', 'T_MCOaaC')) return checks;
  const stays = `(${STAYS})`;

  // Hard failures: every stay ending in death ends on the person's death date.
  const badDeaths = await one(
    `SELECT count(*) FROM ${stays} s JOIN IR_BEN_R b ON b.BEN_NIR_PSA = s.psa ` +
      `WHERE s.SOR_MOD = '9' AND (b.BEN_DCD_DTE = ${NO_DATE} OR s.exit <> b.BEN_DCD_DTE)`,
  );
  checks.push({
    group: G,
    name: 'stays ending in death (SOR_MOD 9) end on the death date',
    ok: badDeaths === 0,
    value: String(badDeaths),
    expected: '0',
  });
  if (has('KI_CCI_R')) {
    const [[inHospital, withStay]] = await rows(
      `SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${stays} s ` +
        'JOIN IR_BEN_R b ON b.BEN_NIR_PSA = s.psa ' +
        `WHERE b.BEN_NIR_ANO = k.BEN_NIR_ANO AND s.SOR_MOD = '9' AND s.exit = k.BEN_DCD_DTE)) ` +
        'FROM KI_CCI_R k WHERE k.DCD_LIE_COD IN (2, 3) AND k.BEN_NIR_ANO IS NOT NULL',
    );
    const share = (100 * Number(withStay)) / Math.max(1, Number(inHospital));
    // 86% of hospital deaths are in MCO (hospital_deaths.csv); the others are in SSR and HAD, not generated.
    checks.push({
      group: G,
      name: 'linked deaths in a health establishment (DCD_LIE_COD 2, 3) with an MCO stay ending in death that day',
      ok: Number(inHospital) === 0 || share >= 80,
      value: `${share.toFixed(1)}% of ${inHospital}`,
      expected: '≥ 80% (86% of hospital deaths are in MCO)',
    });
  }
  const [[newborns, missing]] = await rows(
    `SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ${stays} s WHERE s.psa = b.BEN_NIR_PSA ` +
      `AND substr(s.GRG_GHM, 1, 2) = '15' AND s.entry = b.BEN_DTE_INS)) FROM IR_BEN_R b ` +
      `WHERE b.BEN_DTE_INS <> ${NO_DATE}`,
  );
  // A stay whose NIR failed the PMSI checks (NIR_RET) cannot be chained to its newborn.
  const unchained = await one(
    `SELECT count(*) FROM T_MCOaaB b JOIN T_MCOaaC c USING (ETA_NUM, RSA_NUM) ` +
      `WHERE c.NIR_RET AND substr(b.GRG_GHM, 1, 2) = '15'`,
  );
  checks.push({
    group: G,
    name:
      'each newborn has its stay at birth (CMD 15: Z38, P07 if preterm or light), ' +
      'but for the stays with a NIR return code',
    ok: Number(missing) <= unchained,
    value: `${missing} of ${newborns} without`,
    expected: `≤ ${unchained}`,
  });
  // Deliveries against births: both Poisson counts; births = deliveries × (1 + multiple share).
  const deliveries = await one(`SELECT count(*) FROM ${stays} s WHERE regexp_matches(s.DGN_PAL, '^O8[0-4]')`);
  const multiple = calibration().model.births.multiple_share;
  const expectedDeliveries = Number(newborns) / (1 + multiple);
  const relative = Math.sqrt(1 / Math.max(1, deliveries) + 1 / Math.max(1, Number(newborns)));
  const tolerance = 0.1 + Z * relative;
  checks.push({
    group: G,
    name: 'deliveries (DP O80–O84) against the newborns of IR_BEN_R (±10% + sampling)',
    ok: Number(newborns) === 0 || Math.abs(deliveries / expectedDeliveries - 1) <= tolerance,
    value: `${deliveries} for ${newborns} births`,
    expected: `${Math.round(expectedDeliveries * (1 - tolerance))}–${Math.round(expectedDeliveries * (1 + tolerance))}`,
  });

  // Marginals.
  if (has('KI_CCI_R')) {
    const [[n, hospital, home, retirement, road]] = await rows(
      'SELECT count(*), count(*) FILTER (WHERE DCD_LIE_COD IN (2, 3)), count(*) FILTER (WHERE DCD_LIE_COD = 1), ' +
        'count(*) FILTER (WHERE DCD_LIE_COD = 4), count(*) FILTER (WHERE DCD_LIE_COD = 5) FROM KI_CCI_R',
    );
    const pct = (x: unknown) => (100 * Number(x)) / Math.max(1, Number(n));
    const deaths = Number(n);
    checks.push(
      shareCheck(
        G,
        'deaths in a health establishment vs Insee 2016 59.2%',
        pct(hospital),
        REF.place.hospital,
        3,
        deaths,
      ),
      shareCheck(G, 'deaths at home vs Insee 2016 26%', pct(home), REF.place.home, 3, deaths),
      shareCheck(
        G,
        'deaths in a retirement home vs Insee 2016 13.5%',
        pct(retirement),
        REF.place.retirement,
        3,
        deaths,
      ),
      shareCheck(G, 'deaths on the public road vs Insee 2016 1.3%', pct(road), REF.place.road, 1, deaths),
    );
    const [[dead, hospitalised]] = await rows(
      `SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${stays} s WHERE s.psa = b.BEN_NIR_PSA ` +
        `AND s.exit BETWEEN b.BEN_DCD_DTE - 365 AND b.BEN_DCD_DTE)) FROM IR_BEN_R b ` +
        `WHERE b.BEN_DCD_DTE <> ${NO_DATE} AND year(b.BEN_DCD_DTE) > ${ctx.firstYear}`,
    );
    checks.push(
      shareCheck(
        G,
        'decedents hospitalised in their last year vs 84% (2013)',
        (100 * Number(hospitalised)) / Math.max(1, Number(dead)),
        REF.lastYear,
        5,
        Number(dead),
      ),
    );
  }

  // People hospitalised a year and stays per hospitalised person (MCO, séances apart).
  const [[alive, patients, staysN, squares]] = await rows(`
    WITH yrs AS (SELECT range AS y FROM range(${ctx.firstYear}, ${ctx.lastYear + 1})),
    per AS (SELECT psa, year(exit) AS y, count(*) AS n FROM ${stays} s WHERE s.DGN_PAL NOT IN ${SEANCE_DP} GROUP BY ALL)
    SELECT (SELECT count(*) FROM yrs, IR_BEN_R b WHERE CAST(b.BEN_NAI_ANN AS INTEGER) <= yrs.y
              AND (b.BEN_DCD_DTE = ${NO_DATE} OR year(b.BEN_DCD_DTE) >= yrs.y)),
           count(*), sum(n), sum(n * n) FROM per`);
  const share = (100 * Number(patients)) / Math.max(1, Number(alive));
  const peopleYears = Number(alive) / (ctx.lastYear - ctx.firstYear + 1);
  checks.push(
    relativeCheck(
      'share of people hospitalised in a year (MCO) vs 17% (2012)',
      share,
      REF.hospitalised,
      (() => {
        const p = REF.hospitalised / 100;
        return Math.sqrt((p * (1 - p)) / Math.max(1, peopleYears)) / p;
      })(),
    ),
  );
  const perPatient = Number(staysN) / Math.max(1, Number(patients));
  const spread = Math.sqrt(Math.max(0, Number(squares) / Math.max(1, Number(patients)) - perPatient ** 2));
  checks.push(
    relativeCheck(
      'stays per hospitalised person vs 1.5 (2013)',
      perPatient,
      REF.staysPerPatient,
      spread / Math.sqrt(Math.max(1, Number(patients))) / perPatient,
    ),
  );

  // Length of stay increases with age (full hospitalisation, séances apart), by the model's age bands: a band
  // may fall below the one before by no more than the sampling error of the difference (Z standard errors).
  const bands = calibration().model.age_bands;
  const los = await rows(
    `SELECT ${bandCase(bands)} AS band, avg(SEJ_NBJ), coalesce(var_samp(SEJ_NBJ), 0), count(*) FROM ${stays} s ` +
      `WHERE SEJ_NBJ > 0 AND s.DGN_PAL NOT IN ${SEANCE_DP} GROUP BY ALL ORDER BY 1`,
  );
  const means = los.map((r) => Number(r[1]));
  const se = los.map((r) => Math.sqrt(Number(r[2]) / Math.max(1, Number(r[3]))));
  const rising = means.every((m, i) => i === 0 || m >= means[i - 1] - Z * Math.hypot(se[i], se[i - 1]));
  const last = means.length - 1;
  checks.push({
    group: G,
    name: 'mean nights of a full hospitalisation rise with age (band to band, within sampling)',
    ok: rising && means[last] - means[0] > Z * Math.hypot(se[last], se[0]),
    value: means.map((m) => m.toFixed(1)).join(' → '),
    expected: 'non-decreasing, the oldest above the youngest',
  });

  // Shares of the main diagnosis among stays (séances apart), and of séances among all rows.
  const [[seances, notSeance, tumour, obstetric]] = await rows(
    `SELECT sum(CASE WHEN DGN_PAL IN ${SEANCE_DP} THEN greatest(1, NBR_SEA) ELSE 0 END), ` +
      `count(*) FILTER (WHERE DGN_PAL NOT IN ${SEANCE_DP}), ` +
      `count(*) FILTER (WHERE DGN_PAL NOT IN ${SEANCE_DP} AND ${TUMOUR}), ` +
      `count(*) FILTER (WHERE DGN_PAL LIKE 'O%') FROM T_MCOaaB`,
  );
  const all = Number(seances) + Number(notSeance);
  const of = (x: unknown, n: unknown) => (100 * Number(x)) / Math.max(1, Number(n));
  checks.push(
    shareCheck(
      G,
      'tumour stays (DP C00–D48) vs DREES 2013 7.6%',
      of(tumour, notSeance),
      REF.tumour,
      2,
      Number(notSeance),
    ),
    shareCheck(
      G,
      'obstetric stays (DP O) vs DREES 2013 7.5%',
      of(obstetric, notSeance),
      REF.obstetric,
      2,
      Number(notSeance),
    ),
  );
  // Séances cluster on few patients (dialysis: about 150 a year each): the binomial error is widened ×5.
  const seanceShare = of(seances, all);
  const check = shareCheck(
    G,
    'séances (CMD 28, NBR_SEA) among stays and séances vs 38% (2019)',
    seanceShare,
    REF.seances,
    5,
    Number(all) / 25,
  );
  checks.push(check);
  return checks;
};

function relativeCheck(name: string, mine: number, reference: number, relativeSigma: number): Check {
  const tolerance = 0.1 + Z * relativeSigma;
  return sampled(
    {
      group: G,
      name: `${name} (±10% + sampling)`,
      ok: Math.abs(mine / reference - 1) <= tolerance,
      value: mine.toFixed(2),
      expected: `${(reference * (1 - tolerance)).toFixed(2)}–${(reference * (1 + tolerance)).toFixed(2)}`,
    },
    '±10%',
    relativeSigma,
    0.1,
  );
}

/** SQL: the index of the model's age band of AGE_ANN. */
function bandCase(bands: number[]): string {
  return `CASE ${bands
    .map((b, i) => [b, i] as const)
    .reverse()
    .map(([b, i]) => `WHEN AGE_ANN >= ${b} THEN ${i}`)
    .join(' ')} END`;
}
