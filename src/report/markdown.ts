// report.md: the scorecard and each workload's measurements as Markdown tables, linked to the runs.
import { fmt, type Report } from './types.js';
import { showInterval } from './intervals.js';

export function markdown(r: Report): string {
  const lines = ['# sndsbench: candidate hosts side by side', '', `Generated ${r.generated}. Charts: report.html.`];
  lines.push('', '## Scorecard', '');
  const repeated = r.repetitions > 1;
  if (repeated)
    lines.push(
      `Each workload ran ${r.repetitions} times per candidate, interleaved: figures are median [min–max]; a ` +
        'ranking holds only where ranges do not overlap (">"), "≈" means indistinguishable.',
      '',
    );
  lines.push(
    `| criterion | threshold | ${r.candidates.join(' | ')} |${repeated ? ' ranking |' : ''}`,
    `|---|---|${r.candidates.map(() => '---').join('|')}|${repeated ? '---|' : ''}`,
  );
  for (const row of r.scorecard) {
    const cells = r.candidates.map((h) => {
      const c = row.cells[h];
      if (c.pass === null) return 'no comparable run';
      const value = c.interval ? showInterval(c.interval, fmt) : fmt(c.value);
      return `${c.pass ? 'PASS' : 'FAIL'} ${value} ([run](runs/${c.run}/manifest.json))`;
    });
    const rank = repeated ? ` ${row.ranking ?? '—'} |` : '';
    lines.push(
      `| ${row.criterion.label} | ${row.criterion.op} ${row.criterion.threshold} | ${cells.join(' | ')} |${rank}`,
    );
  }
  for (const g of r.groups) {
    lines.push('', `## ${g.scenario}`, '', `Workload: \`${JSON.stringify(g.workload)}\``, '');
    const keys = Object.keys(g.runs[0].metrics);
    lines.push(`| host | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
    for (const run of g.runs) {
      const cells = keys.map((k) => {
        const i = run.intervals?.[k];
        return i ? showInterval(i, fmt) : fmt(run.metrics[k] ?? null);
      });
      const n = run.n && run.n > 1 ? ` (${run.n} runs)` : '';
      lines.push(`| [${run.host}](runs/${run.id}/manifest.json)${n} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n') + '\n';
}
