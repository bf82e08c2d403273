// report.md: the scorecard and each workload's measurements as Markdown tables, linked to the runs.
import { fmt, type Report } from './types.js';

export function markdown(r: Report): string {
  const lines = ['# sndsbench: candidate hosts side by side', '', `Generated ${r.generated}. Charts: report.html.`];
  lines.push('', '## Scorecard', '');
  lines.push(
    `| criterion | threshold | ${r.candidates.join(' | ')} |`,
    `|---|---|${r.candidates.map(() => '---').join('|')}|`,
  );
  for (const row of r.scorecard) {
    const cells = r.candidates.map((h) => {
      const c = row.cells[h];
      if (c.pass === null) return 'no comparable run';
      return `${c.pass ? 'PASS' : 'FAIL'} ${fmt(c.value)} ([run](runs/${c.run}/manifest.json))`;
    });
    lines.push(`| ${row.criterion.label} | ${row.criterion.op} ${row.criterion.threshold} | ${cells.join(' | ')} |`);
  }
  for (const g of r.groups) {
    lines.push('', `## ${g.scenario}`, '', `Workload: \`${JSON.stringify(g.workload)}\``, '');
    const keys = Object.keys(g.runs[0].metrics);
    lines.push(`| host | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
    for (const run of g.runs) {
      const cells = keys.map((k) => fmt(run.metrics[k] ?? null));
      lines.push(`| [${run.host}](runs/${run.id}/manifest.json) | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n') + '\n';
}
