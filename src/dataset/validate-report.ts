// `sndsbench validate DIR --report FILE.html`: the dataset's realism as pictures, each against its
// published reference: age pyramid, shares by département, GP visits by age band, ICD-10 chapter mix
// of hospital stays, ATC mix of deliveries, monthly and weekday profiles of GP visits, antibiotics and
// deaths; every ranged check placed in its allowed range; then the table of checks. One self-contained page.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibration } from '../model/calibration.js';
import { readCsv } from '../util/csv.js';
import { projectPath } from '../util/paths.js';
import type { Check } from './validate.js';
import { openDataset } from './validate-db.js';
import { escapeHtml as esc, svg, type Spec } from '../util/charts.js';
import { writeAtomic } from '../util/files.js';
import { UsageError } from '../util/errors.js';
import { datasetManifests } from '../contracts/dataset.js';
import { sqlString } from '../util/sql.js';
import { weekdayOf, type Profile } from '../model/calendar.js';
import { DayCounts, profileIndex, publishedCalendar, seriesSql } from './checks/calendar.js';
import { GP_ACT_NATURES } from '../model/ambulatory.js';

const ref = (f: string) => projectPath('calibration', 'reference', f);

/** The ATC classes the deliveries chart shows, largest first: more would not read on one axis. */
const TOP_ATC_CLASSES = 15;

/** ICD-10 chapter of a code, by the WHO's letter ranges. */
export function icdChapter(code: string): string {
  const l = code[0];
  const n = Number(code.slice(1, 3));
  if ('AB'.includes(l)) return 'I';
  if (l === 'C' || (l === 'D' && n < 50)) return 'II';
  if (l === 'D') return 'III';
  const simple: Record<string, string> = {
    E: 'IV',
    F: 'V',
    G: 'VI',
    I: 'IX',
    J: 'X',
    K: 'XI',
    L: 'XII',
    M: 'XIII',
    N: 'XIV',
    O: 'XV',
    P: 'XVI',
    Q: 'XVII',
    R: 'XVIII',
    S: 'XIX',
    T: 'XIX',
    V: 'XX',
    W: 'XX',
    X: 'XX',
    Y: 'XX',
    Z: 'XXI',
    U: 'XXII',
  };
  if (l === 'H') return n < 60 ? 'VII' : 'VIII';
  return simple[l] ?? '?';
}

const band5 = (age: number) => (age >= 95 ? '95+' : `${Math.floor(age / 5) * 5}-${Math.floor(age / 5) * 5 + 4}`);

