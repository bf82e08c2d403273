// `sndsbench demo`: the whole path on one machine, as the campaign examples/campaigns/lab.yaml. Sets up
// the tools, starts the lab, runs the campaign (a small dataset seeded on the old host; ingest, read,
// the migration, double hosting and a progressive cutover at the CI profile against two local
// candidates: the target, and the same target capped at 5 MB/s per connection), writes the report and
// the dataset's realism report, and stops the lab.
import type { Argv } from 'yargs';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { labDown, labUp } from '../hosts/lab.js';
import { projectPath } from '../util/paths.js';
import { loadCriteria, report } from '../report/report.js';
import { validationReport } from '../dataset/validate-report.js';
import { validate } from '../dataset/validate.js';
import { campaignDataset } from '../dataset/campaign.js';
import { loadCampaign } from '../load/campaign/file.js';
import { datasetFolder, reportInputs, runCampaign } from '../load/campaign/run.js';
import { absolute } from './args.js';

export const DEMO_CAMPAIGN = projectPath('examples', 'campaigns', 'lab.yaml');

export async function demo(folder: string, say: (line: string) => void): Promise<string> {
  const out = resolve(folder);
  say('setting up the tools (built once, then reused)');
  const setup = spawnSync('bash', [projectPath('scripts', 'setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (setup.status !== 0) throw new Error('tool setup failed (see above)');
  say('starting the lab');
  for (const l of await labUp()) say(`  ${l}`);
  try {
    const campaign = loadCampaign(DEMO_CAMPAIGN, out);
    // A demo shows the whole path each time: earlier runs are forgotten (the dataset, deterministic, is kept).
    for (const f of ['campaign.json', 'runs', 'report']) rmSync(join(out, f), { recursive: true, force: true });
    say(`running the campaign ${DEMO_CAMPAIGN}`);
    const outcome = await runCampaign(campaign, campaignDataset, (l) => say(`  ${l}`));
    if (outcome.failed.length || outcome.stopped)
      throw new Error(`the demo's campaign failed: ${outcome.failed[0] ?? outcome.stopped}`);
    say('writing the reports');
    const inputs = reportInputs(campaign);
    await report(inputs.dirs, inputs.out, loadCriteria(inputs.criteria ?? undefined), { repetitions: true });
    const data = datasetFolder(campaign);
    await validationReport(data, join(out, 'report', 'dataset.html'), await validate(data));
    return join(out, 'report', 'report.html');
  } finally {
    await labDown();
  }
}

export function demoCommand(y: Argv): Argv {
  return y.command(
    'demo',
    'The whole path on this machine: tools, lab, and the campaign examples/campaigns/lab.yaml (a small dataset, ' +
      'ingest, read, migration, double hosting and a progressive cutover against two local candidates), the report',
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
