// `sndsbench mirror`: double hosting rehearsed under load; exit code 1 when the new host trails too far
// or ends up different from the old one.
import type { Argv } from 'yargs';
import { mirror as workload } from '../load/workloads/mirror.js';

/** The command's defaults: the workload's full profile. */
const FULL = workload.profiles.full;
import { parseSeconds } from '../util/units.js';
import { mirror } from '../load/mirror.js';
import {
  absolute,
  consistencyOptions,
  mixOptionsOf,
  positiveInteger,
  RESULTS_OPTION,
  type SetExitCode,
} from './args.js';

export function mirrorCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'mirror',
    'Rehearse double hosting: load on the old host, replication to the new one, its lag and divergence judged',
    (y) =>
      consistencyOptions(y)
        .option('from', { type: 'string', demandOption: true, describe: 'the old host, where the dataset was seeded' })
        .option('to', { type: 'string', demandOption: true, describe: 'the new host' })
        .option('dataset', {
          type: 'string',
          demandOption: true,
          describe: 'the dataset folder (its seed record on --from)',
          coerce: absolute,
        })
        .option('procedure', {
          type: 'string',
          default: FULL.procedure,
          describe: 'the replication: a command (yours), or "reference" (sndsbench replicate: continuous delta sync)',
        })
        .option('duration', { type: 'string', default: `${FULL.duration}s`, describe: 'how long the load runs' })
        .option('max-lag', {
          type: 'string',
          default: `${FULL.maxLag}s`,
          describe: 'the replication lag p99 that passes',
        })
        .option('catch-up', {
          type: 'string',
          default: `${FULL.catchUp}s`,
          describe: 'how long the new host has to catch up after the load, before the audit',
        })
        .option('rate', {
          type: 'string',
          default: String(FULL.rate),
          describe: 'iterations per second (reads, writes, overwrites, deletes)',
        })
        .option('front', { type: 'string', describe: 'a host profile the load goes through instead of --from' })
        .option('keep-objects', {
          type: 'boolean',
          default: false,
          describe: 'leave the objects written under the run prefix on both hosts (removed after the audit by default)',
        })
        .option('results', RESULTS_OPTION)
        .option('json', { type: 'boolean', default: false }),
    async (a) => {
      const consistency = mixOptionsOf(a);
      const r = await mirror({
        from: a.from,
        to: a.to,
        front: a.front,
        dataset: a.dataset,
        procedure: a.procedure,
        duration: parseSeconds('duration', a.duration),
        maxLag: parseSeconds('max-lag', a['max-lag']),
        catchUp: parseSeconds('catch-up', a['catch-up']),
        rate: positiveInteger('rate', a.rate, 10000),
        results: a.results,
        keepObjects: a['keep-objects'],
        consistency,
      });
      const { lags, ...rest } = r.result;
      console.log(a.json ? JSON.stringify({ dir: r.dir, ...rest, lags }, null, 1) : `${r.text}\nresults in ${r.dir}`);
      exit(r.exitCode);
    },
  );
}
