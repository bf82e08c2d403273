// `sndsbench report RESULTS_DIR... --out DIR`: the candidate hosts side by side on the same workloads,
// as one self-contained HTML page (SVG charts, no script, no network), Markdown and JSON, with a
// scorecard against the evaluator's criteria and every figure linked to its run's manifest.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfile } from '../hosts/profile.js';
import { writeAtomic } from '../util/files.js';
import { html } from './html.js';
import { markdown } from './markdown.js';
import { readRun, runDirs } from './readers.js';
import { byWorkload, repetitionsOf, scorecard } from './scorecard.js';
import { interval } from './intervals.js';
import type { Criterion, Loaded, Report } from './types.js';

export { DEFAULT_CRITERIA, loadCriteria } from './scorecard.js';
export type { Criterion, Report } from './types.js';

/** Each figure's median and range over a host's repetitions of a workload. */
function intervalsOf(reps: Loaded[]): Record<string, ReturnType<typeof interval>> {
  const names = [...new Set(reps.flatMap((r) => Object.keys(r.metrics)))];
  const numeric = (k: string) => reps.map((r) => r.metrics[k]).filter((v): v is number => typeof v === 'number');
  return Object.fromEntries(names.filter((k) => numeric(k).length).map((k) => [k, interval(numeric(k))]));
}

/** `repetitions`: a campaign's repeated runs of a workload are summed up as medians and ranges, and the
 * scorecard ranks candidates only where the ranges allow; otherwise the latest run of each host counts. */
export async function report(
  dirs: string[],
  out: string,
  criteria: Criterion[],
  options: { repetitions?: boolean } = {},
): Promise<Report> {
  const runs = await Promise.all(runDirs(dirs).map(readRun));
  const candidates = [...new Set(runs.map((r) => r.manifest.host))].sort();
  // In start order: the latest run of each host per workload wins, and the runs are listed so.
  runs.sort((a, b) => a.manifest.started.localeCompare(b.manifest.started));
  const groups = byWorkload(runs);
  const reps = options.repetitions ? repetitionsOf(runs) : undefined;

  const limits: Report['limits'] = {};
  for (const host of candidates) {
    try {
      limits[host] = loadProfile(host).limits;
    } catch {
      limits[host] = null;
    }
  }

  mkdirSync(join(out, 'runs'), { recursive: true });
  const links: Report['runs'] = [];
  for (const r of runs) {
    mkdirSync(join(out, 'runs', r.id), { recursive: true });
    copyFileSync(join(r.dir, 'manifest.json'), join(out, 'runs', r.id, 'manifest.json'));
    const manifest = `runs/${r.id}/manifest.json`;
    const kind = r.manifest.kind;
    links.push({ id: r.id, kind, host: r.manifest.host, manifest });
  }

  const result: Report = {
    generated: new Date().toISOString(),
    candidates,
    repetitions: reps ? Math.max(...groups.flat().map((r) => reps(r).length)) : 1,
    scorecard: scorecard(criteria, groups, candidates, reps),
    groups: groups.map((g) => ({
      scenario: g[0].manifest.scenario,
      workload: g[0].manifest.workload,
      runs: g.map((r) => ({
        host: r.manifest.host,
        id: r.id,
        metrics: r.metrics,
        ...(reps ? { intervals: intervalsOf(reps(r)), n: reps(r).length } : {}),
      })),
    })),
    limits,
    runs: links,
  };
  writeAtomic(join(out, 'report.json'), JSON.stringify(result, null, 1) + '\n');
  writeAtomic(join(out, 'report.md'), markdown(result));
  writeAtomic(join(out, 'report.html'), await html(result, groups));
  return result;
}
