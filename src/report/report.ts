// `sndsbench report RESULTS_DIR... --out DIR`: the candidate hosts side by side on the same workloads,
// as one self-contained HTML page (SVG charts, no script, no network), Markdown and JSON, with a
// scorecard against the evaluator's criteria and every figure linked to its run's manifest.
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { loadProfile, type Limits } from '../hosts/profile.js';
import type { RunManifest } from '../contracts/results.js';
import { writeAtomic } from '../util/files.js';
import { escapeHtml as esc, svg, type Spec } from '../util/charts.js';

export interface Criterion {
  id: string;
  label: string;
  kind: RunManifest['kind'];
  scenario?: string;
  metric: string;
  op: '<=' | '>=' | '==';
  threshold: number | string;
}

export const DEFAULT_CRITERIA = projectPath('report', 'criteria.json');

type Metrics = Record<string, number | string>;

interface Loaded {
  id: string;
  dir: string;
  manifest: RunManifest;
  metrics: Metrics;
  series: { second: number; mib_s: number }[];
  timeline: { second: number; ok: number; errors: number; p99_ms: number }[];
  window: [number, number] | null;
}

interface Cell {
  value: number | string | null;
  pass: boolean | null;
  run: string | null;
}

export interface Report {
  generated: string;
  candidates: string[];
  scorecard: { criterion: Criterion; cells: Record<string, Cell> }[];
  groups: { scenario: string; workload: Record<string, unknown>; runs: { host: string; id: string; metrics: Metrics }[] }[];
  limits: Record<string, Limits | null>;
  runs: { id: string; kind: string; host: string; manifest: string; dashboard: string | null }[];
}

function runDirs(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (!existsSync(a)) throw new UsageError(`${a}: no such results folder`);
    if (existsSync(join(a, 'manifest.json'))) out.push(a);
    else for (const d of readdirSync(a).sort()) if (existsSync(join(a, d, 'manifest.json'))) out.push(join(a, d));
  }
  if (out.length === 0) throw new UsageError(`no run results (a folder with manifest.json) in ${args.join(', ')}`);
  return out;
}

/** Bytes moved per second of the run, from k6's raw samples. */
async function throughputSeries(dir: string): Promise<Loaded['series']> {
  const points: [number, number][] = [];
  for (const f of readdirSync(dir).filter((f) => /^samples(-\d+)?\.json\.gz$/.test(f))) {
    for await (const line of createInterface({ input: createReadStream(join(dir, f)).pipe(createGunzip()) })) {
      if (!line.includes('"s3_bytes"') || !line.includes('"Point"')) continue;
      const p = JSON.parse(line) as { data: { time: string; value: number } };
      points.push([Date.parse(p.data.time), p.data.value]);
    }
  }
  const t0 = points.reduce((m, [t]) => Math.min(m, t), Infinity);
  const seconds = new Map<number, number>();
  for (const [t, b] of points) seconds.set(Math.floor((t - t0) / 1000), (seconds.get(Math.floor((t - t0) / 1000)) ?? 0) + b);
  return [...seconds].sort((a, b) => a[0] - b[0]).map(([second, b]) => ({ second, mib_s: b / 2 ** 20 }));
}

