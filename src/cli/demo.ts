// `sndsbench demo`: the whole path on one machine. Sets up the tools, starts the lab, generates a small
// dataset, seeds the old host, runs ingest, read, the migration and the cutover at the CI profile
// against two local candidates (the target, and the same target capped at 5 MB/s per connection),
// writes the report and the dataset's realism report, and stops the lab.
import type { Argv } from 'yargs';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from '../dataset/generate.js';
import { labDown, labUp } from '../hosts/lab.js';
import { projectPath } from '../util/paths.js';
import { loadProfile } from '../hosts/profile.js';
import { sampleParquet } from '../dataset/sample.js';
import { runScenario } from '../load/run.js';
import { seed } from '../dataset/seed.js';
import { migrate } from '../load/migrate.js';
import { cutover, DEFAULT_THRESHOLDS } from '../load/cutover.js';
import { addToxic, clearToxics } from '../hosts/toxics.js';
import { loadCriteria, report } from '../report/report.js';
import { validationReport } from '../dataset/validate-report.js';
import { validate } from '../dataset/validate.js';
import { ALL_TABLES } from '../snds/catalog.js';
import { routeToSource } from '../hosts/haproxy.js';
import { mirror } from '../load/mirror.js';
import { planSteps } from '../load/steps.js';
import { absolute } from './args.js';

const CANDIDATES = ['local-target', 'local-target-capped'];

/** Runs `fn` with the candidate's own toxics in place (a capped link), and clears them after. */
async function asCandidate<T>(name: string, fn: () => Promise<T>): Promise<T> {
  await clearToxics(name);
  for (const [i, t] of (loadProfile(name).toxics ?? []).entries()) await addToxic(name, `candidate-${i}`, t);
  try {
    return await fn();
  } finally {
    await clearToxics(name);
  }
}

export async function demo(folder: string, say: (line: string) => void): Promise<string> {
  const out = resolve(folder);
  say('setting up the tools (built once, then reused)');
  const setup = spawnSync('bash', [projectPath('scripts', 'setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (setup.status !== 0) throw new Error('tool setup failed (see above)');
  say('starting the lab');
  for (const l of await labUp()) say(`  ${l}`);
  try {
    const data = join(out, 'data');
    const results = join(out, 'results');
    mkdirSync(results, { recursive: true });
    say('generating 20,000 beneficiaries × 2022-2024');
    await generate({
      beneficiaries: 20000,
      firstYear: 2022,
      lastYear: 2024,
      seed: 42,
      out: data,
      shard: { index: 0, count: 1 },
      tables: ALL_TABLES,
      overwrite: true,
      resume: false,
      fileRows: 1 << 20,
      progress: false,
    });
    say('seeding the old host (local-source)');
    await seed({
      dir: data,
      profile: loadProfile('local-source'),
      prefix: 'demo',
      concurrency: 4,
      partSize: 16 * 1024 ** 2,
      progress: false,
    });
    const front = loadProfile('local-front').haproxy!;
    for (const host of CANDIDATES) {
      await asCandidate(host, async () => {
        for (const scenario of ['ingest', 'read']) {
          say(`${host}: ${scenario}`);
          await runScenario({ scenario, host, profile: 'ci', segments: 1, results, sample: sampleParquet });
        }
        say(`${host}: migration rehearsal (1 TB in an 18 h window)`);
        await migrate({
          from: 'local-source',
          to: host,
          dataset: data,
          window: '18h',
          volume: '1TB',
          streams: 4,
          prefixes: 1,
          partSize: 16 * 1024 ** 2,
          retries: 4,
          delta: false,
          results,
        });
        say(`${host}: double hosting, the reference replication under load (20 s)`);
        await mirror({
          from: 'local-source',
          to: host,
          dataset: data,
          procedure: 'reference',
          duration: 20,
          maxLag: 30,
          rate: 20,
          catchUp: 60,
          results,
          keepObjects: false,
        });
        say(`${host}: progressive cutover through the front, 10%, 50%, 100% (reference procedure)`);
        await routeToSource(front);
        const plan = planSteps({ steps: '10%,50%,100%', stepEvery: 6 });
        await cutover({
          front: 'local-front',
          from: 'local-source',
          to: host,
          dataset: data,
          procedure: 'reference',
          at: 0,
          duration: plan.duration,
          plan,
          rate: 30,
          noReuse: false,
          results,
          thresholds: DEFAULT_THRESHOLDS,
        });
      });
    }
    say('writing the reports');
    await report([results], join(out, 'report'), loadCriteria());
    await validationReport(data, join(out, 'report', 'dataset.html'), await validate(data));
    return join(out, 'report', 'report.html');
  } finally {
    await labDown();
  }
}

export function demoCommand(y: Argv): Argv {
  return y.command(
    'demo',
    'The whole path on this machine: tools, lab, a small dataset, ingest, read, migration, double hosting and a ' +
      'progressive cutover against two local candidates, the report',
    (y) =>
      y.option('out', {
        type: 'string',
        default: 'demo',
        describe: 'folder for the dataset, the results and the report',
        coerce: absolute,
      }),
    async (a) => {
      const started = Date.now();
      const page = await demo(a.out, (l) => console.log(l));
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`done in ${seconds} s; open ${page} (and ${a.out}/report/dataset.html)`);
    },
  );
}
