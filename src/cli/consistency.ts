// `sndsbench consistency --host H`: read-after-write, listings, deletes and conditional writes tested on
// one host; exit code 1 when any anomaly or lost conditional round is found.
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { parseSeconds } from '../util/units.js';
import { consistency } from '../load/consistency.js';
import { DEFAULT_MIX, parseMix } from '../load/consistency-mix.js';
import { positiveInteger, RESULTS_OPTION, type SetExitCode } from './args.js';

const MIX = Object.entries(DEFAULT_MIX)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export function consistencyCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'consistency',
    'Test what a host promises: reads and listings after creates, overwrites and deletes, and rounds of ' +
      'concurrent conditional writes, anomalies counted per 100,000 checks',
    (y) =>
      y
        .option('host', { type: 'string', demandOption: true, describe: 'host profile name (hosts/NAME.json) or path' })
        .option('duration', { type: 'string', default: '30s', describe: 'how long the load runs' })
        .option('vus', { type: 'string', default: '8', describe: 'clients of the operation mix' })
        .option('writers', {
          type: 'string',
          default: '8',
          describe: 'concurrent writers in each conditional round (0: no rounds)',
        })
        .option('mix', { type: 'string', default: MIX, describe: 'shares of each action' })
        .option('size', { type: 'string', default: '1024', describe: 'bytes of each object' })
        .option('keep-objects', {
          type: 'boolean',
          default: false,
          describe: 'leave the objects under the run prefix (removed by default)',
        })
        .option('results', RESULTS_OPTION)
        .option('json', { type: 'boolean', default: false }),
    async (a) => {
      const writers = Number(a.writers);
      if (!Number.isInteger(writers) || writers < 0 || writers > 64)
        throw new UsageError(`--writers must be a whole number from 0 to 64, got "${a.writers}"`);
      const r = await consistency({
        host: a.host,
        duration: parseSeconds('duration', a.duration),
        vus: positiveInteger('vus', a.vus, 1000),
        writers,
        mix: parseMix(a.mix),
        size: positiveInteger('size', a.size, 16 * 1024 ** 2),
        results: a.results,
        keepObjects: a['keep-objects'],
      });
      console.log(a.json ? JSON.stringify({ dir: r.dir, ...r.result }, null, 1) : `${r.text}\nresults in ${r.dir}`);
      exit(r.exitCode);
    },
  );
}