async function load(dir: string): Promise<Loaded> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  const base: Loaded = { id: manifest.id, dir, manifest, metrics: {}, series: [], timeline: [], window: null };
  if (manifest.kind === 'run') {
    const m = (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> }).metrics;
    const v = (k: string, s: string) => m[k]?.values[s] ?? 0;
    base.metrics = {
      throughput_mib_s: v('s3_bytes', 'rate') / 2 ** 20, objects_per_s: v('s3_objects', 'rate'),
      p50_ms: v('http_req_duration', 'med'), p90_ms: v('http_req_duration', 'p(90)'), p95_ms: v('http_req_duration', 'p(95)'), p99_ms: v('http_req_duration', 'p(99)'),
      ttfb_p50_ms: v('http_req_waiting', 'med'), ttfb_p99_ms: v('http_req_waiting', 'p(99)'), throttled: v('s3_throttled', 'count'), error_rate: v('http_req_failed', 'rate'),
    };
    base.series = await throughputSeries(dir);
  } else if (manifest.kind === 'migration') {
    const j = JSON.parse(readFileSync(join(dir, 'migration.json'), 'utf8')) as { rehearsal: { bytes_per_second: number; objects_per_second: number; retries: number; throttled: number; failed: unknown[] }; verdict: { verdict: string; seconds: number; window_seconds: number; margin_seconds: number } };
    base.metrics = {
      mb_per_s: j.rehearsal.bytes_per_second / 1e6, objects_per_s: j.rehearsal.objects_per_second, retries: j.rehearsal.retries, throttled: j.rehearsal.throttled,
      failed_objects: j.rehearsal.failed.length, verdict: j.verdict.verdict, migration_days: j.verdict.seconds / 86400, window_days: j.verdict.window_seconds / 86400, margin_days: j.verdict.margin_seconds / 86400,
    };
  } else {
    const j = JSON.parse(readFileSync(join(dir, 'cutover.json'), 'utf8')) as { verdict: string; lost_writes: string[]; stale_reads: number; integrity_failures: number; longest_failure_s: number; window: { start: number; end: number; error_rate: number; p99_ms: number }; rpo: { objects: number }; load_started: number; timeline: Loaded['timeline'] };
    base.metrics = {
      verdict: j.verdict, lost_writes: j.lost_writes.length, stale_reads: j.stale_reads, integrity_failures: j.integrity_failures, downtime_s: j.longest_failure_s,
      window_error_rate: j.window.error_rate, window_p99_ms: j.window.p99_ms, rpo_objects: j.rpo.objects,
    };
    base.timeline = j.timeline;
    base.window = [(j.window.start - j.load_started) / 1000, (j.window.end - j.load_started) / 1000];
  }
  return base;
}

const workloadKey = (m: RunManifest) => JSON.stringify(Object.entries(m.workload).sort(([a], [b]) => a.localeCompare(b)));

function compare(value: number | string, op: Criterion['op'], threshold: number | string): boolean {
  if (op === '==') return String(value) === String(threshold);
  return op === '<=' ? Number(value) <= Number(threshold) : Number(value) >= Number(threshold);
}

export function loadCriteria(path = DEFAULT_CRITERIA): Criterion[] {
  if (!existsSync(path)) throw new UsageError(`--criteria ${path}: no such file`);
  let c: { criteria?: Criterion[] };
  try {
    c = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--criteria ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(c.criteria) || c.criteria.some((x) => !x.id || !x.metric || !['<=', '>=', '=='].includes(x.op))) throw new UsageError(`--criteria ${path}: expected {"criteria": [{"id", "label", "kind", "metric", "op": "<=|>=|==", "threshold"}...]}`);
  return c.criteria;
}

export async function report(dirs: string[], out: string, criteria: Criterion[]): Promise<Report> {
  const runs = await Promise.all(runDirs(dirs).map(load));
  const candidates = [...new Set(runs.map((r) => r.manifest.host))].sort();

  // Runs are comparable when their workloads are identical; the latest run of each host per workload.
  const byWorkload = new Map<string, Map<string, Loaded>>();
  for (const r of runs.sort((a, b) => a.manifest.started.localeCompare(b.manifest.started))) {
    const key = workloadKey(r.manifest);
    if (!byWorkload.has(key)) byWorkload.set(key, new Map());
    byWorkload.get(key)!.set(r.manifest.host, r);
  }
  const groups = [...byWorkload.values()].map((hosts) => [...hosts.values()]);

  const scorecard = criteria.map((criterion) => {
    // The workload most candidates ran, for this criterion's kind and scenario.
    const eligible = groups.filter((g) => g[0].manifest.kind === criterion.kind && (!criterion.scenario || g[0].manifest.scenario === criterion.scenario));
    const group = eligible.sort((a, b) => b.length - a.length)[0] ?? [];
    const cells: Record<string, Cell> = {};
    for (const host of candidates) {
      const r = group.find((x) => x.manifest.host === host);
      const value = r?.metrics[criterion.metric];
      cells[host] = value === undefined ? { value: null, pass: null, run: null } : { value, pass: compare(value, criterion.op, criterion.threshold), run: r!.id };
    }
    return { criterion, cells };
  });

  const limits: Report['limits'] = {};
  for (const host of candidates) {
    try {
      limits[host] = loadProfile(host).limits;
    } catch {
      limits[host] = null;
    }
  }

  mkdirSync(join(out, 'runs'), { recursive: true });
  const links: Report['runs'] = [];
  for (const r of runs) {
    mkdirSync(join(out, 'runs', r.id), { recursive: true });
    copyFileSync(join(r.dir, 'manifest.json'), join(out, 'runs', r.id, 'manifest.json'));
    const dashboard = existsSync(join(r.dir, 'dashboard.html'));
    if (dashboard) copyFileSync(join(r.dir, 'dashboard.html'), join(out, 'runs', r.id, 'dashboard.html'));
    links.push({ id: r.id, kind: r.manifest.kind, host: r.manifest.host, manifest: `runs/${r.id}/manifest.json`, dashboard: dashboard ? `runs/${r.id}/dashboard.html` : null });
  }

  const result: Report = {
    generated: new Date().toISOString(),
    candidates,
    scorecard,
    groups: groups.map((g) => ({ scenario: g[0].manifest.scenario, workload: g[0].manifest.workload, runs: g.map((r) => ({ host: r.manifest.host, id: r.id, metrics: r.metrics })) })),
    limits,
    runs: links,
  };
  writeAtomic(join(out, 'report.json'), JSON.stringify(result, null, 1) + '\n');
  writeAtomic(join(out, 'report.md'), markdown(result));
  writeAtomic(join(out, 'report.html'), await html(result, groups));
  return result;
}

