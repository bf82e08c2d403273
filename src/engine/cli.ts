#!/usr/bin/env node
// The engine's command line, with k6's flags and exit codes: `run [flags] SCRIPT`. Also reached as
// `sndsbench k6 run ...`. A flag it does not know is one line and exit 2; a bad option value is 104.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseDuration } from './duration.js';
import { defaultWorkers, EXIT, run, type RunArgs } from './engine.js';

const USAGE = `usage: run [flags] SCRIPT.ts
  -q, --quiet                       no progress line
      --log-format json|text        log lines as JSON objects
  -o, --out json=FILE               every sample, one JSON object a line (gzip when FILE ends in .gz)
      --summary-export FILE         the end-of-test summary as JSON
  -e, --env KEY=VALUE               a variable for __ENV (repeatable)
      --execution-segment a:b       this process's share of the test
      --execution-segment-sequence 0,1/4,...,1
  -u, --vus N   -d, --duration D   -i, --iterations N   (shortcuts)
      --summary-trend-stats avg,p(95),...
      --no-thresholds
      --workers N                   threads (default: one per core)`;

class FlagError extends Error {}

const int = (v: string, flag: string) => {
  if (!/^\d+$/.test(v)) throw new FlagError(`${flag} needs a non-negative integer, got "${v}"`);
  return Number(v);
};

export function parseArgs(argv: string[]): RunArgs {
  if (argv[0] !== 'run') throw new FlagError(`unknown command "${argv[0] ?? ''}": only "run" is supported`);
  const a: RunArgs = {
    script: '',
    quiet: false,
    logJson: false,
    outJson: null,
    summaryExport: null,
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    segment: null,
    sequence: null,
    overrides: {},
    workers: defaultWorkers(),
    noThresholds: false,
  };
  const rest = argv.slice(1);
  for (let i = 0; i < rest.length; i++) {
    let flag = rest[i];
    let value: string | undefined;
    const eq = flag.startsWith('--') ? flag.indexOf('=') : -1;
    if (eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= rest.length) throw new FlagError(`${flag} needs a value`);
      return rest[++i];
    };
    switch (flag) {
      case '-q':
      case '--quiet':
        a.quiet = true;
        break;
      case '--log-format': {
        const f = next();
        if (f !== 'json' && f !== 'text' && f !== 'raw') throw new FlagError(`unknown log format "${f}"`);
        a.logJson = f === 'json';
        break;
      }
      case '-o':
      case '--out': {
        const o = next();
        if (!o.startsWith('json=') || o.length <= 5) throw new FlagError(`unsupported output "${o}": only json=FILE`);
        a.outJson = o.slice(5);
        break;
      }
      case '--summary-export':
        a.summaryExport = next();
        break;
      case '-e':
      case '--env': {
        const kv = next();
        const at = kv.indexOf('=');
        if (at <= 0) throw new FlagError(`--env needs KEY=VALUE, got "${kv}"`);
        a.env[kv.slice(0, at)] = kv.slice(at + 1);
        break;
      }
      case '--execution-segment': {
        const s = next();
        const parts = s.split(':');
        a.segment = parts.length === 2 ? [parts[0], parts[1]] : ['0', parts[0]];
        break;
      }
      case '--execution-segment-sequence':
        a.sequence = next().split(',');
        break;
      case '-u':
      case '--vus':
        a.overrides.vus = int(next(), flag);
        break;
      case '-i':
      case '--iterations':
        a.overrides.iterations = int(next(), flag);
        break;
      case '-d':
      case '--duration':
        a.overrides.durationMs = parseDuration(next(), '--duration');
        break;
      case '--summary-trend-stats':
        a.overrides.summaryTrendStats = next().split(',');
        break;
      case '--no-thresholds':
        a.noThresholds = true;
        break;
      case '--workers':
        a.workers = int(next(), flag) || 1;
        break;
      case '-h':
      case '--help':
        throw new FlagError(USAGE);
      default:
        if (flag.startsWith('-')) throw new FlagError(`unknown flag ${flag}`);
        if (a.script) throw new FlagError(`one script only (got "${a.script}" and "${flag}")`);
        a.script = flag;
    }
  }
  if (!a.script) throw new FlagError('name the script to run: run [flags] SCRIPT.ts');
  return a;
}

/** Runs the engine's command line; resolves to the exit code. */
export async function engineMain(argv: string[]): Promise<number> {
  let args: RunArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`k6 run: ${(e as Error).message.split('\n').join('\n')}\n`);
    return e instanceof FlagError ? 2 : EXIT.config;
  }
  return run(args);
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) {
  process.setSourceMapsEnabled(true);
  engineMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`k6 run: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(EXIT.script);
    },
  );
}
