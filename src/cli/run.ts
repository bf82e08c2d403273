// `sndsbench run <scenario> --host P`: one scenario of the registry; exit code 1 when a threshold fails.
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { runScenario } from '../load/run.js';
import { SCENARIOS } from '../load/workloads/index.js';
import { sampleParquet } from '../dataset/sample.js';
import { positiveInteger, RESULTS_OPTION, type SetExitCode } from './args.js';

/** --set KEY=VALUE settings, as the scenario's environment. */
function settings(set: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of set) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new UsageError(`--set takes KEY=VALUE with an upper-case KEY, got "${kv}"`);
    env[m[1]] = m[2];
  }
  return env;
}

export function runCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'run <scenario>',
    `Run a scenario (${SCENARIOS.map((w) => w.name).join(', ')}) against a host profile; results in results/<run-id>/`,
    (y) =>
      y
        .positional('scenario', { type: 'string', demandOption: true })
        .option('host', { type: 'string', demandOption: true, describe: 'host profile name (hosts/NAME.json) or path' })
        .option('profile', {
          choices: ['ci', 'full'] as const,
          default: 'ci' as const,
          describe: 'ci: small and short; full: Parquet-sized objects for minutes',
        })
        .option('segments', {
          type: 'string',
          default: '1',
          describe: 'load processes, each running one execution segment; results merged',
        })
        .option('results', RESULTS_OPTION)
        .option('thresholds', { type: 'string', describe: 'k6 thresholds as JSON, replacing the scenario default' })
        .option('keep-objects', {
          type: 'boolean',
          default: false,
          describe: 'leave the objects written under the run prefix (removed after the run by default)',
        })
        .option('set', {
          type: 'array',
          string: true,
          describe: 'scenario setting KEY=VALUE (VUS, DURATION, OBJECT_SIZE, PART_SIZE, MODE, RATE...)',
        }),
    async (a) => {
      const env = settings((a.set ?? []) as string[]);
      const r = await runScenario({
        scenario: a.scenario,
        host: a.host,
        profile: a.profile,
        segments: positiveInteger('segments', a.segments, 64),
        results: a.results,
        env,
        thresholds: a.thresholds,
        keepObjects: a.keepObjects,
        sample: sampleParquet,
      });
      console.log(`results in ${r.dir}${r.exitCode ? ' (a threshold failed)' : ''}`);
      exit(r.exitCode);
    },
  );
}
