// The sndsbench command line: the parser, one module per command, and the exit codes:
// 0 ok, 1 a check failed, 2 bad input or environment (UsageError), each error as one line.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../util/errors.js';
import { type Register } from './args.js';
import { generateCommand } from './generate.js';
import { planCommand } from './plan.js';
import { migrateCommand } from './migrate.js';
import { cutoverCommand } from './cutover.js';
import { mirrorCommand } from './mirror.js';
import { consistencyCommand } from './consistency.js';
import { replicateCommand } from './replicate.js';
import { reportCommand } from './report.js';
import { demoCommand } from './demo.js';
import { validateCommand } from './validate.js';
import { labCommand } from './lab.js';
import { manifestCommand } from './manifest.js';
import { seedCommand } from './seed.js';
import { probeCommand } from './probe.js';
import { runCommand } from './run.js';
import { resultsCommand } from './results.js';
import { researchCommand } from './research.js';
import { campaignCommand } from './campaign.js';

/** In the order `sndsbench --help` lists them. */
const COMMANDS: Register[] = [
  generateCommand,
  planCommand,
  migrateCommand,
  cutoverCommand,
  mirrorCommand,
  consistencyCommand,
  replicateCommand,
  reportCommand,
  demoCommand,
  campaignCommand,
  validateCommand,
  labCommand,
  manifestCommand,
  seedCommand,
  probeCommand,
  runCommand,
  resultsCommand,
  researchCommand,
];

async function main(): Promise<number> {
  // `sndsbench k6 run [k6 flags] SCRIPT.ts`: k6's own flags and exit codes, so no yargs here.
  if (process.argv[2] === 'k6') {
    const { engineMain } = await import('../engine/cli.js');
    return engineMain(process.argv.slice(3));
  }
  let code = 0;
  const exit = (c: number) => {
    code = c;
  };
  const cli = yargs(hideBin(process.argv))
    .scriptName('sndsbench')
    .usage(
      '$0 <command> [options]\n\n' +
        'Synthetic SNDS-shaped Parquet datasets and load scenarios for benchmarking storage hosts.\n' +
        '`$0 k6 run [k6 flags] SCRIPT.ts` runs a k6 script on the engine.',
    );
  for (const register of COMMANDS) register(cli, exit);
  await cli
    .demandCommand(
      1,
      'name a command: demo, campaign, generate, plan, validate, manifest, lab, seed, probe, run, research, migrate, ' +
        'cutover, mirror, consistency, ' +
        'replicate, report, k6',
    )
    .strict()
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help()
    .wrap(null)
    .parseAsync();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`sndsbench: ${message.split('\n')[0]}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
