// The referentials and the analyst columns against their published figures: professionals' density,
// care near home, médecin traitant, C2S, AME, schemes, ALD prevalence and natures, exonerations, PMSI
// modes and return codes, the claim flows' tail, regularisations, and the hospital's breadth. Figures
// from calibration/referentials.json (each with its source in calibration/reference/SOURCES.md).
import { referentialParams } from '../../model/coverage.js';
import { deptShares } from '../../model/geography.js';
import { calibration } from '../../model/calibration.js';
import { metProviders } from '../../model/providers.js';
import { GP_SPECIALTIES } from '../../model/ambulatory.js';
import { shareCheck, type Check, type CheckContext, type CheckGroup } from './context.js';

const G = 'referentials';
const NO_DATE = "DATE '1600-01-01'";
const ALD_EXO = '(41, 42, 43, 44, 45, 46)';
const GP_CODES = `(${GP_SPECIALTIES.map((c) => `'${String(c).padStart(2, '0')}'`).join(', ')})`;

/** Below this many person-years, the breadth of codes (DP, GHM, CCAM) is not judged. */
const BREADTH_PERSON_YEARS = 150_000;
const BREADTH = { dp: 250, ghm: 200, ccam: 150 };

export const referentialChecks: CheckGroup = async (ctx) => {
  const out: Check[] = [];
  const has = (...t: string[]) => t.every((x) => ctx.present.has(x));
  const r = referentialParams();
  const people = has('IR_BEN_R') ? await ctx.one('SELECT count(*) FROM IR_BEN_R') : 0;
  if (!people) return out;
  const years = ctx.lastYear - ctx.firstYear + 1;

  if (has('DA_PRA_R')) {
    // The GPs a sample of this size meets: of each département's GPs at the published density, those
    // its sampled patients see (providers.ts); all of them at full scale.
    const population = calibration().population;
    const expected = [...deptShares().values()].reduce(
      (s, sh) =>
        s + metProviders((population * sh * r.density_per_100k.gp.value) / 1e5, people * sh, r.sample_contacts.gp),
      0,
    );
    const gps = await ctx.one(`SELECT count(*) FROM DA_PRA_R WHERE PFS_PRA_SPE IN ${GP_CODES}`);
    out.push({
      group: G,
      name:
        `GPs a sample meets: ${r.density_per_100k.gp.value} per 100,000 inhabitants (drees_demo_2023_relay), ` +
        `each patient meeting ${r.sample_contacts.gp} (assumed) (±10%)`,
      ok: Math.abs(gps / expected - 1) <= 0.1,
      value: `${gps} GPs (${(gps / Math.max(1, people)).toFixed(2)} per beneficiary)`,
      expected: `${Math.round(expected)}`,
    });
    // The practice's postal code against the residence: 75000 ~ 075, 97100 ~ 971, 20000 ~ 02A and 02B.
    const without = await ctx.one(
      `SELECT count(DISTINCT BEN_RES_DPT) FROM IR_BEN_R b WHERE NOT EXISTS (SELECT 1 FROM DA_PRA_R g ` +
        `WHERE g.PFS_PRA_SPE IN ${GP_CODES} AND CASE ` +
        `WHEN b.BEN_RES_DPT LIKE '97%' THEN left(g.PFS_COD_POS, 3) = b.BEN_RES_DPT ` +
        `WHEN b.BEN_RES_DPT IN ('02A', '02B') THEN left(g.PFS_COD_POS, 2) = '20' ` +
        `ELSE left(g.PFS_COD_POS, 2) = right(b.BEN_RES_DPT, 2) END)`,
    );
    out.push({
      group: G,
      name: 'a GP in every département the beneficiaries live in',
      ok: without === 0,
      value: `${without} départements without`,
      expected: '0',
    });
  }

  if (has('T_MCOaaB', 'T_MCOaaC', 'BE_IDE_R')) {
    const [[n, own]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE e.IDE_IMP_DPT = b.BEN_RES_DPT) FROM T_MCOaaC c ` +
        `JOIN IR_BEN_R b ON b.BEN_NIR_PSA = c.NIR_ANO_17 JOIN BE_IDE_R e ON e.IDE_ETA_NUM = c.ETA_NUM`,
    )) as number[][];
    const p = r.care_place;
    // Stays in the region land in the home département once in the region's number of départements (about 8).
    const expected = 100 * (p.own_departement + p.own_region / 8);
    out.push(
      shareCheck(
        G,
        'stays in the département of residence (assumed, care_place)',
        (100 * Number(own)) / Math.max(1, Number(n)),
        expected,
        4,
        Number(n),
      ),
    );
  }

  if (has('ER_PRS_F')) {
    if (years > 1) {
      const [[pairs, changed]] = (await ctx.rows(
        `WITH g AS (SELECT BEN_NIR_PSA, year(EXE_SOI_DTD) AS y, min(PRS_MTT_NUM) AS gp FROM ER_PRS_F ` +
          `WHERE PRS_MTT_NUM IS NOT NULL GROUP BY ALL) ` +
          `SELECT count(*), count(*) FILTER (WHERE a.gp <> b.gp) FROM g a JOIN g b ` +
          `ON a.BEN_NIR_PSA = b.BEN_NIR_PSA AND b.y = a.y + 1`,
      )) as number[][];
      out.push(
        shareCheck(
          G,
          'médecin traitant changed from one year to the next (assumed, gp.yearly_change)',
          (100 * Number(changed)) / Math.max(1, Number(pairs)),
          100 * r.gp.yearly_change,
          2,
          Number(pairs),
        ),
      );
    }
    const [[adults, without]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE mtt IS NULL) FROM (SELECT BEN_NIR_PSA, max(PRS_MTT_NUM) AS mtt ` +
        `FROM ER_PRS_F WHERE BEN_AMA_COD BETWEEN 17 AND 999 AND year(EXE_SOI_DTD) = ${ctx.firstYear} GROUP BY ALL)`,
    )) as number[][];
    out.push(
      shareCheck(
        G,
        'patients aged 17+ without a médecin traitant (cnam_medecin_traitant_2021)',
        (100 * Number(without)) / Math.max(1, Number(adults)),
        100 * r.gp.without_referral_17_plus,
        2,
        Number(adults),
      ),
    );
    const [[consumers, css, ame]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE css), count(*) FILTER (WHERE ame) FROM (SELECT BEN_NIR_PSA, ` +
        `bool_or(BEN_CMU_TOP = 1) AS css, ` +
        `bool_or(RGM_COD = ${r.coverage.ame_rgm_cod} AND RGM_GRG_COD = 1) AS ame FROM ER_PRS_F GROUP BY ALL)`,
    )) as number[][];
    const c = Number(consumers);
    out.push(
      shareCheck(
        G,
        'C2S beneficiaries, BEN_CMU_TOP (css_rapport_2023)',
        (100 * Number(css)) / c,
        100 * r.coverage.css_share,
        1.5,
        c,
      ),
    );
    out.push(
      shareCheck(
        G,
        'AME beneficiaries, RGM_COD 95 (senat_r24_841_ame)',
        (100 * Number(ame)) / c,
        100 * r.coverage.ame_share,
        0.3,
        c,
      ),
    );
    const [[overbilled, permanent, unqualified]] = (await ctx.rows(
      `SELECT count(*), count(*) FILTER (WHERE DPN_QLF = 14), ` +
        `count(*) FILTER (WHERE DPN_QLF NOT IN (12, 14) OR PRS_DPN_QLP <> DPN_QLF) ` +
        `FROM ER_PRS_F WHERE PRS_DEP_MNT <> 0`,
    )) as number[][];
    out.push({
      group: G,
      name: 'overbilled lines qualified (DPN_QLF and PRS_DPN_QLP 12 or 14, IR_DEP_V)',
      ok: Number(unqualified) === 0,
      value: String(unqualified),
      expected: '0',
    });
    const qualifiers = r.overbilling_qualifier.codes as [number, number][];
    const permanentShare = qualifiers.find(([code]) => code === 14)![1];
    const o = Number(overbilled);
    out.push(
      shareCheck(
        G,
        'overbilled lines as dépassement permanent, DPN_QLF 14 (assumed)',
        (100 * Number(permanent)) / Math.max(1, o),
        100 * permanentShare,
        // Drawn per professional: the lines cluster by who bills them, hence the wide tolerance.
        10,
        o,
      ),
    );
  }

  const msa = await ctx.one(`SELECT count(*) FROM IR_BEN_R WHERE starts_with(ORG_AFF_BEN, '02')`);
  const msaShare = r.schemes.list.filter((s) => s.group === 2).reduce((s, x) => s + x.share, 0);
  out.push(
    shareCheck(G, 'MSA scheme, ORG_AFF_BEN 02 (msa_population_2019)', (100 * msa) / people, 100 * msaShare, 1, people),
  );
  const schemes = await ctx.one(`SELECT count(DISTINCT left(ORG_AFF_BEN, 2)) FROM IR_BEN_R`);
  out.push({
    group: G,
    name: 'insurance schemes (ORG_AFF_BEN prefixes)',
    ok: schemes >= 4,
    value: String(schemes),
    expected: '≥ 4',
  });
  const communes = await ctx.one(`SELECT count(*) FROM IR_BEN_R WHERE BEN_RES_COM IS NULL OR BEN_RES_COM = '999'`);
  out.push({
    group: G,
    name: 'BEN_RES_COM filled (a commune of the département)',
    ok: communes === 0,
    value: String(communes),
    expected: '0',
  });

  if (has('IR_IMB_R')) out.push(...(await aldChecks(ctx, people)));
  if (has('T_MCOaaB')) out.push(...(await pmsiChecks(ctx)));
  if (has('ER_PRS_F')) out.push(...(await flowChecks(ctx)));
  out.push(...(await breadthChecks(ctx, people * years)));
  return out;
};

async function aldChecks(ctx: CheckContext, people: number): Promise<Check[]> {
  const r = referentialParams().ald;
  const out: Check[] = [];
  const y = ctx.lastYear;
  const alive = await ctx.one(
    `SELECT count(*) FROM IR_BEN_R WHERE (BEN_DCD_DTE = ${NO_DATE} OR BEN_DCD_DTE >= DATE '${y}-01-01') ` +
      `AND CAST(BEN_NAI_ANN AS INTEGER) < ${y}`,
  );
  const open = `IMB_ALD_DTD <= DATE '${y}-12-31' AND IMB_ALD_DTF >= DATE '${y}-01-01'`;
  const inAld = await ctx.one(
    `SELECT count(DISTINCT m.BEN_NIR_PSA) FROM IR_IMB_R m JOIN IR_BEN_R b USING (BEN_NIR_PSA) WHERE ${open} ` +
      `AND CAST(b.BEN_NAI_ANN AS INTEGER) < ${y}`,
  );
  out.push(
    shareCheck(
      G,
      `people in ALD in ${y} (repss_maladie_1_7_1: 18% of the covered population)`,
      (100 * inAld) / Math.max(1, alive),
      100 * r.target_prevalence,
      2,
      alive,
    ),
  );
  const [[n, off, poly]] = (await ctx.rows(
    `SELECT count(*), count(*) FILTER (WHERE n = 43), count(*) FILTER (WHERE n = 45) FROM ` +
      `(SELECT BEN_NIR_PSA, max(IMB_ETM_NAT) AS n FROM IR_IMB_R WHERE ${open} GROUP BY ALL)`,
  )) as number[][];
  out.push(
    shareCheck(
      G,
      'ALD hors liste, IMB_ETM_NAT 43, among people in ALD (igas_igf_ald_2024)',
      (100 * Number(off)) / Math.max(1, Number(n)),
      100 * r.natures.hors_liste,
      2,
      Number(n),
    ),
  );
  out.push(
    shareCheck(
      G,
      'ALD polypathologie, IMB_ETM_NAT 45, among people in ALD (igas_igf_ald_2024)',
      (100 * Number(poly)) / Math.max(1, Number(n)),
      100 * r.natures.polypathologie,
      0.5,
      Number(n),
    ),
  );
  out.push(
    (await ctx.zero(
      G,
      'ALD periods end (IMB_ALD_DTF set) and none opens after its end',
      `SELECT count(*) FROM IR_IMB_R WHERE IMB_ALD_DTF = ${NO_DATE} OR IMB_ALD_DTF < IMB_ALD_DTD`,
      'IR_IMB_R',
    ))!,
  );
  const renewed = await ctx.one(
    `SELECT count(*) FROM IR_IMB_R a JOIN IR_IMB_R b ` +
      `ON a.BEN_NIR_PSA = b.BEN_NIR_PSA AND a.IMB_ALD_NUM = b.IMB_ALD_NUM ` +
      `AND b.IMB_ALD_DTD = a.IMB_ALD_DTF + 1`,
  );
  out.push({
    group: G,
    name: 'ALD renewed at their term (a period starting the day after another ends)',
    ok: renewed > 0,
    value: String(renewed),
    expected: '> 0',
  });
  if (ctx.present.has('ER_PRS_F')) {
    out.push(
      (await ctx.zero(
        G,
        'ALD-exonerated lines (EXO_MTF 41-46) of a patient with an ALD open that day',
        `SELECT count(*) FROM ER_PRS_F f WHERE EXO_MTF IN ${ALD_EXO} AND NOT EXISTS (SELECT 1 FROM IR_IMB_R m ` +
          `WHERE m.BEN_NIR_PSA = f.BEN_NIR_PSA AND f.EXE_SOI_DTD BETWEEN m.IMB_ALD_DTD AND m.IMB_ALD_DTF)`,
        'ER_PRS_F',
        'IR_IMB_R',
      ))!,
    );
    const [[held, exonerated]] = (await ctx.rows(
      `WITH a AS (SELECT DISTINCT BEN_NIR_PSA FROM IR_IMB_R WHERE ${open}), ` +
        `e AS (SELECT DISTINCT BEN_NIR_PSA FROM ER_PRS_F WHERE EXO_MTF IN ${ALD_EXO} AND year(EXE_SOI_DTD) = ${y}) ` +
        `SELECT count(*), count(e.BEN_NIR_PSA) FROM a LEFT JOIN e USING (BEN_NIR_PSA)`,
    )) as number[][];
    // snds_doc_fiche_ald (2017): 16% of the people of the ALD referential have no ALD-exonerated claim.
    out.push(
      shareCheck(
        G,
        'people in ALD with an ALD-exonerated claim in the year (snds_doc_fiche_ald)',
        (100 * Number(exonerated)) / Math.max(1, Number(held)),
        84,
        10,
        Number(held),
      ),
    );
  }
  void people;
  return out;
}

async function pmsiChecks(ctx: CheckContext): Promise<Check[]> {
  const r = referentialParams();
  const out: Check[] = [];
  const stays = await ctx.one('SELECT count(*) FROM T_MCOaaB');
  if (!stays) return out;
  const urgent = await ctx.one(`SELECT count(*) FROM T_MCOaaB WHERE ENT_PRV = '5'`);
  const erShare = (r.pmsi_modes.entry as [string, string, number][])
    .filter((e) => e[1] === '5')
    .reduce((s, e) => s + e[2], 0);
  out.push(
    shareCheck(
      G,
      'stays entering through the emergency department, ENT_PRV 5 (assumed)',
      (100 * urgent) / stays,
      100 * erShare,
      3,
      stays,
    ),
  );
  const modes = await ctx.one(`SELECT count(DISTINCT ENT_MOD || SOR_MOD) FROM T_MCOaaB`);
  out.push({ group: G, name: 'PMSI entry × exit modes in use', ok: modes >= 6, value: `${modes}`, expected: '≥ 6' });
  out.push(
    (await ctx.zero(
      G,
      'ENT_MOD, SOR_MOD in MS_ENT_V, MS_SOR_V; provenance with a transfer, destination with an exit elsewhere',
      `SELECT count(*) FROM T_MCOaaB WHERE ENT_MOD NOT IN ('0', '6', '7', '8') ` +
        `OR SOR_MOD NOT IN ('0', '6', '7', '8', '9') ` +
        `OR (ENT_MOD IN ('6', '7') AND ENT_PRV NOT IN ('1', '2', '3', '4', '6')) ` +
        `OR (SOR_MOD IN ('6', '7') AND SOR_DES NOT IN ('1', '2', '3', '4', '6'))`,
      'T_MCOaaB',
    ))!,
  );
  const rel = await ctx.one(`SELECT count(*) FROM T_MCOaaB WHERE DGN_REL IS NOT NULL`);
  out.push({
    group: G,
    name: 'DGN_REL filled on stays with a Z principal diagnosis',
    ok: rel > 0,
    value: String(rel),
    expected: '> 0',
  });
  if (ctx.present.has('T_MCOaaC')) {
    const rows = await ctx.one('SELECT count(*) FROM T_MCOaaC');
    const ret = await ctx.one(
      `SELECT count(*) FROM T_MCOaaC ` +
        `WHERE NIR_RET OR NAI_RET <> '0' OR SEX_RET OR SEJ_RET OR FHO_RET OR PMS_RET OR DAT_RET <> '0'`,
    );
    out.push(
      shareCheck(
        G,
        'chaining rows with a return code ≠ 0 (assumed: about 2%)',
        (100 * ret) / rows,
        100 * r.pmsi_return_codes.share,
        0.5,
        rows,
      ),
    );
  }
  return out;
}

async function flowChecks(ctx: CheckContext): Promise<Check[]> {
  const r = referentialParams();
  const out: Check[] = [];
  const [[n, six, late, negative]] = (await ctx.rows(
    `SELECT count(*), count(*) FILTER (WHERE FLX_TRT_DTD - EXE_SOI_DTF <= 183), ` +
      `count(*) FILTER (WHERE FLX_TRT_DTD - EXE_SOI_DTF > 18 * 31), count(*) FILTER (WHERE PRS_ACT_QTE < 0) ` +
      `FROM ER_PRS_F`,
  )) as number[][];
  const lines = Number(n);
  // Regularisations come on top of the billings: the flow share is that of the first billings.
  const reg = r.regularisation.share_of_decomptes;
  out.push(
    shareCheck(
      G,
      'lines processed within 6 months of care (assumed: about 98%)',
      (100 * Number(six)) / lines,
      (100 * (r.flows.within_six_months + 2 * reg * 0.9)) / (1 + 2 * reg),
      1,
      lines,
    ),
  );
  out.push({
    group: G,
    name: 'no line processed more than 18 months after care',
    ok: Number(late) === 0,
    value: String(late),
    expected: '0',
  });
  out.push(
    shareCheck(
      G,
      'regularisation lines, negative quantity (assumed: 1.5% of decomptes)',
      (100 * Number(negative)) / lines,
      (100 * reg) / (1 + 2 * reg),
      0.5,
      lines,
    ),
  );
  out.push(
    (await ctx.zero(
      G,
      'each regularisation line cancels an earlier line of the same care',
      `SELECT count(*) FROM ER_PRS_F n WHERE PRS_ACT_QTE < 0 AND NOT EXISTS (SELECT 1 FROM ER_PRS_F o ` +
        `WHERE o.BEN_NIR_PSA = n.BEN_NIR_PSA AND o.EXE_SOI_DTD = n.EXE_SOI_DTD AND o.PRS_NAT_REF = n.PRS_NAT_REF ` +
        `AND o.PRS_ACT_QTE = -n.PRS_ACT_QTE AND o.FLX_TRT_DTD < n.FLX_TRT_DTD)`,
      'ER_PRS_F',
    ))!,
  );
  return out;
}

async function breadthChecks(ctx: CheckContext, personYears: number): Promise<Check[]> {
  const out: Check[] = [];
  const judged = personYears >= BREADTH_PERSON_YEARS;
  const count = async (what: string, sql: string, min: number, ...tables: string[]) => {
    if (!tables.every((t) => ctx.present.has(t))) return;
    const n = await ctx.one(sql);
    out.push({
      group: G,
      name: `distinct ${what}`,
      ok: !judged || n >= min,
      value: judged ? String(n) : `${n} (judged from ${BREADTH_PERSON_YEARS.toLocaleString('en')} person-years)`,
      expected: `≥ ${min}`,
    });
  };
  await count(
    'DP categories (3 characters)',
    'SELECT count(DISTINCT left(DGN_PAL, 3)) FROM T_MCOaaB',
    BREADTH.dp,
    'T_MCOaaB',
  );
  await count('GHMs', 'SELECT count(DISTINCT GRG_GHM) FROM T_MCOaaB', BREADTH.ghm, 'T_MCOaaB');
  await count(
    'CCAM acts (ER_CAM_F and T_MCOaaA)',
    'SELECT count(*) FROM (SELECT CAM_PRS_IDE FROM ER_CAM_F UNION SELECT CDC_ACT FROM T_MCOaaA)',
    BREADTH.ccam,
    'ER_CAM_F',
    'T_MCOaaA',
  );
  return out;
}
