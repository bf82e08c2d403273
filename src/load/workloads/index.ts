// Every workload sndsbench runs, by name: `run`, the CLI and campaigns (their file, plan and schedule)
// read this list, so that a new scenario is its script plus one file here.
import { UsageError } from '../../util/errors.js';
import { ingest } from './ingest.js';
import { read } from './read.js';
import { mixed } from './mixed.js';
import { migration } from './migration.js';
import { mirror } from './mirror.js';
import { cutover } from './cutover.js';
import { consistency } from './consistency.js';
import { researchWorkload } from './research.js';
import type { RehearsalWorkload, ScenarioWorkload, Workload } from './workload.js';

export type { Cost, CostContext, Profile, StepContext, StepOutcome, Workload } from './workload.js';
export { PROFILES } from './workload.js';

// Each file types its own settings; listed here by what every workload shares.
export const WORKLOADS: readonly Workload[] = [
  ingest,
  read,
  mixed,
  migration,
  mirror,
  cutover,
  consistency,
  researchWorkload,
];

export const SCENARIOS = WORKLOADS.filter((w): w is ScenarioWorkload => w.kind === 'scenario');
export const REHEARSALS = WORKLOADS.filter((w): w is RehearsalWorkload => w.kind === 'rehearsal');

/** The workload called `name`; anything else is a UsageError naming those there are. */
export function workloadNamed(name: string, among: readonly Workload[] = WORKLOADS): Workload {
  const w = among.find((x) => x.name === name);
  if (!w) throw new UsageError(`unknown workload "${name}" (known: ${among.map((x) => x.name).join(', ')})`);
  return w;
}

/** The scenario `sndsbench run` runs as `name`. */
export function scenarioNamed(name: string): ScenarioWorkload {
  return workloadNamed(name, SCENARIOS) as ScenarioWorkload;
}
