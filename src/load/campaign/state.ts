// The campaign's state, in its results folder: which run is done, what each host held before the
// campaign, and the prefixes the campaign wrote under on each host. Written atomically after every
// run, so that an interruption loses at most the run under way.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { writeAtomic } from '../../util/files.js';

export interface RunRecord {
  repetition: number;
  workload: string;
  host: string;
  status: 'done' | 'failed';
  /** The run's results folder, relative to the campaign's results. */
  dir: string | null;
  seconds: number;
  exit: number | null;
  error?: string;
}

export interface CampaignState {
  campaign: string;
  runs: Record<string, RunRecord>;
  /** Every key on each host when the campaign started (what `clean` must leave). */
  before: Record<string, string[]>;
  /** Prefixes the campaign wrote under, per host. */
  owned: Record<string, string[]>;
}

export const stateFile = (results: string) => join(results, 'campaign.json');

export function readState(results: string, name: string): CampaignState {
  const f = stateFile(results);
  if (!existsSync(f)) return { campaign: name, runs: {}, before: {}, owned: {} };
  const s = JSON.parse(readFileSync(f, 'utf8')) as CampaignState;
  if (s.campaign !== name)
    throw new UsageError(`${results} holds campaign "${s.campaign}", not "${name}": give another results folder`);
  return s;
}

export function writeState(results: string, s: CampaignState): void {
  writeAtomic(stateFile(results), JSON.stringify(s, null, 1) + '\n');
}

export function own(s: CampaignState, host: string, prefix: string): void {
  const list = (s.owned[host] ??= []);
  if (!list.includes(prefix)) list.push(prefix);
}
