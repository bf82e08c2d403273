// `sndsbench migrate`: a migration rehearsal from --from to --to, or (--verify) a read-back of the target.
import type { Argv } from 'yargs';
import { migration } from '../load/workloads/migration.js';

/** The command's defaults: the workload's full profile. */
const FULL = migration.profiles.full;
import { migrate, verifyTarget } from '../load/migrate.js';
import { absolute, parseRetries, positiveInteger, RESULTS_OPTION, type SetExitCode } from './args.js';

export function migrateCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'migrate',
    'Rehearse a migration of a seeded dataset from --from to --to, verify every object, and judge the full volume ' +
      'against the window',
    (y) =>
      y
        .option('from', {
          type: 'string',
          demandOption: true,
          describe: 'source host profile (S3 or Azure Blob), where the dataset was seeded',
        })
        .option('to', { type: 'string', demandOption: true, describe: 'target host profile (S3)' })
        .option('dataset', {
          type: 'string',
          demandOption: true,
          describe: 'the generated dataset folder (its manifest and seed record)',
          coerce: absolute,
        })
        .option('window', { type: 'string', demandOption: true, describe: 'the migration window, for example 90d' })
        .option('volume', { type: 'string', describe: 'full volume to extrapolate to, for example 1.2PB' })
        .option('object-size', {
          type: 'string',
          describe: "the size of --volume's objects, for example 100GB (the dataset's mean size otherwise)",
        })
        .option('plan', {
          type: 'string',
          describe: 'or the JSON of "sndsbench plan --json" (its bytes and objects)',
          coerce: absolute,
        })
        .option('streams', {
          type: 'string',
          default: String(FULL.streams),
          describe: 'parallel copy streams (virtual users)',
        })
        .option('prefixes', {
          type: 'string',
          default: '1',
          describe: 'buckets or prefixes the full migration writes to, each with the per-bucket cap',
        })
        .option('part-size', {
          type: 'string',
          default: String(FULL.partSize),
          describe: "multipart part size, kept within the target profile's rules",
        })
        .option('retries', {
          type: 'string',
          default: String(FULL.retries),
          describe: 'retries per object before it is named as failed',
        })
        .option('delta', {
          type: 'boolean',
          default: false,
          describe: 'copy only the objects new or changed on the source since the last copy',
        })
        .option('verify', {
          type: 'boolean',
          default: false,
          describe: 'copy nothing: read the target back against the seed-time checksums',
        })
        .option('results', RESULTS_OPTION)
        .option('json', { type: 'boolean', default: false }),
    async (a) => {
      if (a.verify) {
        const v = await verifyTarget(a.dataset, a.from, a.to);
        if (a.json) console.log(JSON.stringify(v, null, 1));
        else {
          for (const p of v.problems) console.log(`FAILED ${p}`);
          console.log(`verified ${v.checked - v.problems.length} of ${v.checked} objects on ${a.to}`);
        }
        exit(v.problems.length ? 1 : 0);
        return;
      }
      const r = await migrate({
        from: a.from,
        to: a.to,
        dataset: a.dataset,
        window: a.window,
        volume: a.volume,
        objectSize: a['object-size'],
        plan: a.plan,
        streams: positiveInteger('streams', a.streams, 1024),
        prefixes: positiveInteger('prefixes', a.prefixes, 1_000_000),
        partSize: positiveInteger('part-size', a['part-size']),
        retries: parseRetries(a.retries),
        delta: a.delta,
        results: a.results,
      });
      const verdict = { dir: r.dir, rehearsal: r.rehearsal, verdict: r.verdict };
      console.log(a.json ? JSON.stringify(verdict, null, 1) : `${r.text}\nresults in ${r.dir}`);
      exit(r.exitCode);
    },
  );
}
