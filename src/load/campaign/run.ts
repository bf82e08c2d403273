// `campaign run`: every workload on every candidate, `repeat` times, interleaved (repetition by
// repetition, workload by workload, candidates in turn, their order rotated each repetition) so that a
// shared cloud's slow hour falls on all candidates alike. Resumable: a run is written under
// runs/KEY.partial/ and renamed when complete; a completed run is never redone, an interrupted one is
// named and rerun. A run that fails is recorded and the campaign goes on with the others.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadProfile } from '../../hosts/profile.js';
import { preflight } from '../../hosts/preflight.js';
import { addToxic, clearToxics } from '../../hosts/toxics.js';
import { keysOn } from '../../hosts/sync.js';
import { runScenario } from '../run.js';
import { workloadNamed } from '../workloads/index.js';
import { duration } from '../../util/units.js';
import { UsageError } from '../../util/errors.js';
import { datasetPrefix, hostsOf, type Campaign, type Workload } from './file.js';
import { own, readState, writeState, type CampaignState } from './state.js';
import { checkPlan, formatPlan, planCampaign, type CampaignPlan, type DatasetSize } from './plan.js';
import { checkCredentials } from './file.js';

type GenerateSpec = NonNullable<NonNullable<Campaign['dataset']>['generate']>;

export const datasetFolder = (c: Campaign) => c.dataset?.folder ?? join(c.results, 'data');

/** Everything checked before a request is sent: credentials, then caps and budget (UsageError). */
export function planned(c: Campaign, hooks: DatasetHooks): { plan: CampaignPlan; text: string } {
  checkCredentials(c);
  const plan = planCampaign(c, c.dataset ? hooks.size(c.dataset.generate, datasetFolder(c)) : null);
  return { plan, text: formatPlan(c, plan) };
}

/** What `report` takes for the campaign: its completed runs, the report folder, the criteria file. */
export function reportInputs(c: Campaign): { dirs: string[]; out: string; criteria: string | null } {
  const dirs = completedRuns(c, readState(c.results, c.name));
  if (dirs.length === 0) throw new UsageError(`campaign ${c.name}: no completed run in ${c.results} yet`);
  return { dirs, out: join(c.results, 'report'), criteria: c.criteria };
}

/** What the campaign needs from the dataset wing, handed in by the command (the load wing does not import it). */
export interface DatasetHooks {
  /** Objects and bytes of the dataset in `dir`, or predicted from the generate parameters. */
  size: (g: GenerateSpec | null, dir: string) => DatasetSize;
  /** Generates the campaign's dataset into `dir` unless it is there; returns the dataset folder. */
  prepare: (g: GenerateSpec, dir: string) => Promise<string>;
  /** Uploads the dataset to the source under `prefix`, skipping what is already there. */
  seed: (dataset: string, host: string, prefix: string) => Promise<void>;
  /** A real Parquet file for the read scenario. */
  sample: (dir: string) => Promise<string>;
}

export interface Step {
  key: string;
  repetition: number;
  workload: Workload;
  host: string;
  front?: string;
}

export function schedule(c: Campaign): Step[] {
  const steps: Step[] = [];
  for (let rep = 1; rep <= c.repeat; rep++) {
    const turn = (rep - 1) % c.candidates.length;
    const order = [...c.candidates.slice(turn), ...c.candidates.slice(0, turn)];
    for (const w of c.workloads)
      for (const cand of order)
        steps.push({
          key: `r${rep}-${w.id}-${cand.host}`,
          repetition: rep,
          workload: w,
          host: cand.host,
          front: cand.front,
        });
  }
  return steps;
}

export const runsFolder = (c: Campaign) => join(c.results, 'runs');

/** The completed runs' folders (each holds one results/<run-id>/), in schedule order. */
export function completedRuns(c: Campaign, s: CampaignState): string[] {
  return schedule(c)
    .filter((x) => s.runs[x.key]?.status === 'done')
    .map((x) => join(c.results, s.runs[x.key].dir!));
}

/** Runs `fn` with a lab candidate's own toxics in place (a capped link), cleared after. */
async function asCandidate<T>(host: string, fn: () => Promise<T>): Promise<T> {
  const toxics = loadProfile(host).toxics ?? [];
  if (toxics.length === 0) return fn();
  await clearToxics(host);
  for (const [i, t] of toxics.entries()) await addToxic(host, `candidate-${i}`, t);
  try {
    return await fn();
  } finally {
    await clearToxics(host);
  }
}

/** One step into `into`; returns its exit code and the prefixes it wrote under, per host. */
async function execute(c: Campaign, s: Step, into: string, dataset: string | null, hooks: DatasetHooks) {
  const w = workloadNamed(s.workload.workload);
  if (w.kind === 'rehearsal')
    return w.execute(s.workload.settings, {
      // A standalone workload (consistency) reads neither.
      source: c.source ?? '',
      host: s.host,
      front: s.front,
      dataset: dataset ?? '',
      datasetPrefix: datasetPrefix(c),
      results: into,
      prepare: hooks.prepare,
      seed: hooks.seed,
    });
  const r = await runScenario({
    scenario: w.name,
    host: s.host,
    profile: s.workload.profile,
    segments: 1,
    results: into,
    // A scenario's checked settings are its environment.
    env: s.workload.settings as Record<string, string>,
    sample: hooks.sample,
  });
  return { exit: r.exitCode, owned: [[s.host, `sndsbench-${basename(r.dir)}/`]] as [string, string][] };
}