const fmt = (v: number | string | null) => (v === null ? '—' : typeof v === 'string' ? v : Math.abs(v) >= 100 || Number.isInteger(v) ? Math.round(v).toLocaleString('en') : v.toPrecision(3));

function markdown(r: Report): string {
  const lines = ['# sndsbench: candidate hosts side by side', '', `Generated ${r.generated}. Charts: report.html.`, '', '## Scorecard', ''];
  lines.push(`| criterion | threshold | ${r.candidates.join(' | ')} |`, `|---|---|${r.candidates.map(() => '---').join('|')}|`);
  for (const row of r.scorecard) {
    const cells = r.candidates.map((h) => {
      const c = row.cells[h];
      return c.pass === null ? 'no comparable run' : `${c.pass ? 'PASS' : 'FAIL'} ${fmt(c.value)} ([run](runs/${c.run}/manifest.json))`;
    });
    lines.push(`| ${row.criterion.label} | ${row.criterion.op} ${row.criterion.threshold} | ${cells.join(' | ')} |`);
  }
  for (const g of r.groups) {
    lines.push('', `## ${g.scenario}`, '', `Workload: \`${JSON.stringify(g.workload)}\``, '');
    const keys = Object.keys(g.runs[0].metrics);
    lines.push(`| host | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
    for (const run of g.runs) lines.push(`| [${run.host}](runs/${run.id}/manifest.json) | ${keys.map((k) => fmt(run.metrics[k] ?? null)).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

function charts(groups: Loaded[][]): { title: string; spec: Spec }[] {
  const out: { title: string; spec: Spec }[] = [];
  for (const g of groups) {
    const kind = g[0].manifest.kind;
    const scenario = g[0].manifest.scenario;
    if (kind === 'run') {
      const series = g.flatMap((r) => r.series.map((s) => ({ ...s, host: r.manifest.host })));
      if (series.length) {
        out.push({ title: `${scenario}: throughput over time`, spec: { width: 560, height: 220, data: { values: series }, mark: { type: 'line', point: true }, encoding: { x: { field: 'second', type: 'quantitative', title: 'second of the run' }, y: { field: 'mib_s', type: 'quantitative', title: 'MiB/s' }, color: { field: 'host', type: 'nominal' } } } });
      }
      const lat = g.flatMap((r) => ['p50', 'p90', 'p95', 'p99'].map((p) => ({ host: r.manifest.host, percentile: p, ms: Number(r.metrics[`${p}_ms`]) })));
      out.push({ title: `${scenario}: latency distribution`, spec: { width: 420, height: 220, data: { values: lat }, mark: 'bar', encoding: { x: { field: 'percentile', type: 'nominal' }, xOffset: { field: 'host' }, y: { field: 'ms', type: 'quantitative', title: 'ms' }, color: { field: 'host', type: 'nominal' } } } });
    } else if (kind === 'cutover') {
      for (const r of g) {
        const rows = r.timeline.flatMap((t) => [{ second: t.second, outcome: 'ok', requests: t.ok }, { second: t.second, outcome: 'error', requests: t.errors }]);
        out.push({
          title: `cutover on ${r.manifest.host}: timeline (switch window shaded)`,
          spec: {
            width: 560, height: 220,
            layer: [
              { data: { values: [{ from: r.window![0], to: r.window![1] }] }, mark: { type: 'rect', color: '#f2c14e', opacity: 0.35 }, encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } } },
              { data: { values: rows }, mark: 'bar', encoding: { x: { field: 'second', type: 'quantitative', title: 'second of the run' }, y: { field: 'requests', type: 'quantitative', stack: true, title: 'requests' }, color: { field: 'outcome', type: 'nominal', scale: { domain: ['ok', 'error'], range: ['#4c78a8', '#e45756'] } } } },
            ],
          },
        });
      }
    } else if (kind === 'migration') {
      const rows = g.map((r) => ({ host: r.manifest.host, days: Number(r.metrics.migration_days), window: Number(r.metrics.window_days) }));
      out.push({
        title: 'migration time per candidate against the window',
        spec: {
          width: 420, height: 40 * rows.length + 40,
          layer: [
            { data: { values: rows }, mark: 'bar', encoding: { y: { field: 'host', type: 'nominal' }, x: { field: 'days', type: 'quantitative', title: 'days' }, color: { field: 'host', type: 'nominal' } } },
            { data: { values: [{ window: rows[0].window }] }, mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { x: { field: 'window', type: 'quantitative' } } },
          ],
        },
      });
    }
  }
  return out;
}

async function html(r: Report, groups: Loaded[][]): Promise<string> {
  const rendered = await Promise.all(charts(groups).map(async (c) => `<figure><figcaption>${esc(c.title)}</figcaption>${await svg(c.spec)}</figure>`));
  const link = (id: string | null, text: string) => (id ? `<a href="runs/${esc(id)}/manifest.json">${esc(text)}</a>` : esc(text));
  const score = r.scorecard
    .map((row) => `<tr><td>${esc(row.criterion.label)}</td><td>${esc(`${row.criterion.op} ${row.criterion.threshold}`)}</td>${r.candidates
      .map((h) => {
        const c = row.cells[h];
        return c.pass === null ? '<td class="na">no comparable run</td>' : `<td class="${c.pass ? 'pass' : 'fail'}" data-verdict="${c.pass ? 'PASS' : 'FAIL'}">${c.pass ? 'PASS' : 'FAIL'} ${link(c.run, fmt(c.value))}</td>`;
      })
      .join('')}</tr>`)
    .join('\n');
  const limitKeys = ['put_per_second_per_bucket', 'get_per_second_per_bucket', 'part_size_min', 'part_size_max', 'max_parts', 'equal_parts', 'upload_time_limit_s'] as const;
  const limits = limitKeys.map((k) => `<tr><td>${k}</td>${r.candidates.map((h) => `<td>${esc(String(r.limits[h]?.[k] ?? '—'))}</td>`).join('')}</tr>`).join('\n');
  const tables = r.groups
    .map((g) => {
      const keys = Object.keys(g.runs[0].metrics);
      return `<h3>${esc(g.scenario)}</h3><p class="workload">workload: <code>${esc(JSON.stringify(g.workload))}</code></p><table><tr><th>host</th>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${g.runs
        .map((run) => `<tr><td>${link(run.id, run.host)}</td>${keys.map((k) => `<td>${link(run.id, fmt(run.metrics[k] ?? null))}</td>`).join('')}</tr>`)
        .join('')}</table>`;
    })
    .join('\n');
  const provenance = r.runs.map((x) => `<li>${esc(x.kind)} on ${esc(x.host)}: <a href="${esc(x.manifest)}">${esc(x.id)}</a>${x.dashboard ? ` (<a href="${esc(x.dashboard)}">k6 dashboard</a>)` : ''}</li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sndsbench report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}
.pass{background:#d9f2d9}.fail{background:#f8d0d0}.na{color:#888}
figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}figcaption{font-weight:600;margin-bottom:.3rem}
code{font-size:.85em}
</style></head><body>
<h1>Candidate hosts side by side</h1>
<p>Generated ${esc(r.generated)} from ${r.runs.length} runs. Figures link to their run's manifest (tools, workload, machine, sndsbench commit); runs are compared only when their workloads are identical.</p>
<h2>Scorecard</h2>
<table id="scorecard"><tr><th>criterion</th><th>threshold</th>${r.candidates.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${score}</table>
<h2>Charts</h2>
${rendered.join('\n')}
<h2>Measurements</h2>
${tables}
<h2>Published limits</h2>
<table><tr><th>limit</th>${r.candidates.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${limits}</table>
<h2>Runs</h2>
<ul>${provenance}</ul>
</body></html>
`;
}
