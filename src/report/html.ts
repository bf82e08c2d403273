// report.html: one self-contained page (SVG charts, no script, no network) with the scorecard, the
// charts, each workload's measurements, the candidates' published limits and links to every run.
import { escapeHtml as esc, svg } from '../util/charts.js';
import { charts } from './charts/index.js';
import { fmt, type Cell, type Loaded, type Report } from './types.js';
import { showInterval } from './intervals.js';
import { LIMIT_KINDS, type LimitName } from '../hosts/limits.js';

/** Every kind of limit, as declared once (src/hosts/limits.ts). */
const LIMITS = Object.keys(LIMIT_KINDS) as LimitName[];

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}\
td:first-child,th:first-child{text-align:left}
.pass{background:#d9f2d9}.fail{background:#f8d0d0}.na{color:#888}
figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}figcaption{font-weight:600;margin-bottom:.3rem}
code{font-size:.85em}`;

/** Text linked to a run's manifest. */
const link = (id: string | null, text: string) =>
  id ? `<a href="runs/${esc(id)}/manifest.json">${esc(text)}</a>` : esc(text);

function scoreRows(r: Report): string {
  const cell = (c: Cell) => {
    if (c.pass === null) return '<td class="na">no comparable run</td>';
    const verdict = c.pass ? 'PASS' : 'FAIL';
    const value = link(c.run, c.interval ? showInterval(c.interval, fmt) : fmt(c.value));
    return `<td class="${c.pass ? 'pass' : 'fail'}" data-verdict="${verdict}">${verdict} ${value}</td>`;
  };
  return r.scorecard
    .map((row) => {
      const threshold = `${row.criterion.op} ${row.criterion.threshold}`;
      const head = `<td>${esc(row.criterion.label)}</td><td>${esc(threshold)}</td>`;
      const rank = r.repetitions > 1 ? `<td class="ranking">${esc(row.ranking ?? '—')}</td>` : '';
      return `<tr>${head}${r.candidates.map((h) => cell(row.cells[h])).join('')}${rank}</tr>`;
    })
    .join('\n');
}

function measurementTables(r: Report): string {
  return r.groups
    .map((g) => {
      const keys = Object.keys(g.runs[0].metrics);
      const head = `<tr><th>host</th>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`;
      const rows = g.runs
        .map((run) => {
          const shown = (k: string) => {
            const i = run.intervals?.[k];
            return i ? showInterval(i, fmt) : fmt(run.metrics[k] ?? null);
          };
          const cells = keys.map((k) => `<td>${link(run.id, shown(k))}</td>`).join('');
          const n = run.n && run.n > 1 ? ` (${run.n} runs)` : '';
          return `<tr><td>${link(run.id, run.host)}${n}</td>${cells}</tr>`;
        })
        .join('');
      const workload = `<p class="workload">workload: <code>${esc(JSON.stringify(g.workload))}</code></p>`;
      return `<h3>${esc(g.scenario)}</h3>${workload}<table>${head}${rows}</table>`;
    })
    .join('\n');
}

const rankingHead = (r: Report) => (r.repetitions > 1 ? '<th>ranking</th>' : '');

/** How repeated figures read, where the campaign repeated its runs. */
function noise(r: Report): string {
  if (r.repetitions <= 1) return '';
  return `<p>Each workload ran ${r.repetitions} times per candidate, interleaved. Figures are the median \
[min–max] of the runs; verdicts are judged on the median. A ranking holds only where two candidates' \
ranges do not overlap ("&gt;"); "≈" means indistinguishable at this noise.</p>`;
}

export async function html(r: Report, groups: Loaded[][]): Promise<string> {
  const rendered = await Promise.all(
    charts(groups).map(async (c) => `<figure><figcaption>${esc(c.title)}</figcaption>${await svg(c.spec)}</figure>`),
  );
  const hosts = r.candidates.map((h) => `<th>${esc(h)}</th>`).join('');
  const limits = LIMITS.map((k) => {
    const cells = r.candidates.map((h) => `<td>${esc(String(r.limits[h]?.[k] ?? '—'))}</td>`).join('');
    return `<tr><td title="${esc(LIMIT_KINDS[k].meaning)}">${k}</td>${cells}</tr>`;
  }).join('\n');
  const provenance = r.runs
    .map((x) => `<li>${esc(x.kind)} on ${esc(x.host)}: <a href="${esc(x.manifest)}">${esc(x.id)}</a></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sndsbench report</title>
<style>
${STYLE}
</style></head><body>
<h1>Candidate hosts side by side</h1>
<p>Generated ${esc(r.generated)} from ${r.runs.length} runs. Figures link to their run's manifest (tools, workload, \
machine, sndsbench commit); runs are compared only when their workloads are identical.</p>
<h2>Scorecard</h2>
${noise(r)}
<table id="scorecard"><tr><th>criterion</th><th>threshold</th>${hosts}${rankingHead(r)}</tr>
${scoreRows(r)}</table>
<h2>Charts</h2>
${rendered.join('\n')}
<h2>Measurements</h2>
${measurementTables(r)}
<h2>Published limits</h2>
<table><tr><th>limit</th>${hosts}</tr>
${limits}</table>
<h2>Runs</h2>
<ul>${provenance}</ul>
</body></html>
`;
}
