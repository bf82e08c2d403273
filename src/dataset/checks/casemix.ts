// Hospital coding, deaths, providers and physicians' sectors against their published figures: the V11
// GHM levels and case mix (ATIH 2023 stays by GHM, DREES, IRDES), newborns' groups and weeks, CépiDc
// causes by age and sex, the linkage of certificates, the GPs and pharmacies patients see, and the
// sectors and extra fees of physicians. Each figure's source is in calibration/reference/SOURCES.md.
import { readCsv } from '../../util/csv.js';
import { GP_SPECIALTIES } from '../../model/ambulatory.js';
import { referentialParams } from '../../model/coverage.js';
import { calibration } from '../../model/calibration.js';
import { referencePath, sampled, shareCheck, Z, type Check, type CheckGroup } from './context.js';

const G = 'casemix';
const GP_CODES = GP_SPECIALTIES.join(', ');

/** ATIH's 2023 stays by GHM (dénombrement 2023), summed over the GHMs a predicate keeps. */
function atih(keep: (ghm: string) => boolean): number {
  return readCsv(referencePath('ghm_classification_2023.csv'))
    .filter((r) => keep(r.ghm))
    .reduce((a, r) => a + Number(r.stays_2023 || 0), 0);
}

/** A median age against a reference, within ±`years` plus the median's sampling error (sd `sd` years). */
function medianCheck(name: string, median: number, reference: number, years: number, n: number, sd = 12): Check {
  const sigma = (1.2533 * sd) / Math.sqrt(Math.max(1, n));
  const tolerance = years + Z * sigma;
  return sampled(
    {
      group: G,
      name: `${name} (±${years} years + sampling)`,
      ok: n === 0 || Math.abs(median - reference) <= tolerance,
      value: `${median.toFixed(1)} years over ${n}`,
      expected: `${(reference - tolerance).toFixed(1)}–${(reference + tolerance).toFixed(1)}`,
    },
    `±${years} years`,
    sigma,
    years,
  );
}

