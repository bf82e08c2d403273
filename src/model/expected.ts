// Expected rows per table and year, from the model's rates rather than its draws: the population,
// conditions, deaths and care of population.ts, care.ts and tables.ts, each replaced by its mean.
// Cost grows with the years, not with the beneficiaries.
import { ageBand, calibration, type Condition } from './calibration.js';
import { eligible } from './care.js';
import { ageAt, newbornShare, type Params, type Person } from './population.js';
import { providers } from './providers.js';
import { day, yearOf } from './dates.js';
import { meanCauseRows, meanDeathStays } from './death.js';
import { deliveryRate, meanCataractStays, meanSeances } from './pathway.js';
import { stayBudget } from './stay-budget.js';
import {
  ASSOCIATED_CODE_PROBABILITY,
  BOYS_AT_BIRTH,
  CONDITION_ACT_PROBABILITY,
  OPEN_AGE,
  OPEN_AGE_EXTRA_MAX,
  OPEN_AGE_EXTRA_MEAN,
} from './constants.js';
import { allowed, codeWeight } from './restrictions.js';
import { proceduresFor } from './grouping.js';
import { meanAldRows, REGULARISATION_FACTOR } from './coverage.js';
import { meanGpImaging, meanTechnicalActs } from './technical-acts.js';
import { personYearRows, visitPrescriptionRows } from './drugs-expected.js';
import { ambulatory as ambulatoryParams, meanAmbulatoryRows, meanSpecialistVisits } from './ambulatory.js';
import { devices, meanDeviceRows } from './devices.js';

/** Expected rows by table, then by year (null for tables that are not split by year). */
export type ExpectedRows = Map<string, Map<number | null, number>>;

type Eligible = { sex?: number; min_age?: number; max_age?: number };

/** Weighted mean of `value` over the entries a person of this sex and age can draw. */
function meanOver<T extends Eligible>(
  list: T[],
  weight: (t: T) => number,
  value: (t: T) => number,
  sex: number,
  age: number,
): number {
  let w = 0;
  let v = 0;
  for (const t of list) {
    if (!eligible(t, sex, age)) continue;
    w += weight(t);
    v += weight(t) * value(t);
  }
  return w > 0 ? v / w : 0;
}

/** A condition's CCAM acts a year: its follow-up visits to specialists who have one, each with its chance. */
const conditionActs = (c: Condition) =>
  c.specialists.reduce((s, x) => s + ('ccam' in x && x.ccam ? x.per_year * CONDITION_ACT_PROBABILITY : 0), 0);

/** Mean acts of a stay with this DP: the operating act with the anaesthesia act, and the diagnostic act. */
function meanActs(dp: string, sex: number, age: number): number {
  const { operating, diagnostic } = proceduresFor(dp);
  const share = (list: typeof operating) =>
    Math.min(
      1,
      list.reduce((s, p) => s + (allowed('ccam', p.act, sex, age) ? p.share : 0), 0),
    );
  return 2 * share(operating) + share(diagnostic);
}

/** The weight of a code list for a person (0 when no code fits) and its mean acts a stay. */
type Codes = Readonly<Record<string, number | undefined>>;
const codesCache = new WeakMap<Codes, Map<number, { fits: boolean; acts: number }>>();
function codesFor(codes: Codes, sex: number, age: number): { fits: boolean; acts: number } {
  let byPerson = codesCache.get(codes);
  if (!byPerson) codesCache.set(codes, (byPerson = new Map()));
  const key = sex * 1000 + age;
  let r = byPerson.get(key);
  if (!r) byPerson.set(key, (r = computeCodesFor(codes, sex, age)));
  return r;
}
function computeCodesFor(codes: Codes, sex: number, age: number) {
  let w = 0;
  let acts = 0;
  for (const [code, weight] of Object.entries(codes)) {
    const x = (weight ?? 0) * codeWeight('icd10', code, sex, age);
    w += x;
    acts += x * meanActs(code, sex, age);
  }
  return { fits: w > 0, acts: w > 0 ? acts / w : 0 };
}

/** Mean KI_ECD_R rows of a death, over the conditions a person of this sex and band may hold. */
const causesCache = new Map<number, number>();
function meanCausesOfDeath(prevalence: number[], key: number): number {
  let v = causesCache.get(key);
  if (v === undefined) {
    v = 0;
    for (let held = 0; held < 1 << prevalence.length; held++) {
      let p = 1;
      prevalence.forEach((pi, k) => (p *= held & (1 << k) ? pi : 1 - pi));
      v += p * meanCauseRows(held);
    }
    causesCache.set(key, v);
  }
  return v;
}

