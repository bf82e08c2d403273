// `sndsbench cutover`: the switch to the new host rehearsed under load; exit code 1 when a threshold fails.
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { parseSeconds } from '../util/units.js';
import { cutover, DEFAULT_THRESHOLDS, type Thresholds } from '../load/cutover.js';
import { absolute, positiveInteger, RESULTS_OPTION, type SetExitCode } from './args.js';

/** --thresholds: JSON overriding some of the defaults. */
function parseThresholds(v: string | undefined): Thresholds {
  if (!v) return DEFAULT_THRESHOLDS;
  try {
    return { ...DEFAULT_THRESHOLDS, ...JSON.parse(v) };
  } catch {
    throw new UsageError(`--thresholds must be JSON such as '{"longest_failure_s": 2}'`);
  }
}

export function cutoverCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'cutover',
    'Rehearse the switch to the new host under load through the front, and judge lost writes, stale reads and downtime',
    (y) =>
      y
        .option('front', {
          type: 'string',
          demandOption: true,
          describe: 'host profile the clients use (a load balancer or DNS name)',
        })
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
          demandOption: true,
          describe: 'the switch: a command (yours), or "reference" (delta sync, HAProxy switch, delta sync)',
        })
        .option('at', { type: 'string', default: '60s', describe: 'when the procedure starts, after the load' })
        .option('duration', { type: 'string', default: '180s', describe: 'how long the load runs' })
        .option('rate', {
          type: 'string',
          default: '40',
          describe: 'iterations per second (reads, writes, read-modify-writes)',
        })
        .option('no-reuse', {
          type: 'boolean',
          default: false,
          describe: 'no connection reuse, for DNS-based switches (keep-alive stays on the old host)',
        })
        .option('thresholds', { type: 'string', describe: `JSON overriding ${JSON.stringify(DEFAULT_THRESHOLDS)}` })
        .option('results', RESULTS_OPTION)
        .option('json', { type: 'boolean', default: false }),
    async (a) => {
      const thresholds = parseThresholds(a.thresholds);
      const r = await cutover({
        front: a.front,
        from: a.from,
        to: a.to,
        dataset: a.dataset,
        procedure: a.procedure,
        at: parseSeconds('at', a.at),
        duration: parseSeconds('duration', a.duration),
        rate: positiveInteger('rate', a.rate, 10000),
        noReuse: a['no-reuse'],
        results: a.results,
        thresholds,
      });
      const { timeline, ...rest } = r.report;
      const json = { dir: r.dir, ...rest, timeline };
      console.log(a.json ? JSON.stringify(json, null, 1) : `${r.text}\nresults in ${r.dir}`);
      exit(r.exitCode);
    },
  );
}