export const casemixChecks: CheckGroup = async (ctx) => {
  const out: Check[] = [];
  const has = (...t: string[]) => t.every((x) => ctx.present.has(x));
  const pct = (a: unknown, b: unknown) => (100 * Number(a)) / Math.max(1, Number(b));

  if (has('T_MCOaaB')) {
    const v11 = await ctx.zero(
      G,
      'GHMs without a V11 sixth character (levels 1-4, J, T, Z, E, A-D)',
      `SELECT count(*) FROM T_MCOaaB WHERE NOT regexp_matches(GRG_GHM, '^[0-9]{2}[CMKZH][0-9]{2}[1-4JTZEABCD]$')`,
      'T_MCOaaB',
    );
    if (v11) out.push(v11);
    const rsa = await ctx.zero(
      G,
      'RSA_NUM not a 10-digit integer (1,000,000,000 to 9,999,999,999)',
      `SELECT count(*) FROM T_MCOaaB WHERE TRY_CAST(RSA_NUM AS BIGINT) IS NULL ` +
        `OR TRY_CAST(RSA_NUM AS BIGINT) NOT BETWEEN 1000000000 AND 9999999999`,
      'T_MCOaaB',
    );
    if (rsa) out.push(rsa);

    // Severity levels among the stays at a level (ATIH 2023: 52% at level 1, 6% at level 4).
    const levelled = (g: string) => /[1-4]$/.test(g);
    const ref1 = pct(
      atih((g) => g.endsWith('1')),
      atih(levelled),
    );
    const ref4 = pct(
      atih((g) => g.endsWith('4')),
      atih(levelled),
    );
    const [[lv, l1, l4]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE GRG_GHM LIKE '%1'), count(*) FILTER (WHERE GRG_GHM LIKE '%4') ` +
        `FROM T_MCOaaB WHERE regexp_matches(GRG_GHM, '[1-4]$')`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        `stays at severity level 1 among levels 1-4 vs ATIH 2023 ${ref1.toFixed(1)}%`,
        pct(l1, lv),
        ref1,
        8,
        Number(lv),
      ),
      shareCheck(
        G,
        `stays at severity level 4 among levels 1-4 vs ATIH 2023 ${ref4.toFixed(1)}%`,
        pct(l4, lv),
        ref4,
        4,
        Number(lv),
      ),
    );

    // Surgery: its ambulatory share (J among surgical GHMs) and its weight among 0-night stays.
    const refJ = pct(
      atih((g) => g[2] === 'C' && g.endsWith('J')),
      atih((g) => g[2] === 'C'),
    );
    const [[c, cj]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE GRG_GHM LIKE '%J') FROM T_MCOaaB WHERE substr(GRG_GHM, 3, 1) = 'C'`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        `surgical stays in ambulatory GHMs (J) vs ATIH 2023 ${refJ.toFixed(1)}%`,
        pct(cj, c),
        refJ,
        10,
        Number(c),
      ),
    );
    const refK = pct(
      atih((g) => g[2] === 'K' && g.endsWith('J')),
      atih((g) => g.endsWith('J')),
    );
    const [[j, kj]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE substr(GRG_GHM, 3, 1) = 'K') FROM T_MCOaaB WHERE GRG_GHM LIKE '%J'`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        `interventional (K) among ambulatory GHMs (J) vs ATIH 2023 ${refK.toFixed(1)}%`,
        pct(kj, j),
        refK,
        12,
        Number(j),
      ),
    );

    // Cataract: stays per 100,000 person-years (ATIH 2023) and in private clinics (DREES 2016: 70%).
    const people = has('IR_BEN_R') ? await ctx.one('SELECT count(*) FROM IR_BEN_R') : 0;
    const personYears = people * (ctx.lastYear - ctx.firstYear + 1);
    const cataract = await ctx.one(`SELECT count(*) FROM T_MCOaaB WHERE GRG_GHM LIKE '02C05%'`);
    if (personYears > 0) {
      const ref = (1e5 * atih((g) => g.startsWith('02C05'))) / calibration().population;
      const rate = (1e5 * cataract) / personYears;
      const sigma = (1e5 * Math.sqrt(Math.max(1, (ref * personYears) / 1e5))) / personYears;
      const tolerance = 0.25 * ref + Z * sigma;
      out.push(
        sampled(
          {
            group: G,
            name: `cataract stays (02C05) per 100,000 person-years vs ATIH 2023 ${ref.toFixed(0)} (±25% + sampling)`,
            ok: Math.abs(rate - ref) <= tolerance,
            value: rate.toFixed(0),
            expected: `${(ref - tolerance).toFixed(0)}–${(ref + tolerance).toFixed(0)}`,
          },
          '±25%',
          sigma,
          0.25 * ref,
        ),
      );
    }
    if (has('BE_IDE_R')) {
      const sector = referentialParams().stay_sector;
      const [[s, sp, k, kp]] = (await ctx.rows(
        `SELECT count(*) FILTER (WHERE substr(GRG_GHM, 3, 1) = 'C'), ` +
          `count(*) FILTER (WHERE substr(GRG_GHM, 3, 1) = 'C' AND e.IDE_ETA_TYP = '2'), ` +
          `count(*) FILTER (WHERE GRG_GHM LIKE '02C05%'), ` +
          `count(*) FILTER (WHERE GRG_GHM LIKE '02C05%' AND e.IDE_ETA_TYP = '2') ` +
          `FROM T_MCOaaB b JOIN BE_IDE_R e ON e.IDE_ETA_NUM = b.ETA_NUM`,
      )) as number[][];
      out.push(
        shareCheck(
          G,
          'surgical stays in private for-profit clinics vs DREES 2016 54%',
          pct(sp, s),
          sector.surgery.for_profit,
          6,
          Number(s),
        ),
        shareCheck(
          G,
          'cataract stays in private for-profit clinics vs DREES 2016 70%',
          pct(kp, k),
          sector.cataract.for_profit,
          8,
          Number(k),
        ),
      );
    }

    // Newborns (CMD 15 stays in the first 28 days; older infants' perinatal stays are not newborns'): their
    // group (ATIH 2023: 86.5% in group 1), weight and weeks filled, preterm share.
    const refGroup1 = pct(
      atih((g) => g.startsWith('15M05')),
      atih((g) => /^15M(0[5-9]|1[0-4])/.test(g)),
    );
    const [[nb, g1, noWeight, preterm]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE GRG_GHM LIKE '15M05%'), count(*) FILTER (WHERE POI_NAI IS NULL ` +
        `OR AGE_GES IS NULL), count(*) FILTER (WHERE AGE_GES < 37) FROM T_MCOaaB ` +
        `WHERE regexp_matches(GRG_GHM, '^15M(0[5-9]|1[0-4])') AND AGE_JOU < 29`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        `newborn stays in group 1 (15M05) vs ATIH 2023 ${refGroup1.toFixed(1)}%`,
        pct(g1, nb),
        refGroup1,
        4,
        Number(nb),
      ),
      {
        group: G,
        name: 'newborn stays without a birth weight (POI_NAI) or weeks (AGE_GES)',
        ok: Number(noWeight) === 0,
        value: String(noWeight),
        expected: '0',
      },
      shareCheck(
        G,
        'newborn stays born before 37 weeks vs DREES 2022 6.6% of live births',
        pct(preterm, nb),
        100 * calibration().model.births.preterm_share,
        3,
        Number(nb),
      ),
    );

    // Several medical units for the longer stays (assumed shares, pmsi_units).
    const u = referentialParams().pmsi_units;
    const [[long, multi, expected]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE NBR_RUM > 1), ` +
        `sum(least(${u.max_share}, ${u.base_share} + ${u.per_night} * SEJ_NBJ)) FROM T_MCOaaB ` +
        `WHERE SEJ_NBJ > 0 AND substr(GRG_GHM, 1, 2) <> '28'`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        'stays of a night or more through several medical units (NBR_RUM > 1, assumed pmsi_units)',
        pct(multi, long),
        pct(expected, long),
        3,
        Number(long),
      ),
    );
  }

  if (has('KI_CCI_R')) {
    const age = `(year(BEN_DCD_DTE) - CAST(BEN_NAI_ANN AS INTEGER))`;
    const causes = (where: string) =>
      ctx.rows(
        `SELECT count(*), median(${age}), count(*) FILTER (WHERE BEN_SEX_COD = 1) FROM KI_CCI_R WHERE ${where}`,
      ) as Promise<number[][]>;
    const [[all, allMedian]] = await causes('true');
    const [[tumours, tumourMedian]] = await causes(
      `DCD_CIM_COD LIKE 'C%' OR DCD_CIM_COD < 'D49' AND DCD_CIM_COD >= 'D0'`,
    );
    const [[cardio, cardioMedian]] = await causes(`DCD_CIM_COD LIKE 'I%'`);
    const [[suicides, , suicideMen]] = await causes(`DCD_CIM_COD BETWEEN 'X60' AND 'X849'`);
    const [[road, , roadMen]] = await causes(`DCD_CIM_COD LIKE 'V%'`);
    out.push(
      medianCheck('median age at death vs CépiDc 2022 83', Number(allMedian ?? 0), 83, 2, Number(all), 14),
      medianCheck(
        'median age at death from a tumour vs CépiDc 2022 75',
        Number(tumourMedian ?? 0),
        75,
        3,
        Number(tumours),
      ),
      medianCheck(
        'median age at death from a circulatory disease (I00-I99) vs CépiDc 2022 87',
        Number(cardioMedian ?? 0),
        87,
        3,
        Number(cardio),
        10,
      ),
      shareCheck(G, 'suicides (X60-X84) among deaths vs CépiDc 2022 1.37%', pct(suicides, all), 1.37, 0.6, Number(all)),
      shareCheck(G, 'men among suicides vs ONS 2022 75%', pct(suicideMen, suicides), 75, 10, Number(suicides)),
      shareCheck(G, 'men among road deaths (V01-V99) vs ONISR 2024 77%', pct(roadMen, road), 77, 10, Number(road)),
    );
    const [[n, distinct, linked]] = (await ctx.rows(
      'SELECT count(*), count(DISTINCT DCD_CIM_COD), count(BEN_IDT_ANO) FROM KI_CCI_R',
    )) as number[][];
    const floor = Math.min(100, Math.floor(Number(n) / 10));
    out.push(
      {
        group: G,
        name: 'distinct underlying causes: the long tail (at least one per 10 deaths up to 100, assumed)',
        ok: Number(distinct) >= floor && Number(distinct) <= Number(n),
        value: `${distinct} causes for ${n} deaths`,
        expected: `${floor}–${n}`,
      },
      shareCheck(
        G,
        'certificates linked to a beneficiary vs SNDS documentation 2017 84.3%',
        pct(linked, n),
        100 * calibration().model.deaths.linked_share,
        4,
        Number(n),
      ),
    );
  }

  if (has('ER_PRS_F')) {
    const r = referentialParams();
    // Pharmacies: patients with several deliveries in a year who use more than one pharmacy.
    const [[patients, several]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE n > 1) FROM (SELECT BEN_NIR_PSA, year(EXE_SOI_DTD), ` +
        `count(DISTINCT PFS_EXE_NUM) n, count(DISTINCT EXE_SOI_DTD) d FROM ER_PRS_F WHERE PSE_ACT_NAT = 50 ` +
        `AND PRS_ACT_QTE > 0 GROUP BY ALL) WHERE d >= 4`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        'patients with 4+ pharmacy visits in a year using 2+ pharmacies vs CSA 2007 20% (not always the same)',
        pct(several, patients),
        100 * (1 - r.pharmacy.loyal_share),
        8,
        Number(patients),
      ),
    );
    // GPs: consultations with another GP than the declared one.
    const [[visits, elsewhere]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE PFS_EXE_NUM <> PRS_MTT_NUM) FROM ER_PRS_F ` +
        `WHERE PSE_SPE_COD IN (${GP_CODES}) AND PRS_MTT_NUM IS NOT NULL AND PRS_ACT_QTE > 0 AND BSE_REM_BSE > 0`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        'GP acts by another GP than the declared one (assumed gp.main_share_of_visits)',
        pct(elsewhere, visits),
        100 * (1 - r.gp.main_share_of_visits),
        6,
        Number(visits),
      ),
    );

    // Sectors: extra fees only in sector 2 or with a permanent right, on the published share of acts.
    const s = r.physician_sector;
    const phys =
      'PSE_CNV_COD = 3 AND PFS_EXE_NUM IS NOT NULL AND PRS_ACT_QTE > 0 AND BSE_REM_BSE > 0 AND DPN_QLF <> 71';
    const [[acts, withFee, fees, base]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE PRS_DEP_MNT > 0), sum(PRS_DEP_MNT), sum(BSE_REM_BSE) FROM ER_PRS_F ` +
        `WHERE ${phys} AND CPL_MAJ_TOP = 0 AND PSE_SPE_COD > 0 AND PSE_ACT_NAT = 0`,
    )) as number[][];
    const sector1 = await ctx.one(
      `SELECT count(*) FROM ER_PRS_F WHERE PSE_CNV_COD = 1 AND PRS_DEP_MNT > 0 AND PSE_SPE_COD > 0 AND PSE_ACT_NAT = 0`,
    );
    out.push(
      {
        group: G,
        name: 'extra fees (PRS_DEP_MNT) billed by sector-1 physicians',
        ok: sector1 === 0,
        value: String(sector1),
        expected: '0',
      },
      shareCheck(
        G,
        'sector-2 physicians’ acts with an extra fee vs CNAM 2011 67%',
        pct(withFee, acts),
        100 * s.acts_with_extra_fee,
        5,
        Number(acts),
      ),
      shareCheck(
        G,
        'sector-2 extra fees, % of the tariff vs CNAM 2022 47.9%',
        pct(fees, base),
        100 * s.extra_fee_rate,
        8,
        Number(acts),
      ),
    );
  }

  if (has('DA_PRA_R')) {
    const [[gps, gp2, spe, spe2]] = (await ctx.rows(
      `SELECT count(*) FILTER (WHERE g), count(*) FILTER (WHERE g AND CNV_CNV_COD = '3'), ` +
        `count(*) FILTER (WHERE NOT g), count(*) FILTER (WHERE NOT g AND CNV_CNV_COD = '3') FROM (` +
        `SELECT CAST(PFS_PRA_SPE AS INTEGER) IN (${GP_CODES}) g, CNV_CNV_COD FROM DA_PRA_R ` +
        `WHERE ACT_CAB_COD = '00' AND CAST(PFS_PRA_SPE AS INTEGER) > 0)`,
    )) as number[][];
    const s = referentialParams().physician_sector;
    out.push(
      shareCheck(G, 'GPs in sector 2 vs CNAM 2022 5%', pct(gp2, gps), 100 * s.gp_sector_2, 2, Number(gps)),
      shareCheck(G, 'specialists in sector 2 vs CNAM 2022 51%', pct(spe2, spe), 51, 10, Number(spe)),
    );
    const missing = await ctx.one(
      `SELECT count(*) FROM DA_PRA_R WHERE CNV_CNV_COD IS NULL OR IPP_SEX_COD IS NULL OR EXC_EXC_NAT IS NULL`,
    );
    out.push({
      group: G,
      name: 'professionals without a convention, sex or exercise mode in DA_PRA_R',
      ok: missing === 0,
      value: String(missing),
      expected: '0',
    });
  }
  return out;
};
