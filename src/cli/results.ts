// `sndsbench results merge SRC`: the segments of one run, written by several machines (`run --segment I/N`,
// the pods of deploy/k8s/load-job.yaml), merged into one results folder that `report` reads.
import type { Argv } from 'yargs';
import { mergeRun } from '../load/run.js';
import { loadProfile } from '../hosts/profile.js';
import { absolute, RESULTS_OPTION, type SetExitCode } from './args.js';

export function resultsCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'results merge <src>',
    "Merge the segments of one run (a folder, or s3://bucket/prefix/RUN with --host) into results/RUN; the run's " +
      'objects are then removed from the host',
    (y) =>
      y
        .positional('src', { type: 'string', demandOption: true, coerce: absolute })
        .option('host', {
          type: 'string',
          describe: 'host profile: the bucket of s3://..., and the host the run loaded',
        })
        .option('results', RESULTS_OPTION)
        .option('keep-objects', { type: 'boolean', default: false, describe: "leave the run's objects on the host" }),
    async (a) => {
      const r = await mergeRun(a.src, a.results, a.host ? loadProfile(a.host) : null, a.keepObjects);
      console.log(`results in ${r.dir}${r.exitCode ? ' (a threshold failed)' : ''}`);
      exit(r.exitCode);
    },
  );
}