/** Shares of OPEN_AGE + k, k = 0..OPEN_AGE_EXTRA_MAX, among those of the open age (population.ts draws k). */
function openAgeTail(): number[] {
  const above = (k: number) => Math.exp(-k / OPEN_AGE_EXTRA_MEAN);
  const share = (k: number) => (k < OPEN_AGE_EXTRA_MAX ? above(k) - above(k + 1) : above(k));
  return Array.from({ length: OPEN_AGE_EXTRA_MAX + 1 }, (_, k) => share(k));
}

/** A group of people born the same day with the same sex: the unit the expectation runs over. */
interface Cohort {
  people: number;
  sex: 1 | 2;
  birth: number;
}

/**
 * The population as population.ts draws it, in expectation: each sex × age on 1 January of the
 * first year (born in the year before that birthday, represented by 1 July), the open-age tail
 * spread as the model spreads it, and newborns by day of birth.
 */
function cohorts(p: Params): Cohort[] {
  const cal = calibration();
  const newborns = newbornShare(p);
  const out: Cohort[] = [];
  const bornBefore = p.beneficiaries * (1 - newborns);
  const total = cal.cellCumulative[cal.cellCumulative.length - 1];
  const bySexAge = new Map<string, number>();
  cal.cells.forEach((cell, i) => {
    const w = (cal.cellCumulative[i] - (i ? cal.cellCumulative[i - 1] : 0)) / total;
    const band = cal.singleAges.get(`${cell.sex}:${cell.ageMin}`)!;
    const bandTotal = band.cumulative[band.cumulative.length - 1];
    band.ages.forEach((age, j) => {
      const share = (w * (band.cumulative[j] - (j ? band.cumulative[j - 1] : 0))) / bandTotal;
      // The open age stands for "this age and over", spread as population.ts spreads it.
      const tail = age === OPEN_AGE ? openAgeTail() : [1];
      tail.forEach((t, k) => {
        const key = `${cell.sex}:${age + k}`;
        bySexAge.set(key, (bySexAge.get(key) ?? 0) + share * t);
      });
    });
  });
  for (const [key, share] of bySexAge) {
    const [sex, age] = key.split(':').map(Number);
    out.push({ people: bornBefore * share, sex: sex as 1 | 2, birth: day(p.firstYear - age - 1, 7, 1) });
  }
  const first = day(p.firstYear, 1, 1);
  const days = day(p.lastYear + 1, 1, 1) - first;
  const perDay = (p.beneficiaries * newborns) / days;
  for (let d = 0; d < days; d++) {
    out.push({ people: perDay * BOYS_AT_BIRTH, sex: 1, birth: first + d });
    out.push({ people: perDay * (1 - BOYS_AT_BIRTH), sex: 2, birth: first + d });
  }
  return out;
}

