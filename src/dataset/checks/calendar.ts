// When care and deaths happen: weekday, month and public-holiday effects against their published profiles
// (calibration/model.json `calendar` says which are published and which assumed). The day counts are read
// once per series and every check is a marginal of them.
import { readCsv } from '../../util/csv.js';
import { dayWeights, publicHolidays, weekdayOf, yearCalendar, type Profile } from '../../model/calendar.js';
import { day } from '../../model/dates.js';
import { referencePath, sampled, shareCheck, Z, type Check, type CheckContext } from './context.js';
import { GP_ACT_NATURES } from '../../model/ambulatory.js';

/** The keys joining a DCIR detail row to its ER_PRS_F row. */
const DCIR_KEYS =
  'DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF';

const asDay = (column: string) => `CAST(datediff('day', DATE '1970-01-01', ${column}) AS INTEGER)`;

/** SQL of the day counts of each series, over tables named by `t` (views in validate, files in the report). */
export function seriesSql(t: (table: string) => string) {
  return {
    gp:
      `SELECT ${asDay('EXE_SOI_DTD')}, count(*) FROM ${t('ER_PRS_F')} WHERE PRS_NAT_REF IN (${GP_ACT_NATURES}) ` +
      'GROUP BY ALL',
    antibiotics:
      `SELECT ${asDay('p.EXE_SOI_DTD')}, count(*) FROM ${t('ER_PHA_F')} h ` +
      `JOIN ${t('IR_PHA_R')} r ON r.PHA_CIP_C13 = h.PHA_PRS_C13 AND r.PHA_ATC_C07 LIKE 'J01%' ` +
      `JOIN ${t('ER_PRS_F')} p USING (${DCIR_KEYS}) GROUP BY ALL`,
    deaths: `SELECT ${asDay('BEN_DCD_DTE')}, count(*) FROM ${t('KI_CCI_R')} GROUP BY ALL`,
  };
}

/** Events by day over the generated years. */
export class DayCounts {
  readonly days: number[] = [];
  readonly counts: number[] = [];
  total = 0;
  constructor(
    rows: unknown[][],
    readonly firstYear: number,
    readonly lastYear: number,
  ) {
    const by = new Map(rows.map(([d, n]) => [Number(d), Number(n)]));
    for (let d = day(firstYear, 1, 1); d < day(lastYear + 1, 1, 1); d++) {
      this.days.push(d);
      this.counts.push(by.get(d) ?? 0);
      this.total += by.get(d) ?? 0;
    }
  }

  /** Events on the days `inSet` picks, against a mean day (100 = as many as a mean day). */
  index(inSet: (d: number, i: number) => boolean): { index: number; dayShare: number } {
    let events = 0;
    let days = 0;
    this.days.forEach((d, i) => {
      if (!inSet(d, i)) return;
      events += this.counts[i];
      days++;
    });
    const dayShare = days / this.days.length;
    return { index: (100 * events) / Math.max(1, this.total) / dayShare, dayShare };
  }
}

/** The same index for a profile's own day weights (each year weighing its days): an assumed reference. */
export function profileIndex(profile: Profile, firstYear: number, lastYear: number, inSet: (d: number) => boolean) {
  let inside = 0;
  let all = 0;
  let days = 0;
  let n = 0;
  for (let y = firstYear; y <= lastYear; y++) {
    const w = dayWeights(y, profile);
    const start = yearCalendar(y).start;
    const total = w.reduce((a, b) => a + b, 0);
    w.forEach((v, i) => {
      const share = (v / total) * w.length;
      all += share;
      n++;
      if (inSet(start + i)) {
        inside += share;
        days++;
      }
    });
  }
  return (100 * inside) / all / (days / n);
}

/** An index against a mean day, within ±`points` plus the binomial sampling error of its share over `n`. */
export function indexCheck(
  group: string,
  name: string,
  mine: { index: number; dayShare: number },
  reference: number,
  points: number,
  n: number,
): Check {
  const p = Math.min(1, (reference / 100) * mine.dayShare);
  const sigma = (100 * Math.sqrt((p * (1 - p)) / Math.max(1, n))) / mine.dayShare;
  const tolerance = points + Z * sigma;
  return sampled(
    {
      group,
      name: `${name} (±${points} points + sampling)`,
      ok: Math.abs(mine.index - reference) <= tolerance,
      value: `${mine.index.toFixed(1)}% of a mean day`,
      expected: `${(reference - tolerance).toFixed(1)}–${(reference + tolerance).toFixed(1)}%`,
    },
    `±${points} points`,
    sigma,
    points,
  );
}

