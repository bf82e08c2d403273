// Ambulatory care against the published figures (calibration/reference/care_volumes_ambulatory.csv,
// professionals_demography.csv; SOURCES.md): nurses, physiotherapists, dentists, transport, daily
// allowances, GP home visits and teleconsultations; and the rules of the lines: CPL_MAJ_TOP as IR_NAT_V
// says, Sunday majorations on Sundays and holidays, child majorations on children, the natures reached.
import { readCsv } from '../../util/csv.js';
import { nomenclaturePath } from '../../model/calibration.js';
import { publicHolidays } from '../../model/calendar.js';
import { ambulatory } from '../../model/ambulatory.js';
import { sampled, shareCheck, Z, type Check, type CheckGroup } from './context.js';

const G = 'ambulatory';
const N = ambulatory().consultations.natures;
const GP_OFFICE = [N.G, N.GS];
const GP_VISITS = [N.VG, N.VGS];
const list = (xs: number[]) => `(${xs.join(', ')})`;

/** Reference figures (calibration/reference, see SOURCES.md). */
const REF = {
  // 17% of the population with an AMI-type act in 2015; 24% with nurse care in 2011 (mean age 54).
  amiShare: 17,
  nurseShare: 24,
  nursePatientAge: 54,
  // 779 M AMI + AIS acts in 2016 over 66.7 M inhabitants.
  nurseActs: 779 / 66.7,
  // About 4,280 acts a physiotherapist (2023) × 85% of 105,658 physiotherapists (2024), over 68 M inhabitants.
  physioActs: (4280 * 0.85 * 105658) / 68e6,
  // 15 M home visits against 229 M consultations; 5.5 M teleconsultations of 249.5 M GP acts (2023).
  visitsPerConsultation: (100 * 15) / 229,
  gpTele: (100 * 5.5) / (229 + 15 + 5.5),
  specialistTele: 2.1,
  // 43% of adults saw a dentist in 2014, 26% at 85+.
  dentistAdults: 43,
  dentist85: 26,
  // 6.4 M persons transported in 2023, about 65 M trips, over 68 M inhabitants.
  transported: (100 * 6.4) / 68,
  trips: 65 / 68,
  // 285.9 M paid sick-leave days in 2023 over 68 M inhabitants.
  sickDays: 285.9 / 68,
};

/** The smallest dataset on which the count of natures is judged: below it rare natures may not show. */
const NATURES_FROM = 50_000;
const MIN_NATURES = 40;