export interface CampaignOutcome {
  done: number;
  skipped: number;
  failed: string[];
  seconds: number;
  /** Set when the budget's hours were spent before every run was done. */
  stopped: string | null;
}

export async function runCampaign(
  c: Campaign,
  hooks: DatasetHooks,
  say: (line: string) => void,
): Promise<CampaignOutcome> {
  const started = Date.now();
  const { plan, text } = planned(c, hooks);
  for (const l of text.split('\n')) say(l);
  checkPlan(plan);
  mkdirSync(runsFolder(c), { recursive: true });
  const state = readState(c.results, c.name);
  // Credentials and reachability of every host, before anything is written.
  for (const h of hostsOf(c)) await preflight(loadProfile(h));
  // What each host holds before the campaign's first write: what `clean` must leave.
  for (const h of hostsOf(c).filter((h) => !c.candidates.some((x) => x.front === h)))
    if (!state.before[h]) state.before[h] = [...(await keysOn(loadProfile(h), ''))].sort();
  writeState(c.results, state);

  let dataset: string | null = null;
  if (c.dataset) {
    dataset = c.dataset.folder ?? (await hooks.prepare(c.dataset.generate!, datasetFolder(c)));
    const seeded = (w: Workload) => {
      const def = workloadNamed(w.workload);
      return def.kind === 'rehearsal' && !def.standalone;
    };
    if (c.source && c.workloads.some(seeded)) {
      own(state, c.source, `${datasetPrefix(c)}/`);
      writeState(c.results, state);
      say(`seeding the dataset on ${c.source} under ${datasetPrefix(c)}/`);
      await hooks.seed(dataset, c.source, datasetPrefix(c));
    }
  }

  const steps = schedule(c);
  const outcome: CampaignOutcome = { done: 0, skipped: 0, failed: [], seconds: 0, stopped: null };
  const times: number[] = [];
  for (const [i, s] of steps.entries()) {
    const at = `[${i + 1}/${steps.length}]`;
    if (state.runs[s.key]?.status === 'done') {
      outcome.skipped++;
      say(`${at} ${s.key}: done before, kept`);
      continue;
    }
    // The plan's estimate may be wrong: the hours actually spent, over every invocation, are the budget.
    const spent = Object.values(state.runs).reduce((t, x) => t + x.seconds, 0);
    if (c.budget.hours !== undefined && spent >= c.budget.hours * 3600) {
      const what = `${s.key} and later runs not started`;
      outcome.stopped = `the budget of ${c.budget.hours} h is spent (${duration(spent)}): ${what}`;
      say(`${at} ${outcome.stopped}`);
      break;
    }
    const partial = join(runsFolder(c), `${s.key}.partial`);
    if (existsSync(partial)) {
      const was = state.runs[s.key]?.status === 'failed' ? 'failed' : 'interrupted';
      say(`${at} ${s.key}: ${was} before, rerun`);
      rmSync(partial, { recursive: true, force: true });
    }
    mkdirSync(partial, { recursive: true });
    const t0 = Date.now();
    const left = steps.length - i;
    const eta = times.length
      ? ` (about ${duration((times.reduce((a, b) => a + b, 0) / times.length) * left)} left)`
      : '';
    say(`${at} repetition ${s.repetition}, ${s.workload.id} on ${s.host}${eta}`);
    try {
      const r = await asCandidate(s.host, () => execute(c, s, partial, dataset, hooks));
      for (const [host, prefix] of r.owned) own(state, host, prefix);
      const final = join(runsFolder(c), s.key);
      rmSync(final, { recursive: true, force: true });
      renameSync(partial, final);
      const seconds = (Date.now() - t0) / 1000;
      times.push(seconds);
      state.runs[s.key] = { ...record(s), status: 'done', dir: `runs/${s.key}`, seconds, exit: r.exit };
      outcome.done++;
      say(`${at} ${s.key}: ${r.exit === 0 ? 'done' : 'done, a threshold failed'} in ${seconds.toFixed(0)} s`);
    } catch (e) {
      const error = (e as Error).message.split('\n')[0];
      state.runs[s.key] = {
        ...record(s),
        status: 'failed',
        dir: null,
        seconds: (Date.now() - t0) / 1000,
        exit: null,
        error,
      };
      outcome.failed.push(`${s.key}: ${error}`);
      say(`${at} ${s.key}: FAILED: ${error} (the campaign goes on; rerun resumes it)`);
    }
    writeState(c.results, state);
  }
  outcome.seconds = (Date.now() - started) / 1000;
  return outcome;
}

const record = (s: Step) => ({ repetition: s.repetition, workload: s.workload.id, host: s.host });