const isMonth = (months: number[]) => (d: number) => months.includes(monthOf(d));
const monthOf = (d: number) => new Date(d * 86_400_000).getUTCMonth() + 1;

/** Published calendar figures: the GP weekday shares (CNAM) and the death effects (Insee Focus 337). */
export function publishedCalendar() {
  const gp = readCsv(referencePath('gp_activity_calendar.csv')).filter(
    (r) => r.indicator === 'gp_share_of_weekly_activity',
  );
  const deaths = readCsv(referencePath('deaths_calendar_effects.csv')).filter(
    (r) => r.measure === 'pct_vs_mean_daily_deaths' && r.age_group === 'all' && r.place_of_death === 'all',
  );
  const effect = (type: string, category: string) =>
    100 + Number(deaths.find((r) => r.effect_type === type && r.category === category)?.value);
  return {
    gpMonday: Number(gp.find((r) => r.category === 'Monday')?.value),
    // "just over 1 %": the model's 1.2.
    gpSunday: Number(gp.find((r) => r.category === 'Sunday')?.value) + 0.2,
    deathsJanuary: effect('month', 'January'),
    deathsAugust: effect('month', 'August'),
    deathsSunday: effect('day_of_week', 'Sunday'),
  };
}

export async function calendarChecks(ctx: CheckContext): Promise<Check[]> {
  const checks: Check[] = [];
  const { firstYear, lastYear } = ctx;
  const sql = seriesSql((t) => t);
  const counts = async (q: string) => new DayCounts(await ctx.rows(q), firstYear, lastYear);
  const published = publishedCalendar();
  const holidays = new Set<number>();
  for (let y = firstYear; y <= lastYear; y++) publicHolidays(y).forEach((d) => holidays.add(d));
  const G = 'calendar';

  if (ctx.present.has('ER_PRS_F')) {
    const gp = await counts(sql.gp);
    const weekdayShare = (wd: number) => gp.index((d) => weekdayOf(d) === wd).index / 7;
    checks.push(
      shareCheck(
        G,
        'GP consultations on Mondays, % of the week (CNAM 2000)',
        weekdayShare(0),
        published.gpMonday,
        5,
        gp.total,
      ),
      shareCheck(
        G,
        'GP consultations on Sundays, % of the week (CNAM 2000: just over 1%)',
        weekdayShare(6),
        published.gpSunday,
        5,
        gp.total,
      ),
      indexCheck(
        G,
        'GP consultations on public holidays, % of a mean day (like a Sunday: 7 × 1.2%, assumed)',
        gp.index((d) => holidays.has(d)),
        7 * published.gpSunday,
        5,
        gp.total,
      ),
      indexCheck(
        G,
        'GP consultations in August, % of a mean day (trough assumed: no published monthly series)',
        gp.index(isMonth([8])),
        profileIndex('gp', firstYear, lastYear, isMonth([8])),
        5,
        gp.total,
      ),
    );
  }
  if (['ER_PRS_F', 'ER_PHA_F', 'IR_PHA_R'].every((t) => ctx.present.has(t))) {
    const ab = await counts(sql.antibiotics);
    for (const [season, months] of [
      ['December–February', [12, 1, 2]],
      ['June–August', [6, 7, 8]],
    ] as const) {
      checks.push(
        indexCheck(
          G,
          `J01 antibiotic deliveries in ${season}, % of a mean day (seasonal shape assumed, model.json calendar)`,
          ab.index(isMonth([...months])),
          profileIndex('antibiotics', firstYear, lastYear, isMonth([...months])),
          5,
          ab.total,
        ),
      );
    }
  }
  if (ctx.present.has('KI_CCI_R')) {
    const deaths = await counts(sql.deaths);
    const insee = 'Insee Focus 337, 2004-2023';
    checks.push(
      indexCheck(
        G,
        `deaths in January, % of a mean day (${insee})`,
        deaths.index(isMonth([1])),
        published.deathsJanuary,
        5,
        deaths.total,
      ),
      indexCheck(
        G,
        `deaths in August, % of a mean day (${insee})`,
        deaths.index(isMonth([8])),
        published.deathsAugust,
        5,
        deaths.total,
      ),
      indexCheck(
        G,
        `deaths on Sundays, % of a mean day (${insee})`,
        deaths.index((d) => weekdayOf(d) === 6),
        published.deathsSunday,
        5,
        deaths.total,
      ),
    );
  }
  return checks;
}
