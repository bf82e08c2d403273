// `sndsbench report <results..>`: the candidate hosts of the given runs side by side, and a scorecard.
import type { Argv } from 'yargs';
import { DEFAULT_CRITERIA, loadCriteria, report } from '../report/report.js';
import { absolute } from './args.js';

export function reportCommand(y: Argv): Argv {
  return y.command(
    'report <results..>',
    'Put the candidate hosts of the given runs side by side: one HTML page with charts, Markdown and JSON, ' +
      'and a scorecard',
    (y) =>
      y
        .positional('results', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'run folders, or folders of runs (results/)',
          coerce: (ps: unknown[]) => ps.map(absolute),
        })
        .option('out', {
          type: 'string',
          demandOption: true,
          describe: 'folder for report.html, report.md, report.json',
          coerce: absolute,
        })
        .option('criteria', {
          type: 'string',
          default: DEFAULT_CRITERIA,
          describe: "the scorecard's criteria and thresholds (the tender's), JSON",
          coerce: absolute,
        }),
    async (a) => {
      const r = await report(a.results, a.out, loadCriteria(a.criteria));
      const fails = r.scorecard.filter((row) => Object.values(row.cells).some((c) => c.pass === false)).length;
      const candidates = `${r.candidates.length} candidates (${r.candidates.join(', ')})`;
      const failed = `${fails} criteria failed by at least one`;
      console.log(`${r.runs.length} runs, ${candidates}; ${failed}; report in ${a.out}/report.html`);
    },
  );
}
