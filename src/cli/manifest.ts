// `sndsbench manifest merge <dirs..>`: checks that all shards of a dataset are there and writes its manifest.
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { mergeBucketManifests, mergeManifests } from '../dataset/manifest.js';
import { loadProfile } from '../hosts/profile.js';
import { absolute, type SetExitCode } from './args.js';

export function manifestCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'manifest merge <dirs..>',
    'Check that all N shards of a dataset are present, consistent and complete, and write its _manifest.json ' +
      '(folders, or s3://bucket/prefix with --host)',
    (y) =>
      y
        .positional('dirs', {
          type: 'string',
          array: true,
          demandOption: true,
          coerce: (ds: unknown[]) => ds.map(absolute),
        })
        .option('out', {
          type: 'string',
          describe: 'folder for _manifest.json (default: the first DIR)',
          coerce: absolute,
        })
        .option('host', { type: 'string', describe: 'host profile, for shards written to s3://bucket/prefix' }),
    async (a) => {
      const dirs = a.dirs;
      const inBucket = dirs[0].startsWith('s3:');
      if (inBucket && (dirs.length > 1 || !a.host)) {
        throw new UsageError('manifest merge s3://bucket/prefix takes one location and --host PROFILE');
      }
      const r = inBucket
        ? await mergeBucketManifests(dirs[0], loadProfile(a.host!))
        : mergeManifests(dirs, a.out ?? dirs[0]);
      if (!r.ok) {
        for (const p of r.problems) console.error(`sndsbench: ${p}`);
        exit(1);
        return;
      }
      const total = Object.values(r.manifest!.rows).reduce((s, n) => s + n, 0);
      console.log(`merged ${r.manifest!.files.length} files, ${total.toLocaleString('en')} rows, into ${r.path}`);
    },
  );
}