/** The realism report of a dataset whose `checks` (from validate) passed the integrity ones. */
export async function validationReport(
  dir: string,
  file: string,
  checks: Check[],
  memoryLimit?: string,
): Promise<void> {
  if (!existsSync(dir) || datasetManifests(dir).length === 0)
    throw new UsageError(`${dir} has no _manifest.json: not a finished sndsbench dataset`);
  const params = JSON.parse(readFileSync(join(dir, datasetManifests(dir)[0]), 'utf8')).parameters as { years: string };
  const [firstYear, lastYear] = params.years.split('-').map(Number);
  const years = lastYear - firstYear + 1;
  const dataset = await openDataset(dir, memoryLimit);
  const conn = dataset.conn;
  const rows = async (sql: string) =>
    (await conn.runAndReadAll(sql)).getRowsJS().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  const table = (t: string) => `read_parquet(${sqlString(join(dir, t, '**', '*.parquet'))}, hive_partitioning = false)`;
  const has = (t: string) => existsSync(join(dir, t));
  const specs: { title: string; spec: Spec }[] = [];

  if (has('IR_BEN_R')) {
    // Ages on 1 January of the first year (people born before it), against Insee's pyramid the model draws from.
    const gen = await rows(
      `SELECT BEN_SEX_COD, ${firstYear} - CAST(BEN_NAI_ANN AS INTEGER) - 1 AS age, count(*) ` +
        `FROM ${table('IR_BEN_R')} WHERE CAST(BEN_NAI_ANN AS INTEGER) < ${firstYear} GROUP BY ALL`,
    );
    const data: Record<string, unknown>[] = [];
    const add = (source: string, sex: string, age: number, n: number) =>
      data.push({ source, sex, band: band5(Math.max(0, age)), n });
    for (const [sex, age, n] of gen) add('generated', Number(sex) === 1 ? 'men' : 'women', Number(age), Number(n));
    for (const r of readCsv(ref('population_single_age_sex.csv')).filter((r) => r.year === '2025'))
      add('reference (Insee 2025)', r.sex === 'M' ? 'men' : 'women', Number(r.age), Number(r.population));
    const totals = new Map<string, number>();
    for (const d of data) totals.set(d.source as string, (totals.get(d.source as string) ?? 0) + (d.n as number));
    for (const d of data) d.share = (100 * (d.n as number)) / totals.get(d.source as string)!;
    const order = Array.from({ length: 20 }, (_, i) => band5(i * 5));
    specs.push({
      title: 'Age pyramid: generated against the reference',
      spec: {
        data: { values: data },
        facet: { column: { field: 'sex', type: 'nominal' } },
        spec: {
          width: 300,
          height: 320,
          mark: 'bar',
          encoding: {
            y: { field: 'band', type: 'ordinal', sort: [...order].reverse(), title: 'age' },
            x: { aggregate: 'sum', field: 'share', type: 'quantitative', title: '% of the population' },
            yOffset: { field: 'source' },
            color: { field: 'source', type: 'nominal' },
          },
        },
      },
    });

    const depts = await rows(`SELECT BEN_RES_DPT, count(*) FROM ${table('IR_BEN_R')} GROUP BY ALL`);
    const total = depts.reduce((s, r) => s + Number(r[1]), 0);
    const cal = calibration();
    const refShare = new Map<string, number>();
    const all = cal.cellCumulative[cal.cellCumulative.length - 1];
    cal.cells.forEach((c, i) =>
      refShare.set(
        c.dept,
        (refShare.get(c.dept) ?? 0) + (100 * (cal.cellCumulative[i] - (i ? cal.cellCumulative[i - 1] : 0))) / all,
      ),
    );
    const points = depts.map(([d, n]) => {
      const insee = String(d).length === 3 && String(d).startsWith('0') ? String(d).slice(1) : String(d);
      return { dept: insee, generated: (100 * Number(n)) / total, reference: refShare.get(insee) ?? 0 };
    });
    const max = Math.max(...points.map((p) => Math.max(p.generated, p.reference)));
    specs.push({
      title: 'Shares by département: generated against Insee',
      spec: {
        width: 360,
        height: 360,
        layer: [
          {
            data: {
              values: [
                { x: 0, y: 0 },
                { x: max, y: max },
              ],
            },
            mark: { type: 'line', color: '#999', strokeDash: [4, 3] },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
          },
          {
            data: { values: points },
            mark: { type: 'point', filled: true },
            encoding: {
              x: { field: 'reference', type: 'quantitative', title: 'reference share (%)' },
              y: { field: 'generated', type: 'quantitative', title: 'generated share (%)' },
              tooltip: { field: 'dept' },
            },
          },
        ],
      },
    });
  }

  if (has('ER_PRS_F') && has('IR_BEN_R')) {
    // GP consultations per person-year by age band, against DREES's published mean.
    const bands = calibration().model.age_bands;
    const bandOf = (a: string) =>
      `CASE ${bands
        .map((b, i) => `WHEN ${a} >= ${b} THEN '${b}${i + 1 < bands.length ? '-' + (bands[i + 1] - 1) : '+'}'`)
        .reverse()
        .join(' ')} END`;
    const visits = await rows(
      `SELECT ${bandOf('CASE WHEN BEN_AMA_COD >= 1000 THEN 0 ELSE BEN_AMA_COD END')} AS band, ` +
        `count(*) FROM ${table('ER_PRS_F')} WHERE PRS_NAT_REF IN (${GP_ACT_NATURES}) GROUP BY ALL`,
    );
    const people = await rows(
      `SELECT ${bandOf(`greatest(0, ${firstYear} - CAST(BEN_NAI_ANN AS INTEGER))`)} AS band, ` +
        `count(*) FROM ${table('IR_BEN_R')} GROUP BY ALL`,
    );
    const per = new Map(people.map(([b, n]) => [String(b), Number(n) * years]));
    const target = Number(
      readCsv(ref('care_consumption.csv')).find(
        (r) => r.indicator === 'gp_consultations_per_inhabitant' && r.year === '2022',
      )?.value ?? 3.3,
    );
    const data = visits.map(([b, n]) => ({ band: String(b), visits: Number(n) / (per.get(String(b)) ?? 1) }));
    specs.push({
      title: `GP consultations per person-year by age band (rule: DREES mean ${target})`,
      spec: {
        width: 420,
        height: 240,
        layer: [
          {
            data: { values: data },
            mark: 'bar',
            encoding: {
              x: {
                field: 'band',
                type: 'ordinal',
                sort: bands.map((b, i) => `${b}${i + 1 < bands.length ? '-' + (bands[i + 1] - 1) : '+'}`),
                title: 'age band',
              },
              y: { field: 'visits', type: 'quantitative', title: 'consultations per person-year' },
            },
          },
          {
            data: { values: [{ y: target }] },
            mark: { type: 'rule', color: '#e45756', strokeDash: [4, 3] },
            encoding: { y: { field: 'y', type: 'quantitative' } },
          },
        ],
      },
    });
  }

  if (has('T_MCOaaB')) {
    // As the reference counts them: stays without séances (CMD 28) nor uncomplicated deliveries (O80).
    const gen = await rows(
      `SELECT DGN_PAL, count(*) FROM ${table('T_MCOaaB')} ` +
        `WHERE GRG_GHM NOT LIKE '28%' AND DGN_PAL NOT LIKE 'O80%' GROUP BY ALL`,
    );
    const byChapter = new Map<string, number>();
    for (const [code, n] of gen)
      byChapter.set(icdChapter(String(code)), (byChapter.get(icdChapter(String(code))) ?? 0) + Number(n));
    const refRows = readCsv(ref('hospital_stays_mco.csv')).filter((r) => r.table === 'stays_by_pdx_chapter');
    const data: { chapter: string; source: string; share: number }[] = [];
    const genTotal = [...byChapter.values()].reduce((a, b) => a + b, 0);
    const refTotal = refRows.reduce((s, r) => s + Number(r.value), 0);
    for (const [chapter, n] of byChapter) data.push({ chapter, source: 'generated', share: (100 * n) / genTotal });
    for (const r of refRows)
      data.push({
        chapter: r.icd10_chapter.split(' ')[0],
        source: 'reference (DREES 2013)',
        share: (100 * Number(r.value)) / refTotal,
      });
    specs.push({
      title: 'ICD-10 chapter of the main diagnosis of stays (without séances nor O80 deliveries, as the reference)',
      spec: {
        width: 520,
        height: 260,
        data: { values: data },
        mark: 'bar',
        encoding: {
          x: { field: 'chapter', type: 'nominal', sort: '-y' },
          xOffset: { field: 'source' },
          y: { field: 'share', type: 'quantitative', title: '% of stays' },
          color: { field: 'source', type: 'nominal' },
        },
      },
    });
  }

  if (has('KI_CCI_R')) {
    // Place of death (DCD_LIE_COD, DS_LIE_V) against Insee 2016, and the hospital deaths with their MCO stay.
    const gen = await rows(`SELECT DCD_LIE_COD, count(*) FROM ${table('KI_CCI_R')} GROUP BY ALL`);
    const total = gen.reduce((s, r) => s + Number(r[1]), 0);
    const label: Record<number, string> = {
      1: 'home',
      2: 'health establishment',
      3: 'health establishment',
      4: 'retirement home',
      5: 'public road',
    };
    const data: Record<string, unknown>[] = gen.map(([code, n]) => ({
      place: label[Number(code)] ?? 'other',
      source: 'generated',
      share: (100 * Number(n)) / Math.max(1, total),
    }));
    const reference: Record<string, string> = {
      'health establishment (hospital or clinic)': 'health establishment',
      home: 'home',
      'retirement home (maison de retraite)': 'retirement home',
      'public road (voie publique)': 'public road',
    };
    for (const r of readCsv(ref('place_of_death.csv')))
      if (r.year === '2016' && r.geo === 'France' && r.age_group === 'all' && reference[r.place])
        data.push({ place: reference[r.place], source: 'reference (Insee 2016)', share: Number(r.share_pct) });
    if (has('T_MCOaaB') && has('T_MCOaaC') && has('IR_BEN_R')) {
      const [[withStay]] = await rows(
        `SELECT count(*) FROM ${table('KI_CCI_R')} k WHERE k.DCD_LIE_COD IN (2, 3) AND EXISTS (` +
          `SELECT 1 FROM ${table('T_MCOaaB')} b JOIN ${table('T_MCOaaC')} c USING (ETA_NUM, RSA_NUM) ` +
          `JOIN ${table('IR_BEN_R')} p ON p.BEN_NIR_PSA = c.NIR_ANO_17 ` +
          `WHERE p.BEN_NIR_ANO = k.BEN_NIR_ANO AND b.SOR_MOD = '9' AND c.EXE_SOI_DTF = k.BEN_DCD_DTE)`,
      );
      // Only a linked certificate finds its stay: the share is over the linked ones.
      const [[linked]] = await rows(`SELECT count(BEN_NIR_ANO) FROM ${table('KI_CCI_R')}`);
      data.push({
        place: 'in an MCO stay ending in death',
        source: 'generated',
        share: (100 * Number(withStay)) / Math.max(1, Number(linked)),
      });
      const mco = readCsv(ref('hospital_deaths.csv')).find(
        (r) => r.indicator === 'share_decedents_died_during_hospital_stay' && r.year === '2013',
      );
      if (mco) data.push({ place: 'in an MCO stay ending in death', source: 'reference (SNIIRAM 2013)', share: 51 });
    }
    specs.push({
      title: 'Place of death, and deaths at the end of an MCO stay',
      spec: {
        width: 420,
        height: 240,
        data: { values: data },
        mark: 'bar',
        encoding: {
          x: { field: 'place', type: 'nominal', sort: '-y', title: null },
          xOffset: { field: 'source' },
          y: { aggregate: 'sum', field: 'share', type: 'quantitative', title: '% of deaths' },
          color: { field: 'source', type: 'nominal' },
        },
      },
    });
  }

  if (has('ER_PHA_F') && has('IR_PHA_R')) {
    const gen = await rows(
      `SELECT r.PHA_ATC_C07, sum(p.PHA_ACT_QSN) FROM ${table('ER_PHA_F')} p ` +
        `JOIN ${table('IR_PHA_R')} r ON p.PHA_PRS_C13 = r.PHA_CIP_C13 GROUP BY ALL`,
    );
    // Like with like: the reference lists the most delivered substances, so the generated boxes are shared
    // over the same substances; both are grouped by ATC class (level 3) and the top classes are shown.
    const refRows = readCsv(ref('top_drugs.csv')).filter((r) => r.ranking === 'by_boxes');
    const listed = new Set(refRows.map((r) => r.atc_code));
    const byClass = (pairs: [string, number][]) => {
      const m = new Map<string, number>();
      for (const [atc, n] of pairs) if (listed.has(atc)) m.set(atc.slice(0, 4), (m.get(atc.slice(0, 4)) ?? 0) + n);
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      return new Map([...m].map(([k, n]) => [k, (100 * n) / Math.max(1, total)]));
    };
    const genShares = byClass(gen.map(([atc, n]) => [String(atc), Number(n)]));
    const refShares = byClass(refRows.map((r) => [r.atc_code, Number(r.boxes_millions)]));
    const top = [...new Set([...genShares.keys(), ...refShares.keys()])]
      .sort(
        (a, b) =>
          Math.max(refShares.get(b) ?? 0, genShares.get(b) ?? 0) -
          Math.max(refShares.get(a) ?? 0, genShares.get(a) ?? 0),
      )
      .slice(0, TOP_ATC_CLASSES);
    const data = top.flatMap((atc) => [
      { atc, source: 'generated', share: genShares.get(atc) ?? 0 },
      { atc, source: 'reference (CNAM top drugs by boxes)', share: refShares.get(atc) ?? 0 },
    ]);
    specs.push({
      title: `ATC classes of deliveries: the ${TOP_ATC_CLASSES} largest, % of the boxes of the reference's substances`,
      spec: {
        width: 560,
        height: 260,
        data: { values: data },
        mark: 'bar',
        encoding: {
          x: { field: 'atc', type: 'nominal', sort: '-y', title: 'ATC class (level 3)' },
          xOffset: { field: 'source' },
          y: { field: 'share', type: 'quantitative', title: '% of boxes' },
          color: { field: 'source', type: 'nominal' },
        },
      },
    });
  }
  specs.push(...(await calendarCharts(rows, table, has, firstYear, lastYear)));
  dataset.close();
  const bands = bandPositions(checks);
  if (bands.length) specs.push({ title: BAND_TITLE, spec: bandChart(bands) });

  const figures = await Promise.all(
    specs.map(async (s) => `<figure><figcaption>${esc(s.title)}</figcaption>${await svg(s.spec)}</figure>`),
  );
  const rowsHtml = checks
    .map(
      (c) =>
        `<tr class="${c.ok ? 'pass' : 'fail'}"><td>${esc(c.group)}</td><td>${esc(c.name)}</td>` +
        `<td>${esc(c.value)}</td><td>${esc(c.expected)}</td><td>${c.ok ? 'ok' : 'FAILED'}</td></tr>`,
    )
    .join('\n');
  const css =
    'body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}' +
    'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}' +
    '.pass td:last-child{background:#d9f2d9}.fail td:last-child{background:#f8d0d0}' +
    'figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}figcaption{font-weight:600}';
  writeAtomic(
    file,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sndsbench dataset realism</title>
<style>${css}</style>
</head><body>
<h1>Synthetic dataset against published statistics</h1>
<p>${esc(dir)}: ${params.years}. Every value is synthetic; the references are published aggregates (see SOURCES.md).</p>
${figures.join('\n')}
<h2>Checks</h2>
<table id="checks"><tr><th>group</th><th>check</th><th>value</th><th>expected</th><th></th></tr>
${rowsHtml}</table>
</body></html>
`,
  );
}

const BAND_TITLE =
  "Each published marginal in its allowed range: -1 and +1 are the range's ends, 0 its middle (the reference)";

/** A check whose expected value is a range "lo–hi", with where its value falls in it. */
export interface BandPosition {
  group: string;
  name: string;
  /** -1 at the range's low end, +1 at its high end; beyond them when the check failed. */
  position: number;
}

/**
 * Where each ranged check's value falls in its range: the calibrated marginals (incidence, persistence,
 * spending, case mix...) on one legible axis, whatever their units. Checks without a numeric range are left out.
 */
export function bandPositions(checks: Check[]): BandPosition[] {
  const out: BandPosition[] = [];
  for (const c of checks) {
    const range = /^(-?[\d.]+)\s*[–-]\s*(-?[\d.]+)\s*%?$/.exec(c.expected.replace(/,/g, ''));
    const value = Number.parseFloat(c.value.replace(/,/g, ''));
    if (!range || !Number.isFinite(value)) continue;
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    if (!(hi > lo)) continue;
    out.push({ group: c.group, name: c.name, position: (2 * (value - lo)) / (hi - lo) - 1 });
  }
  return out;
}

function bandChart(bands: BandPosition[]): Spec {
  const NAME = 90;
  const data = bands.map((b) => ({
    ...b,
    check: `${b.group}: ${b.name.length > NAME ? b.name.slice(0, NAME - 1) + '…' : b.name}`,
    within: Math.abs(b.position) <= 1 ? 'within' : 'outside',
    shown: Math.max(-2, Math.min(2, b.position)),
  }));
  return {
    width: 420,
    height: { step: 13 },
    data: { values: data },
    layer: [
      { mark: { type: 'rule', color: '#999' }, encoding: { x: { datum: -1 } } },
      { mark: { type: 'rule', color: '#999' }, encoding: { x: { datum: 1 } } },
      {
        mark: { type: 'point', filled: true },
        encoding: {
          y: { field: 'check', type: 'nominal', sort: null, title: null, axis: { labelLimit: 600 } },
          x: {
            field: 'shown',
            type: 'quantitative',
            scale: { domain: [-2, 2] },
            title: 'position in the allowed range (clipped at ±2)',
          },
          color: {
            field: 'within',
            type: 'nominal',
            scale: { domain: ['within', 'outside'], range: ['#2a7', '#d33'] },
          },
        },
      },
    ],
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Monthly and weekday profiles of GP visits, J01 deliveries and deaths, against the model and published figures. */
async function calendarCharts(
  rows: (sql: string) => Promise<unknown[][]>,
  table: (t: string) => string,
  has: (t: string) => boolean,
  firstYear: number,
  lastYear: number,
): Promise<{ title: string; spec: Spec }[]> {
  const sql = seriesSql(table);
  const published = publishedCalendar();
  const monthly: Record<string, unknown>[] = [];
  const weekly: Record<string, unknown>[] = [];
  const monthOf = (d: number) => new Date(d * 86_400_000).getUTCMonth();
  const series: [string, string, Profile, string[]][] = [
    ['GP consultations', sql.gp, 'gp', ['ER_PRS_F']],
    ['J01 antibiotic deliveries', sql.antibiotics, 'antibiotics', ['ER_PRS_F', 'ER_PHA_F', 'IR_PHA_R']],
    ['deaths', sql.deaths, 'death', ['KI_CCI_R']],
  ];
  for (const [name, query, profile, tables] of series) {
    if (!tables.every(has)) continue;
    const counts = new DayCounts(await rows(query), firstYear, lastYear);
    MONTHS.forEach((month, m) => {
      const inMonth = (d: number) => monthOf(d) === m;
      monthly.push({ series: name, month, source: 'generated', index: counts.index(inMonth).index });
      const model = profileIndex(profile, firstYear, lastYear, inMonth);
      monthly.push({ series: name, month, source: 'model profile', index: model });
    });
    if (profile === 'antibiotics') continue;
    WEEKDAYS.forEach((weekday, wd) => {
      const onDay = (d: number) => weekdayOf(d) === wd;
      weekly.push({ series: name, weekday, source: 'generated', share: counts.index(onDay).index / 7 });
      weekly.push({
        series: name,
        weekday,
        source: 'model profile',
        share: profileIndex(profile, firstYear, lastYear, onDay) / 7,
      });
    });
  }
  const cite = (series: string, at: Record<string, unknown>, value: number, key: 'index' | 'share') =>
    (key === 'index' ? monthly : weekly).push({ series, ...at, source: 'published', [key]: value });
  if (monthly.some((r) => r.series === 'deaths')) {
    cite('deaths', { month: 'Jan' }, published.deathsJanuary, 'index');
    cite('deaths', { month: 'Aug' }, published.deathsAugust, 'index');
    cite('deaths', { weekday: 'Sun' }, published.deathsSunday / 7, 'share');
  }
  if (monthly.some((r) => r.series === 'GP consultations')) {
    cite('GP consultations', { weekday: 'Mon' }, published.gpMonday, 'share');
    cite('GP consultations', { weekday: 'Sun' }, published.gpSunday, 'share');
  }
  const chart = (data: Record<string, unknown>[], x: string, order: string[], y: string, title: string): Spec => ({
    data: { values: data },
    facet: { row: { field: 'series', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 520,
      height: 150,
      mark: 'bar',
      encoding: {
        x: { field: x, type: 'ordinal', sort: order, title: null },
        xOffset: { field: 'source' },
        y: { field: y, type: 'quantitative', title },
        color: { field: 'source', type: 'nominal' },
      },
    },
  });
  if (!monthly.length) return [];
  return [
    {
      title:
        'Monthly profile, % of a mean day (published: Insee Focus 337 for deaths; the rest assumed, see model.json)',
      spec: chart(monthly, 'month', MONTHS, 'index', '% of a mean day'),
    },
    {
      title: 'Weekday profile, % of the week (published: CNAM 2000 for GP visits, Insee Focus 337 for deaths)',
      spec: chart(weekly, 'weekday', WEEKDAYS, 'share', '% of the week'),
    },
  ];
}
