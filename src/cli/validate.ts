// `sndsbench validate <dir>`: checks a generated dataset; exit code 1 when a check fails.
import type { Argv } from 'yargs';
import { printChecks, validate } from '../dataset/validate.js';
import { validationReport } from '../dataset/validate-report.js';
import { absolute, type SetExitCode } from './args.js';

export function validateCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'validate <dir>',
    'Check a generated dataset: schema, keys, joins, dates, amounts, marginals against published statistics',
    (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, coerce: absolute })
        .option('json', { type: 'boolean', default: false })
        .option('report', {
          type: 'string',
          describe: 'also write the realism report (charts against the references, and the checks) to this HTML file',
          coerce: absolute,
        }),
    async (a) => {
      if (a.report) await validationReport(a.dir, a.report);
      const checks = await validate(a.dir);
      if (a.json) console.log(JSON.stringify({ passed: checks.every((c) => c.ok), checks }, null, 1));
      else printChecks(checks);
      exit(checks.every((c) => c.ok) ? 0 : 1);
    },
  );
}
