// `sndsbench generate`: a synthetic SNDS-shaped dataset as Parquet, into a folder or (with --host) a bucket.
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { generate, type GenerateOptions } from '../dataset/generate.js';
import { generateWithWorkers } from '../dataset/workers.js';
import { inGenerationProcess } from '../dataset/one-pool.js';
import { generateToBucket, type BucketTarget } from '../dataset/to-bucket.js';
import { MAX_BENEFICIARIES } from '../dataset/layout.js';
import { loadProfile } from '../hosts/profile.js';
import { absolute, onTerminal, parseShard, parseTables, parseYears, positiveInteger } from './args.js';

function parseSeed(v: string): number {
  const seed = Number(v);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got "${v}"`);
  }
  return seed;
}

/** --out s3://bucket/prefix with --host: the bucket on that host; null for a local folder. */
function bucketOf(out: string, host: string | undefined): BucketTarget | null {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(out);
  if (out.startsWith('s3:') && !s3) throw new UsageError(`--out ${out}: write s3://bucket/prefix`);
  if (!s3) return null;
  if (!host) throw new UsageError('--out s3://... needs --host PROFILE');
  return { profile: loadProfile(host), bucket: s3[1], prefix: s3[2] };
}

export function generateCommand(y: Argv, exit: (code: number) => void): Argv {
  return y.command(
    'generate',
    'Generate a synthetic SNDS-shaped dataset as Parquet, a pure function of the seed',
    (y) =>
      y
        .option('beneficiaries', {
          type: 'string',
          demandOption: true,
          describe: 'number of synthetic beneficiaries (IR_BEN_R rows)',
        })
        .option('years', { type: 'string', demandOption: true, describe: 'care years, YYYY-YYYY' })
        .option('seed', { type: 'string', default: '42', describe: 'seed (0 to 4294967295)' })
        .option('out', {
          type: 'string',
          demandOption: true,
          describe: 'output folder, or s3://bucket/prefix with --host',
          coerce: absolute,
        })
        .option('shard', { type: 'string', default: '0/1', describe: 'generate shard i of N alone' })
        .option('tables', { type: 'string', describe: 'comma-separated tables (default: all)' })
        .option('file-rows', {
          type: 'string',
          default: '1048576',
          describe: 'rows per Parquet file (in row groups of 131,072), cut at block boundaries',
        })
        .option('overwrite', { type: 'boolean', default: false, describe: 'replace an existing dataset in --out' })
        .option('resume', {
          type: 'boolean',
          default: false,
          describe: 'complete an interrupted run with the same parameters',
        })
        .option('host', { type: 'string', describe: 'host profile, with --out s3://bucket/prefix' })
        .option('workers', {
          type: 'string',
          default: '1',
          describe: 'processes, one shard each (one per core); the result has the same rows',
        }),
    async (a) => {
      const [firstYear, lastYear] = parseYears(a.years);
      const seed = parseSeed(a.seed);
      const bucket = bucketOf(a.out, a.host);
      const workers = positiveInteger('workers', a.workers, 256);
      if (workers > 1 && a.shard !== '0/1') {
        throw new UsageError('--workers and --shard do not combine: --workers N generates the N shards itself');
      }
      // One process generating: it does so with one pool thread and a bounded heap (--workers gives its
      // children both).
      const again = workers === 1 ? inGenerationProcess() : null;
      if (again) return exit(await again);
      const generateAll = workers > 1 ? (o: GenerateOptions) => generateWithWorkers(o, workers) : generate;
      const options = {
        beneficiaries: positiveInteger('beneficiaries', a.beneficiaries, MAX_BENEFICIARIES),
        firstYear,
        lastYear,
        seed,
        shard: parseShard(a.shard),
        tables: parseTables(a.tables),
        overwrite: a.overwrite,
        resume: a.resume,
        fileRows: positiveInteger('file-rows', a['file-rows']),
        progress: onTerminal(),
      };
      const m = bucket
        ? await generateToBucket(options, bucket, generateAll)
        : await generateAll({ ...options, out: a.out });
      const total = Object.values(m.rows).reduce((s, n) => s + n, 0);
      const mb = (m.files.reduce((s, f) => s + f.bytes, 0) / 1e6).toFixed(1);
      console.log(`wrote ${m.files.length} files, ${total.toLocaleString('en')} rows, ${mb} MB to ${a.out}`);
    },
  );
}
