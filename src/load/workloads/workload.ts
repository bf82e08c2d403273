// What a workload is, for everything that starts, plans or schedules one: its typed settings with a CI
// and a full profile, what it costs a host (the campaign plan's requests, bytes and time), what it needs
// prepared, and for a rehearsal of its own (migration, mirror, cutover) how a campaign step runs it.
import { UsageError } from '../../util/errors.js';
import { parseSeconds } from '../../util/units.js';
import type { HostProfile } from '../../hosts/profile.js';

export type Profile = 'ci' | 'full';
export const PROFILES: readonly Profile[] = ['ci', 'full'];

/** What a workload sends a host, for the campaign plan. */
export interface Cost {
  /** Seconds of load. */
  seconds: number;
  /** Write requests (PUT, POST, COPY, DELETE) and read requests (GET, HEAD, LIST), on the candidate. */
  put: number;
  get: number;
  /** Bytes written to and read from the candidate. */
  written: number;
  read: number;
}

/** What an estimate is made from. */
export interface CostContext {
  host: HostProfile;
  /** Seconds one request moving `bytes` is assumed to take on this host (an upper estimate). */
  requestSeconds(bytes: number): number;
  /** The campaign's dataset (none: zero files). */
  dataset: { files: number; bytes: number };
}

/** What a campaign step hands a rehearsal. */
export interface StepContext {
  /** The old host, the candidate, and the front a cutover goes through. */
  source: string;
  host: string;
  front?: string;
  /** The dataset folder, seeded on the source under `datasetPrefix`. */
  dataset: string;
  datasetPrefix: string;
  /** Where the run's folder goes. */
  results: string;
  /** The dataset wing's generation and upload, for a workload with data of its own (research's extraction). */
  prepare?: (
    g: { beneficiaries: number; firstYear: number; lastYear: number; seed: number },
    dir: string,
  ) => Promise<string>;
  seed?: (dataset: string, host: string, prefix: string) => Promise<void>;
}

export interface StepOutcome {
  exit: number;
  /** What the run wrote, as [host, prefix]: what `campaign clean` removes. */
  owned: [string, string][];
}

interface Common<S extends object> {
  name: string;
  /** One line for help texts. */
  describe: string;
  profiles: Record<Profile, S>;
  /** The settings a campaign file or a command line gives, checked (a UsageError names the first
   * mistake) and laid over the profile's. */
  settings(base: S, given: Record<string, unknown>, where: string): S;
  estimate(s: S, c: CostContext): Cost;
}

/** A k6 script run by `sndsbench run NAME` against one host: its settings are its environment. */
export interface ScenarioWorkload<S extends ScenarioSettings = ScenarioSettings> extends Common<S> {
  kind: 'scenario';
  /** Readies what the script reads before the load (a sample file for the read scenario). */
  prepare?(s: S, p: Preparation): Promise<S>;
  /** The settings within the host's published limits (part sizes), or a UsageError before any request. */
  fitHost?(s: S, host: HostProfile): S;
  /** The object sizes the run writes or reads, for its manifest. */
  objectSizes(s: S): number[];
}

/** A rehearsal with a command of its own, which needs the dataset seeded on an old host. */
export interface RehearsalWorkload<S extends object = object> extends Common<S> {
  kind: 'rehearsal';
  /** A front between the load and the hosts. */
  needsFront: boolean;
  /** Tests the candidate alone: needs no old host and no dataset. */
  standalone?: boolean;
  execute(s: S, c: StepContext): Promise<StepOutcome>;
}

export type Workload = ScenarioWorkload | RehearsalWorkload;

/** What a scenario's preparation may use. */
export interface Preparation {
  /** The folder results go to (a sample file goes under it). */
  results: string;
  /** Makes a real Parquet file into the folder given (the dataset wing's, handed in). */
  sample?: (dir: string) => Promise<string>;
}

/** A scenario's settings: environment variables by name. */
export type ScenarioSettings = Partial<Record<string, string>>;

/** How a scenario setting is checked. */
export type SettingKind = 'count' | 'bytes' | 'duration' | 'json' | 'text' | readonly string[];

/** A scenario's settings from a campaign file or --set: known names only, values of their kind. */
export function scenarioSettings<S extends ScenarioSettings>(
  name: string,
  kinds: Record<keyof S & string, SettingKind>,
  base: S,
  given: Record<string, unknown>,
  where: string,
): S {
  const out: ScenarioSettings = { ...base };
  const known = Object.keys(kinds);
  for (const [k, raw] of Object.entries(given)) {
    if (!known.includes(k)) throw new UsageError(`${where}: ${name} has no setting ${k} (known: ${known.join(', ')})`);
    const v = String(raw);
    const kind = kinds[k as keyof S & string];
    const bad = (what: string) => new UsageError(`${where}: ${k} must be ${what}, got "${v}"`);
    if ((kind === 'count' || kind === 'bytes') && !(Number.isInteger(Number(v)) && Number(v) > 0))
      throw bad(kind === 'count' ? 'a positive integer' : 'a size in bytes');
    if (kind === 'duration') parseSeconds(`${name}.settings.${k}`, v);
    if (kind === 'json')
      try {
        JSON.parse(v);
      } catch {
        throw bad('JSON');
      }
    if (Array.isArray(kind) && !kind.includes(v)) throw bad(`one of ${kind.join(', ')}`);
    out[k] = v;
  }
  return out as S;
}

/** A number from a rehearsal's settings: positive, or the profile's when not given. */
export function positive(where: string, key: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(n > 0) || typeof v === 'boolean')
    throw new UsageError(`${where}.${key} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

/** Refuses keys a rehearsal does not know. */
export function onlyKeys(where: string, given: Record<string, unknown>, keys: string[]): void {
  const extra = Object.keys(given).filter((k) => !keys.includes(k));
  if (extra.length) throw new UsageError(`${where}: unknown key "${extra[0]}" (known: ${keys.join(', ')})`);
}

/** What a run on both hosts owns: its prefix on each, and the dataset it seeded on the candidate. */
export function bothHosts(c: StepContext, prefix: string): [string, string][] {
  return [
    [c.source, prefix],
    [c.host, prefix],
    [c.host, `${c.datasetPrefix}/`],
  ];
}