export const ambulatoryChecks: CheckGroup = async (ctx) => {
  const { present, one, rows, firstYear, lastYear } = ctx;
  const checks: Check[] = [];
  if (!present.has('ER_PRS_F') || !present.has('IR_BEN_R')) return checks;
  const years = lastYear - firstYear + 1;
  const people = await one('SELECT count(*) FROM IR_BEN_R');

  // A mean a person-year of a per-person quantity, with its sampling error from the spread over persons.
  const perPersonYear = async (name: string, sql: string, reference: number, tolerance: number) => {
    const [[mean, sd]] = await rows(
      `SELECT avg(coalesce(v, 0)) / ${years}, stddev_pop(coalesce(v, 0)) / ${years} FROM IR_BEN_R b ` +
        `LEFT JOIN (SELECT BEN_NIR_PSA, ${sql} AS v FROM ER_PRS_F GROUP BY 1) x USING (BEN_NIR_PSA)`,
    );
    const m = Number(mean);
    const sigma = Number(sd) / Math.sqrt(Math.max(1, people));
    const allowed = reference * tolerance + Z * sigma;
    checks.push(
      sampled(
        {
          group: G,
          name: `${name} a person-year (±${Math.round(tolerance * 100)}% + sampling)`,
          ok: Math.abs(m - reference) <= allowed,
          value: m.toFixed(2),
          expected: `${(reference - allowed).toFixed(2)}–${(reference + allowed).toFixed(2)}`,
        },
        `±${Math.round(tolerance * 100)}%`,
        sigma,
        reference * tolerance,
      ),
    );
  };
  // The share of persons a year with a line matching `where`, among those matching `who` (IR_BEN_R as b).
  const yearlyShare = async (name: string, where: string, reference: number, points: number, who = 'true') => {
    // `who` names the age as AGE: the age reached in the year.
    const ageAt = (year: string) => who.replaceAll('AGE', `(${year} - b.BEN_NAI_ANN::INT)`);
    const [[n, hit]] = await rows(
      `SELECT (SELECT count(*) FROM IR_BEN_R b WHERE ${ageAt(`${firstYear}`)}), ` +
        `(SELECT count(*) FROM (SELECT DISTINCT p.BEN_NIR_PSA, year(p.EXE_SOI_DTD) FROM ER_PRS_F p ` +
        `JOIN IR_BEN_R b USING (BEN_NIR_PSA) WHERE ${where} AND ${ageAt('year(p.EXE_SOI_DTD)')}))`,
    );
    const share = (100 * Number(hit)) / Math.max(1, Number(n) * years);
    checks.push(shareCheck(G, name, share, reference, points, Number(n) * years));
  };

  await yearlyShare('persons with an AMI nurse act in the year (17%, 2015)', `p.PRS_NAT_REF = 3111`, REF.amiShare, 4);
  await yearlyShare('persons with nurse care in the year (24%, 2011)', `p.PSE_ACT_NAT = 24`, REF.nurseShare, 6);
  await perPersonYear(
    'AMI + AIS nurse acts (779 M in 2016)',
    'sum(PRS_ACT_QTE) FILTER (WHERE PRS_NAT_REF IN (3111, 3112))',
    REF.nurseActs,
    0.2,
  );
  const nurseAge = await one(
    `SELECT avg(a) FROM (SELECT BEN_NIR_PSA, year(EXE_SOI_DTD), min(BEN_AMA_COD) FILTER (WHERE BEN_AMA_COD < 1000) a ` +
      'FROM ER_PRS_F WHERE PSE_ACT_NAT = 24 GROUP BY 1, 2)',
  );
  checks.push({
    group: G,
    name: 'mean age of nurse patients (54 in 2011, ±5 years)',
    ok: Math.abs(nurseAge - REF.nursePatientAge) <= 5,
    value: nurseAge.toFixed(1),
    expected: `${REF.nursePatientAge - 5}–${REF.nursePatientAge + 5}`,
  });
  await perPersonYear(
    'physiotherapy acts (about 4,280 a physiotherapist)',
    'count(*) FILTER (WHERE PRS_NAT_REF IN (3122, 3125, 3121))',
    REF.physioActs,
    0.2,
  );

  const [[office, visits, tele, speTele, speAll]] = await rows(
    `SELECT count(*) FILTER (WHERE PRS_NAT_REF IN ${list(GP_OFFICE)}), ` +
      `count(*) FILTER (WHERE PRS_NAT_REF IN ${list(GP_VISITS)}), ` +
      `count(*) FILTER (WHERE PRS_NAT_REF = ${N.TCG}), count(*) FILTER (WHERE PRS_NAT_REF = ${N.TC}), ` +
      `count(*) FILTER (WHERE PRS_NAT_REF IN ${list([N.TC, N.CS, N.CNPSY, N.CSC, N.APC, N.APY])}) FROM ER_PRS_F`,
  );
  const ratio = (name: string, a: number, b: number, reference: number, points: number) =>
    checks.push(shareCheck(G, name, (100 * a) / Math.max(1, b), reference, points, b));
  ratio(
    'GP home visits per 100 office consultations (15 M : 229 M, 2023)',
    Number(visits),
    Number(office),
    REF.visitsPerConsultation,
    2,
  );
  ratio(
    'GP teleconsultations among GP acts (2.2%, 2023)',
    Number(tele),
    Number(office) + Number(visits) + Number(tele),
    REF.gpTele,
    1,
  );
  ratio(
    'specialist teleconsultations among their consultations (2.1%, 2023)',
    Number(speTele),
    Number(speAll),
    REF.specialistTele,
    1,
  );

  await yearlyShare(
    'adults who saw a dentist in the year (43%, 2014)',
    'p.PSE_ACT_NAT = 19',
    REF.dentistAdults,
    5,
    'AGE >= 18',
  );
  await yearlyShare(
    'persons of 85+ who saw a dentist in the year (26%, 2014)',
    'p.PSE_ACT_NAT = 19',
    REF.dentist85,
    6,
    'AGE >= 85',
  );
  await yearlyShare('persons transported in the year (6.4 M, 2023)', 'p.PSE_ACT_NAT IN (55, 56)', REF.transported, 3);
  await perPersonYear(
    'patient transport trips (about 65 M)',
    'count(*) FILTER (WHERE PSE_ACT_NAT IN (55, 56))',
    REF.trips,
    0.3,
  );
  await perPersonYear(
    'paid sick-leave days (285.9 M in 2023)',
    'sum(PRS_ACT_QTE) FILTER (WHERE PRS_NAT_REF BETWEEN 6111 AND 6119)',
    REF.sickDays,
    0.3,
  );

  // Rules of the lines.
  const complements = new Set(
    readCsv(nomenclaturePath('IR_NAT_V'), ';')
      .filter((r) => r.NAT_CPL_ACT !== '' && r.NAT_CPL_ACT !== '0')
      .map((r) => Number(r.PRS_NAT)),
  );
  const byNature = (await rows('SELECT PRS_NAT_REF, CPL_MAJ_TOP, count(*) FROM ER_PRS_F GROUP BY 1, 2')).map(
    ([n, top, c]) => [Number(n), Number(top), Number(c)] as const,
  );
  const wrong = byNature.filter(([n, top]) => (top === 1) !== complements.has(n)).reduce((s, [, , c]) => s + c, 0);
  checks.push({
    group: G,
    name: 'CPL_MAJ_TOP = 1 exactly on the complement and majoration natures of IR_NAT_V (NAT_CPL_ACT ≠ 0)',
    ok: wrong === 0,
    value: String(wrong),
    expected: '0',
  });
  const holidays: number[] = [];
  for (let y = firstYear; y <= lastYear; y++) holidays.push(...publicHolidays(y));
  const holidayList = holidays.length ? holidays.map((d) => `DATE '1970-01-01' + ${d}`).join(', ') : 'NULL';
  const weekday = await one(
    `SELECT count(*) FROM ER_PRS_F WHERE PRS_NAT_REF = ${N.MDD} AND dayofweek(EXE_SOI_DTD) <> 0 ` +
      `AND EXE_SOI_DTD NOT IN (${holidayList})`,
  );
  checks.push({
    group: G,
    name: 'Sunday and holiday majorations (MDD) only on Sundays and holidays',
    ok: weekday === 0,
    value: String(weekday),
    expected: '0',
  });
  const adults = await one(
    `SELECT count(*) FROM ER_PRS_F WHERE PRS_NAT_REF = ${N.MEG} ` +
      `AND BEN_AMA_COD BETWEEN ${ambulatory().consultations.child_majoration_max_age + 1} AND 999`,
  );
  checks.push({
    group: G,
    name: 'child majorations (MEG) only on children',
    ok: adults === 0,
    value: String(adults),
    expected: '0',
  });

  const natures = await one('SELECT count(DISTINCT PRS_NAT_REF) FROM ER_PRS_F');
  const judged = people >= NATURES_FROM;
  checks.push({
    group: G,
    name: `distinct PRS_NAT_REF natures (at least ${MIN_NATURES} from ${NATURES_FROM.toLocaleString('en')} people)`,
    ok: !judged || natures >= MIN_NATURES,
    value: judged ? String(natures) : `${natures} (too few beneficiaries to judge)`,
    expected: `≥ ${MIN_NATURES}`,
  });
  return checks;
};