export function expectedRows(p: Params): ExpectedRows {
  const cal = calibration();
  const m = cal.model;
  const pv = providers(p);
  const bands = m.age_bands.length;
  const rows: ExpectedRows = new Map();
  const add = (table: string, year: number | null, n: number) => {
    let t = rows.get(table);
    if (!t) rows.set(table, (t = new Map()));
    t.set(year, (t.get(year) ?? 0) + n);
  };
  const privateShare = pv.privateStayShare;
  const conditionStays = m.conditions.map((c) => c.stays?.per_year ?? 0);

  // Conditions and death enter through their probabilities, care through its mean rates.
  for (const { people, sex, birth } of cohorts(p)) {
    const who = { birth } as Person;
    const startBand = ageBand(Math.max(0, p.firstYear - yearOf(birth)));
    const prevalence = m.conditions.map((_, c) => cal.prevalence[c][(sex - 1) * bands + startBand]);
    const sum = (g: (c: Condition) => number) => m.conditions.reduce((s, c, i) => s + prevalence[i] * g(c), 0);
    add('IR_BEN_R', null, people);
    add(
      'IR_IMB_R',
      null,
      people *
        meanAldRows(
          p,
          startBand,
          sum((c) => ('ald' in c && c.ald ? c.ald.share : 0)),
        ),
    );
    const causes = meanCausesOfDeath(prevalence, sex * bands + startBand);
    const startAge = Math.max(0, p.firstYear - yearOf(birth));
    // Associated codes are coded at their weight for the person (0 where they do not fit).
    const conditionAssociated = m.conditions.map((c) =>
      c.associated_codes.reduce((n, code) => n + codeWeight('icd10', code, sex, startAge), 0),
    );
    // Stays × associated codes: a condition's own stays carry its own codes with its prevalence, not its square.
    const staysTimesAssociated = () =>
      m.conditions.reduce(
        (s, _, a) =>
          s +
          conditionStays[a] *
            m.conditions.reduce(
              (t, __, b) => t + conditionAssociated[b] * (a === b ? prevalence[a] : prevalence[a] * prevalence[b]),
              0,
            ),
        0,
      );
    const perPersonAssociated = () => m.conditions.reduce((s, _, k) => s + prevalence[k] * conditionAssociated[k], 0);

    let alive = 1;
    for (let y = p.firstYear; y <= p.lastYear; y++) {
      const from = Math.max(day(y, 1, 1), birth);
      const span = day(y + 1, 1, 1) - from;
      if (span <= 0) continue;
      const q = cal.mortality(y, sex, y - yearOf(birth));
      // Someone dying in the year lives (span + 1) / 2 days of it on average.
      const f = (alive * ((1 - q) * span + (q * (span + 1)) / 2)) / 365;
      const dying = alive * q;
      add('KI_CCI_R', y, people * alive * q);
      add('KI_ECD_R', y, people * alive * q * causes);
      alive *= 1 - q;

      const age = Math.max(0, ageAt(who, from));
      const band = ageBand(age);
      // What begins this year (the hazard for those who do not hold it yet) is held half the year on average:
      // half of it counts in this year's rates, the rest from the next year on.
      const at = (sex - 1) * bands + band;
      const begun = m.conditions.map((_, k) => (1 - prevalence[k]) * cal.incidence[k][at]);
      begun.forEach((b, k) => (prevalence[k] += b / 2));
      const conditionStaysTimesAssociated = staysTimesAssociated();
      // A stay carries the codes of every condition held in its year, one begun after it included.
      const associatedPerPerson =
        perPersonAssociated() + begun.reduce((s, b, k) => s + (b / 2) * conditionAssociated[k], 0);
      const gp = (cal.gpBase[band] + sum((c) => c.gp_extra)) * f;
      const general = m.specialist.per_person_year[band] * f;
      const visits = general + sum((c) => c.specialists.reduce((s, x) => s + x.per_year, 0)) * f;
      const acts =
        general *
          meanOver(
            m.specialist.mix,
            (x) => x.weight,
            (x) => (x.ccam ? (x.act_probability ?? 0) : 0),
            sex,
            age,
          ) +
        sum(conditionActs) * f +
        general *
          meanOver(
            m.specialist.mix,
            (x) => x.weight,
            (x) => meanTechnicalActs(x.spe),
            sex,
            age,
          ) +
        sum((c) => c.specialists.reduce((s, x) => s + x.per_year * meanTechnicalActs(x.spe), 0)) * f +
        gp * meanGpImaging();
      // Drugs and biology: each visit's prescription, and the person-year's other deliveries and lab visits.
      const atGp = visitPrescriptionRows('gp', sex, age);
      const atSpecialist = visitPrescriptionRows('specialist', sex, age);
      const other = personYearRows(sex, age, prevalence, sex * bands + startBand);
      const drugLines = gp * atGp.prs + visits * atSpecialist.prs + other.prs * f;

      const budget = stayBudget();
      const generalStays = budget.base[band] * f;
      // A condition's stays happen only if one of its codes fits the person.
      const own = (c: Condition) =>
        'stays' in c && c.stays ? { n: c.stays.per_year, ...codesFor(c.stays.codes, sex, age) } : null;
      const conditionStaysNow = sum((c) => (own(c)?.fits ? own(c)!.n : 0)) * f;
      const seances = meanSeances(sex, age, prevalence);
      const childbirths = sex === 2 && age >= 15 && age <= 49 ? deliveryRate(y, age) * f : 0;
      const newborn = yearOf(birth) === y ? 1 : 0;
      // Deaths bring the stay ending in death and the stays of the year before: half of those fall in
      // the year before the death's (counted there when it is generated).
      const death = meanDeathStays(age);
      const endOfLife = dying * (death.final + death.before / 2);
      if (y > p.firstYear) {
        add('T_MCOaaB', y - 1, (people * dying * death.before) / 2);
        add('T_MCOaaC', y - 1, (people * dying * death.before) / 2);
        add('T_MCOaaD', y - 1, (people * dying * death.before * ASSOCIATED_CODE_PROBABILITY * associatedPerPerson) / 2);
      }
      const cataracts = meanCataractStays(age) * f;
      // Conditions begun this year whose diagnosis is an acute stay (an infarction, a stroke, a cancer):
      // the year's hazard for those who do not hold them yet, at the share diagnosed in hospital.
      let onsetStays = 0;
      let onsetActs = 0;
      let onsetAssociated = 0;
      m.conditions.forEach((c, k) => {
        const o = c.incidence.onset;
        if (!('stay' in o) || !o.stay) return;
        const n = alive * begun[k] * o.stay.share;
        const codes = codesFor(o.stay.codes as Codes, sex, age);
        if (!codes.fits) return;
        onsetStays += n;
        onsetActs += n * codes.acts;
        onsetAssociated += n * (associatedPerPerson + conditionAssociated[k]);
      });
      const stays =
        generalStays +
        conditionStaysNow +
        seances.seances * f +
        childbirths +
        newborn +
        endOfLife +
        cataracts +
        onsetStays;
      const stayActs = meanOver(
        m.stays.chapters.filter((x) => codesFor(x.codes, sex, age).fits),
        (x) => budget.chapter.get(x.chapter)!,
        (x) => codesFor(x.codes, sex, age).acts,
        sex,
        age,
      );
      const conditionStayActs = sum((c) => (own(c)?.fits ? own(c)!.n * own(c)!.acts : 0)) * f;
      const clinics = stays * privateShare;

      add('ER_PRS_F', y, people * (gp + visits + acts + drugLines + clinics));
      add('ER_PHA_F', y, people * (gp * atGp.pha + visits * atSpecialist.pha + other.pha * f));
      add('ER_BIO_F', y, people * other.bio * f);
      const ambulatory = meanAmbulatoryRows({
        sex,
        age,
        f,
        prevalence,
        gp,
        specialistVisits: meanSpecialistVisits(general, sex, age, prevalence, f),
        stays: stays - seances.seances * f,
        seanceRows: seances.seances * f,
        deliveries: childbirths,
      });
      add('ER_PRS_F', y, people * ambulatory.prs);
      const diabetes = m.conditions.findIndex((c) => c.name === devices().glucose.condition);
      const insulin = diabetes < 0 ? [] : m.conditions[diabetes].drugs.filter((d) => d.atc.startsWith('A10A'));
      const nurse = ambulatoryParams().nurse;
      add(
        'ER_PRS_F',
        y,
        people *
          meanDeviceRows({
            sex,
            age,
            f,
            diabetes: diabetes < 0 ? 0 : prevalence[diabetes],
            insulinShare: Math.min(
              1,
              insulin.reduce((s, d) => s + d.share, 0),
            ),
            nursed: 1 - Math.exp(-nurse.episodes_per_year[band] * f),
            ald: Math.min(
              1,
              sum((c) => ('ald' in c && c.ald ? c.ald.share : 0)),
            ),
          }),
      );
      add('ER_CAM_F', y, people * ambulatory.cam);
      add('ER_TRS_F', y, people * ambulatory.trs);
      add('ER_ETE_F', y, people * ambulatory.ete);
      add('ER_CAM_F', y, people * acts);
      add('ER_ETE_F', y, people * (visits * m.specialist.hospital_outpatient_probability + clinics));
      add('T_MCOaaB', y, people * stays);
      add('T_MCOaaC', y, people * stays);
      const associated =
        (generalStays + endOfLife + cataracts) * associatedPerPerson +
        conditionStaysTimesAssociated * f +
        onsetAssociated;
      add('T_MCOaaD', y, people * ASSOCIATED_CODE_PROBABILITY * associated);
      add(
        'T_MCOaaA',
        y,
        people *
          (generalStays * stayActs + conditionStayActs + seances.acts * f + childbirths + 2 * cataracts + onsetActs),
      );
      begun.forEach((b, k) => (prevalence[k] += b / 2));
    }
  }
  // Regularisations add a cancelling and a rebilling decompte to a share of the decomptes.
  for (const t of ['ER_PRS_F', 'ER_PHA_F', 'ER_BIO_F', 'ER_CAM_F', 'ER_ETE_F', 'ER_TRS_F'])
    for (const [y, n] of rows.get(t) ?? []) rows.get(t)!.set(y, n * REGULARISATION_FACTOR());
  return rows;
}
