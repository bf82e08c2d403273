// `sndsbench campaign plan|run|report|clean FILE`: one file describes the candidates, the dataset and
// the workloads of an evaluation; these commands plan it against caps and budget, run it (repeated,
// interleaved, resumable), report it with intervals, and remove what it wrote.
import type { Argv } from 'yargs';
import { campaignDataset } from '../dataset/campaign.js';
import { duration } from '../util/units.js';
import { loadCriteria, report } from '../report/report.js';
import { checkCredentials, loadCampaign } from '../load/campaign/file.js';
import { checkPlan } from '../load/campaign/plan.js';
import { planned, reportInputs, runCampaign } from '../load/campaign/run.js';
import { cleanCampaign } from '../load/campaign/clean.js';
import { absolute, type SetExitCode } from './args.js';

export function campaignCommand(y: Argv, exit: SetExitCode): Argv {
  return y.command(
    'campaign <action> <file>',
    'An evaluation described by one YAML file: plan (requests, bytes, time, cost against caps and budget), run ' +
      '(every workload on every candidate, repeated, interleaved, resumable), report, clean',
    (y) =>
      y
        .positional('action', { choices: ['plan', 'run', 'report', 'clean'] as const, demandOption: true })
        .positional('file', {
          type: 'string',
          demandOption: true,
          describe: 'the campaign file (YAML)',
          coerce: absolute,
        })
        .option('out', {
          type: 'string',
          describe: "the campaign's results folder (default: the file's `results`, else campaign-NAME)",
          coerce: absolute,
        }),
    async (a) => {
      const say = (l: string) => console.log(l);
      const c = loadCampaign(a.file, a.out);
      if (a.action === 'plan') {
        // The plan is printed even when refused; the refusal is then the one line on stderr, exit 2.
        const { plan, text } = planned(c, campaignDataset);
        say(text);
        checkPlan(plan);
        return;
      }
      if (a.action === 'run') {
        const outcome = await runCampaign(c, campaignDataset, say);
        const inputs = reportInputs(c);
        await report(inputs.dirs, inputs.out, loadCriteria(inputs.criteria ?? undefined), { repetitions: true });
        const failed = outcome.failed.length ? `; ${outcome.failed.length} failed (run again to resume them)` : '';
        const stopped = outcome.stopped ? `; stopped: ${outcome.stopped}` : '';
        say(
          `${outcome.done} runs done, ${outcome.skipped} kept from before${failed}${stopped}, ` +
            `in ${duration(outcome.seconds)}; ` +
            `report in ${inputs.out}/report.html`,
        );
        if (outcome.failed.length || outcome.stopped) exit(1);
        return;
      }
      if (a.action === 'report') {
        const inputs = reportInputs(c);
        const r = await report(inputs.dirs, inputs.out, loadCriteria(inputs.criteria ?? undefined), {
          repetitions: true,
        });
        say(`${r.runs.length} runs of ${r.candidates.length} candidates; report in ${inputs.out}/report.html`);
        return;
      }
      checkCredentials(c);
      for (const r of await cleanCampaign(c)) {
        const same = r.extra.length === 0 && r.missing.length === 0;
        say(
          `${r.host}: ${r.deleted} objects the campaign wrote deleted; ` +
            (same
              ? 'what remains equals the listing taken before the campaign'
              : `differs from before: ${r.extra.length} more (${r.extra.slice(0, 3).join(', ')}), ` +
                `${r.missing.length} gone (${r.missing.slice(0, 3).join(', ')})`),
        );
        if (!same) exit(1);
      }
    },
  );
}
