// `sndsbench validate <dir>`: checks a generated dataset; exit code 1 when a check fails.
import type { Argv } from 'yargs';
import { printChecks, validate } from '../dataset/validate.js';
import { validationReport } from '../dataset/validate-report.js';
import { VALIDATE_MEMORY_LIMIT } from '../dataset/validate-db.js';
import { parseVolume } from '../util/units.js';
import { UsageError } from '../util/errors.js';
import { absolute, type SetExitCode } from './args.js';

/** A size DuckDB reads as its memory limit: what a user types, checked here, handed over in bytes. */
function memoryLimit(v: unknown): string {
  const bytes = (() => {
    try {
      return parseVolume(String(v));
    } catch {
      return NaN;
    }
  })();
  // DuckDB needs a few megabytes per thread to run a query at all.
  if (!(bytes >= 64e6))
    throw new UsageError(`--memory-limit must be a size of at least 64MB such as 500MB or 2GiB, got "${v}"`);
  return `${Math.round(bytes)}B`;
}

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
        })
        .option('memory-limit', {
          type: 'string',
          default: VALIDATE_MEMORY_LIMIT,
          describe: "DuckDB's memory while it checks (500MB, 2GiB); beyond it, it spills to a folder of $TMPDIR",
        }),
    async (a) => {
      const limit = memoryLimit(a.memoryLimit);
      const checks = await validate(a.dir, { memoryLimit: limit });
      if (a.json) console.log(JSON.stringify({ passed: checks.every((c) => c.ok), checks }, null, 1));
      else printChecks(checks);
      const intact = checks.every((c) => c.ok || c.group !== 'integrity');
      if (a.report && intact) await validationReport(a.dir, a.report, checks, limit);
      if (a.report && !intact) console.error(`sndsbench: ${a.report} not written: the files do not match the manifest`);
      exit(checks.every((c) => c.ok) ? 0 : 1);
    },
  );
}
