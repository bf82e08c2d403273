// `sndsbench plan`: predicts a dataset's rows, bytes, files, core-hours and upload time without generating it.
import { requestCaps } from '../hosts/limits.js';
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { writeAtomic } from '../util/files.js';
import { parseBandwidth } from '../util/units.js';
import { formatPlan, plan, uploadPlan } from '../dataset/plan.js';
import { calibrate, loadCalibration } from '../dataset/sizes.js';
import { MAX_BENEFICIARIES } from '../dataset/layout.js';
import { loadProfile } from '../hosts/profile.js';
import { capacityLine } from '../load/research/predict.js';
import { absolute, parseTables, parseYears, positiveInteger, positiveNumber } from './args.js';

export function planCommand(y: Argv): Argv {
  return y.command(
    'plan',
    'Predict rows, bytes, files, core-hours and upload time of a dataset without generating it',
    (y) =>
      y
        .option('beneficiaries', { type: 'string', demandOption: true, describe: 'number of synthetic beneficiaries' })
        .option('years', { type: 'string', demandOption: true, describe: 'care years, YYYY-YYYY' })
        .option('seed', { type: 'string', default: '42', describe: 'seed (the prediction barely depends on it)' })
        .option('tables', { type: 'string', describe: 'comma-separated tables (default: all)' })
        .option('workers', { type: 'string', default: '1', describe: 'processes (one per core) for the wall time' })
        .option('shards', { type: 'string', describe: 'shards the dataset is cut into (default: the workers)' })
        .option('file-rows', {
          type: 'string',
          default: '1048576',
          describe: 'rows per Parquet file, as given to generate',
        })
        .option('calibrate', {
          type: 'string',
          array: true,
          describe: 'dataset folders to measure file sizes and rows/s on (default: the shipped calibration)',
          coerce: (ps: unknown[]) => ps.map(absolute),
        })
        .option('write-calibration', {
          type: 'string',
          describe: 'save the calibration measured with --calibrate to this file',
          coerce: absolute,
        })
        .option('host', {
          type: 'string',
          describe: 'host profile: request counts, upload time (its caps) and cost (its prices)',
        })
        .option('bandwidth', { type: 'string', describe: 'upload bandwidth, for example 10Gbit or 800MB/s' })
        .option('put-rate', { type: 'string', describe: 'PUT requests per second the host accepts' })
        .option('connections', {
          type: 'string',
          default: '16',
          describe: "parallel uploads, times the profile's per-connection bandwidth when --bandwidth is not given",
        })
        .option('part-size', {
          type: 'string',
          default: String(16 * 1024 * 1024),
          describe: 'multipart part size in bytes',
        })
        .option('json', { type: 'boolean', default: false }),
    async (a) => {
      const [firstYear, lastYear] = parseYears(a.years);
      const workers = positiveInteger('workers', a.workers, 100000);
      const upload = a.host !== undefined || a.bandwidth !== undefined || a['put-rate'] !== undefined;
      const options = {
        profile: a.host ? loadProfile(a.host) : null,
        bandwidth: a.bandwidth !== undefined ? parseBandwidth(a.bandwidth) : null,
        putRate: a['put-rate'] !== undefined ? positiveNumber('put-rate', a['put-rate']) : null,
        connections: positiveInteger('connections', a.connections, 100000),
        partSize: positiveInteger('part-size', a['part-size']),
      };
      const cal = a.calibrate ? calibrate(a.calibrate) : loadCalibration();
      if (a['write-calibration']) writeAtomic(a['write-calibration'], JSON.stringify(cal, null, 1) + '\n');
      const p = plan(
        {
          beneficiaries: positiveInteger('beneficiaries', a.beneficiaries, MAX_BENEFICIARIES),
          firstYear,
          lastYear,
          seed: Number(a.seed),
          workers,
          shards: a.shards !== undefined ? positiveInteger('shards', a.shards, 100000) : workers,
          fileRows: positiveInteger('file-rows', a['file-rows']),
          tables: parseTables(a.tables),
        },
        cal,
      );
      if (upload) {
        p.upload = uploadPlan(p, options);
        if (p.upload.bandwidth_bytes_per_second === null && p.upload.put_rate === null) {
          throw new UsageError('give --bandwidth or --put-rate, or a --host whose profile states its limits');
        }
      }
      console.log(a.json ? JSON.stringify(p, null, 1) : formatPlan(p));
      // How many researchers querying the dataset one bucket of the host serves before its cap.
      if (options.profile && !a.json)
        console.log(capacityLine(options.profile.name, requestCaps(options.profile.limits).read));
    },
  );
}
