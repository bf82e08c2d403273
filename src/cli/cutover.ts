// `sndsbench cutover`: the switch to the new host rehearsed under load; exit code 1 when a threshold fails.
import type { Argv } from 'yargs';
import { cutover as workload } from '../load/workloads/cutover.js';

/** The command's defaults: the workload's full profile. */
const FULL = workload.profiles.full;
import { UsageError } from '../util/errors.js';
import { parseSeconds } from '../util/units.js';
import { cutover, DEFAULT_THRESHOLDS, type Thresholds } from '../load/cutover.js';
import { planSteps } from '../load/steps.js';
import {
  absolute,
  consistencyOptions,
  mixOptionsOf,
  positiveInteger,
  RESULTS_OPTION,
  type SetExitCode,
} from './args.js';

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
      consistencyOptions(y)
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
        .option('at', { type: 'string', describe: `when the procedure starts, after the load (default ${FULL.at}s)` })
        .option('duration', {
          type: 'string',
          describe: `how long the load runs (default ${FULL.duration}s; progressive: every step and a last interval)`,
        })
        .option('steps', {
          type: 'string',
          describe: 'progressive: the new host share after each step, such as 10%,50%,100%',
        })
        .option('tenants', {
          type: 'string',
          describe: 'progressive: prefixes under the dataset moved one per step, such as ER_PRS_F,ER_PHA_F',
        })
        .option('step-every', {
          type: 'string',
          default: `${FULL.stepEvery}s`,
          describe: 'progressive: time between steps',
        })
        .option('rollback-at', {
          type: 'string',
          describe: 'progressive: the step that moves all traffic back to the old host (the run ends after it)',
        })
        .option('rate', {
          type: 'string',
          default: String(FULL.rate),
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
      const mix = mixOptionsOf(a);
      const duration = a.duration === undefined ? undefined : parseSeconds('duration', a.duration);
      const at = a.at === undefined ? undefined : parseSeconds('at', a.at);
      const progressive = a.steps !== undefined || a.tenants !== undefined;
      if (!progressive && a['rollback-at'] !== undefined)
        throw new UsageError('--rollback-at needs --steps or --tenants');
      const rollbackAt = a['rollback-at'];
      if (rollbackAt !== undefined && !/^\d+$/.test(rollbackAt.trim()))
        throw new UsageError(`--rollback-at must be a step number, got "${rollbackAt}"`);
      const plan = progressive
        ? planSteps({
            steps: a.steps,
            tenants: a.tenants,
            stepEvery: parseSeconds('step-every', a['step-every']),
            duration,
            at,
            rollbackAt: rollbackAt === undefined ? undefined : Number(rollbackAt),
          })
        : null;
      const r = await cutover({
        front: a.front,
        from: a.from,
        to: a.to,
        dataset: a.dataset,
        procedure: a.procedure,
        at: at ?? FULL.at,
        duration: plan?.duration ?? duration ?? FULL.duration,
        plan,
        rate: positiveInteger('rate', a.rate, 10000),
        noReuse: a['no-reuse'],
        results: a.results,
        thresholds,
        consistency: mix,
      });
      const { timeline, ...rest } = r.report;
      const json = { dir: r.dir, ...rest, timeline };
      console.log(a.json ? JSON.stringify(json, null, 1) : `${r.text}\nresults in ${r.dir}`);
      exit(r.exitCode);
    },
  );
}
