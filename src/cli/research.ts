// `sndsbench research --host H --dataset D --researchers N`: researchers querying their extraction through
// a Parquet reader on the host; exit 1 when an answer is wrong or k6 failed.
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { human } from '../util/units.js';
import { research } from '../load/research/run.js';
import { positiveInteger, RESULTS_OPTION, type SetExitCode } from './args.js';

const bytes = (name: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  const m = /^(\d+)\s*(k|ki|m|mi)?b?$/i.exec(String(v).trim());
  if (!m) throw new UsageError(`--${name} takes a size such as 16KiB or 32MiB, got "${v}"`);
  const unit = (m[2] ?? '').toLowerCase();
  return Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : 1);
};

const positiveNumber = (name: string, v: unknown): number => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
};

const seconds = (name: string, v: unknown): number => {
  const n = Number(v);
  if (!(n >= 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be seconds (0 or more), got "${v}"`);
  return n;
};

export function researchCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'research',
    'Researchers querying their project extraction on a host through a real Parquet reader: time to answer, ' +
      'GETs per query, throttling, answers checked against DuckDB',
    (y) =>
      y
        .option('host', { type: 'string', demandOption: true, describe: 'host profile the dataset was seeded on' })
        .option('dataset', { type: 'string', demandOption: true, describe: 'the local dataset folder (seeded)' })
        .option('researchers', { type: 'string', default: '1', describe: 'researchers, each on its own project' })
        .option('queries', { type: 'string', describe: 'query file (default queries/research.json)' })
        .option('duration', { type: 'string', default: '30', describe: 'seconds of load (without --ramp)' })
        .option('ramp', {
          type: 'string',
          default: '0',
          describe: 'researchers join one at a time, every RAMP seconds, up to --researchers',
        })
        .option('think', { type: 'string', default: '5', describe: 'mean think time after a burst, seconds' })
        .option('burst', { type: 'string', default: '3', describe: 'queries run back to back before thinking' })
        .option('read-seeded', {
          type: 'boolean',
          default: false,
          describe: 'all researchers read the seeded dataset (default: one copy per project)',
        })
        .option('merge', {
          choices: ['duckdb', 'arrow'] as const,
          default: 'duckdb' as const,
          describe: "range merging: DuckDB's (holes up to 16 KiB) or Arrow's (8 KiB, ranges up to 32 MiB)",
        })
        .option('merge-gap', { type: 'string', describe: 'merge ranges with holes up to this size' })
        .option('merge-max', { type: 'string', describe: 'merged ranges no larger than this' })
        .option('read-ahead', { type: 'boolean', default: true, describe: "a file's row groups asked at once" })
        .option('inflight', { type: 'string', default: '8', describe: 'ranges in flight per researcher' })
        .option('check', {
          choices: ['setup', 'first', 'every', 'none'] as const,
          default: 'setup' as const,
          describe:
            'check answers: each query once before the load (setup), and also the first time each researcher ' +
            'runs it (first), or every time (every); none: never',
        })
        .option('request-ms', {
          type: 'string',
          describe:
            'request time the capacity prediction takes (default: the one measured in the check pass, one ' +
            'reader alone on the host before the load; 50 with --check none)',
        })
        .option('results', RESULTS_OPTION),
    async (a) => {
      const researchers = Number(a.researchers);
      if (!Number.isInteger(researchers) || researchers < 1)
        throw new UsageError(`--researchers must be a whole number of at least 1, got "${a.researchers}"`);
      const r = await research({
        host: a.host,
        dataset: a.dataset,
        researchers,
        queries: a.queries,
        ramp: seconds('ramp', a.ramp),
        duration: positiveInteger('duration', a.duration),
        think: seconds('think', a.think),
        burst: positiveInteger('burst', a.burst),
        projects: !a.readSeeded,
        reader: {
          preset: a.merge,
          mergeGap: bytes('merge-gap', a['merge-gap']),
          mergeMax: bytes('merge-max', a['merge-max']),
          readAhead: a['read-ahead'],
          inflight: positiveInteger('inflight', a.inflight, 256),
        },
        check: a.check,
        results: a.results,
        requestMs: a['request-ms'] === undefined ? undefined : positiveNumber('request-ms', a['request-ms']),
      });
      for (const q of r.result.queries) {
        const t = q.warm_ms ?? q.ms;
        const times = t ? `p50 ${t.p50} ms, p95 ${t.p95} ms, p99 ${t.p99} ms` : 'no answer';
        console.log(
          `${q.query.padEnd(26)} ${String(q.answers).padStart(4)} answers  ${times}  ` +
            `${q.gets.toFixed(1)} GETs (${q.predicted.gets} predicted), ${human(q.bytes, 'B')}` +
            `${q.wrong ? `  WRONG ${q.wrong}` : ''}`,
        );
      }
      for (const w of r.result.wrong.slice(0, 5))
        console.log(`wrong answer: ${w.query} (researcher ${w.researcher}): ${w.why}`);
      const c = r.result.capacity;
      const source = { measured: 'measured alone before the load', given: 'given', assumed: 'assumed' };
      console.log(
        `capacity: ${c.predicted_rate.toFixed(0)} GET/s per active researcher at ${c.request_ms.toFixed(0)} ms ` +
          `a request (${source[c.request_ms_source]})` +
          (c.cap ? `; a cap of ${c.cap} GET/s allows about ${c.predicted}` : '') +
          `; throttled at ${c.throttled_at ?? '-'} researchers, p95 doubled at ${c.p95_doubles_at ?? '-'}`,
      );
      console.log(`results in ${r.dir}${r.exitCode ? ' (a wrong answer or a k6 failure)' : ''}`);
      exit(r.exitCode);
    },
  );
}
