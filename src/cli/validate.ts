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
      const checks = await validate(a.dir);
      if (a.json) console.log(JSON.stringify({ passed: checks.every((c) => c.ok), checks }, null, 1));
      else printChecks(checks);
      const intact = checks.every((c) => c.ok || c.group !== 'integrity');
      if (a.report && intact) await validationReport(a.dir, a.report, checks);
      if (a.report && !intact) console.error(`sndsbench: ${a.report} not written: the files do not match the manifest`);
      exit(checks.every((c) => c.ok) ? 0 : 1);
    },
  );
}
