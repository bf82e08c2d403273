// A campaign file (YAML): the candidates, the dataset, the workloads, repetitions and budget of one
// evaluation. Read and checked whole before anything is sent: a mistake is one line naming it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../../util/errors.js';
import { parseVolume } from '../../util/units.js';
import { credentialsOf, loadProfile } from '../../hosts/profile.js';
import { PROFILES, REHEARSALS, SCENARIOS, workloadNamed, type Profile } from '../workloads/index.js';

export interface Candidate {
  host: string;
  /** The front a cutover is rehearsed through (a cutover workload needs one). */
  front?: string;
}

/** One workload of the campaign: a registered workload (src/load/workloads) with its checked settings. */
export interface Workload {
  id: string;
  /** Its name in the registry. */
  workload: string;
  profile: Profile;
  /** Typed by the workload's own file, which checked them. */
  settings: object;
}

export interface DatasetSpec {
  /** Generate parameters, or null when `folder` names an existing dataset. */
  generate: { beneficiaries: number; firstYear: number; lastYear: number; seed: number } | null;
  folder: string | null;
}

export interface Budget {
  requests?: number;
  bytes?: number;
  hours?: number;
  money?: number;
}

export interface Campaign {
  name: string;
  file: string;
  /** Where the campaign's runs, state and report live. */
  results: string;
  source: string | null;
  candidates: Candidate[];
  dataset: DatasetSpec | null;
  workloads: Workload[];
  repeat: number;
  criteria: string | null;
  budget: Budget;
  /** What the plan assumes of a request it cannot know: its round trip, and a connection's bandwidth. */
  assume: { requestMs: number; bytesPerSecond: number };
}

type Raw = Record<string, unknown>;

const isObject = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);

function fail(file: string, what: string): never {
  throw new UsageError(`campaign ${file}: ${what}`);
}

function num(file: string, where: string, v: unknown, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  const n = Number(v);
  if (!(n > 0) || typeof v === 'boolean') fail(file, `${where} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

function only(file: string, where: string, o: Raw, keys: string[]): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length) fail(file, `${where}: unknown key "${extra[0]}" (known: ${keys.join(', ')})`);
}

function years(file: string, v: unknown): [number, number] {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(String(v));
  if (!m || Number(m[1]) > Number(m[2] ?? m[1]))
    fail(file, `dataset.generate.years must be YYYY or YYYY-YYYY, got "${v}"`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

function workload(file: string, w: unknown, i: number): Workload {
  if (!isObject(w)) fail(file, `workloads[${i}] must be a mapping`);
  const keys = ['scenario', ...REHEARSALS.map((r) => r.name)];
  const kinds = keys.filter((k) => k in w);
  if (kinds.length !== 1) fail(file, `workloads[${i}] must name one of ${keys.join(', ')}`);
  let name: string;
  let given: unknown;
  let where: string;
  if (kinds[0] === 'scenario') {
    only(file, `workloads[${i}]`, w, ['id', 'scenario', 'profile', 'settings']);
    name = String(w.scenario);
    if (!SCENARIOS.some((x) => x.name === name))
      fail(file, `unknown workload scenario "${name}" (known: ${SCENARIOS.map((x) => x.name).join(', ')})`);
    where = `workload ${name}`;
    given = w.settings ?? {};
    if (!isObject(given)) fail(file, `${where}: settings must be a mapping`);
  } else {
    name = kinds[0];
    only(file, `workloads[${i}]`, w, ['id', name, 'profile']);
    where = `workload ${name}`;
    given = w[name] ?? {};
    if (!isObject(given)) fail(file, `workloads[${i}].${name} must be a mapping`);
  }
  const profile = String(w.profile ?? 'ci') as Profile;
  if (!PROFILES.includes(profile)) fail(file, `${where}: profile must be ${PROFILES.join(' or ')}, got "${profile}"`);
  const def = workloadNamed(name);
  let settings: object;
  try {
    settings = def.settings(def.profiles[profile], given, where);
  } catch (e) {
    if (e instanceof UsageError) fail(file, e.message);
    throw e;
  }
  return { id: w.id === undefined ? name : String(w.id), workload: name, profile, settings };
}

function dataset(file: string, d: unknown): DatasetSpec | null {
  if (d === undefined) return null;
  if (!isObject(d)) fail(file, 'dataset must be a mapping (generate: {...} or folder: PATH)');
  only(file, 'dataset', d, ['generate', 'folder']);
  if ((d.generate === undefined) === (d.folder === undefined))
    fail(file, 'dataset: give generate or folder, one of them');
  if (d.folder !== undefined) {
    const folder = resolve(String(d.folder));
    if (!existsSync(folder)) fail(file, `dataset.folder ${folder}: no such folder`);
    return { generate: null, folder };
  }
  const g = d.generate;
  if (!isObject(g)) fail(file, 'dataset.generate must be a mapping (beneficiaries, years, seed)');
  only(file, 'dataset.generate', g, ['beneficiaries', 'years', 'seed']);
  const [firstYear, lastYear] = years(file, g.years);
  const seed = g.seed === undefined ? 42 : Number(g.seed);
  if (!Number.isInteger(seed)) fail(file, `dataset.generate.seed must be an integer, got ${JSON.stringify(g.seed)}`);
  return {
    generate: {
      beneficiaries: Math.round(num(file, 'dataset.generate.beneficiaries', g.beneficiaries)),
      firstYear,
      lastYear,
      seed,
    },
    folder: null,
  };
}

function budget(file: string, b: unknown): Budget {
  if (b === undefined) return {};
  if (!isObject(b)) fail(file, 'budget must be a mapping (requests, bytes, hours, money)');
  only(file, 'budget', b, ['requests', 'bytes', 'hours', 'money']);
  const out: Budget = {};
  if (b.requests !== undefined) out.requests = num(file, 'budget.requests', b.requests);
  if (b.bytes !== undefined) out.bytes = typeof b.bytes === 'number' ? b.bytes : parseVolume(String(b.bytes));
  if (b.hours !== undefined) out.hours = num(file, 'budget.hours', b.hours);
  if (b.money !== undefined) out.money = num(file, 'budget.money', b.money);
  return out;
}

/** The campaign in `file`; host profiles must exist (credentials are checked by `checkCredentials`). */
export function loadCampaign(path: string, results?: string): Campaign {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`campaign ${file}: no such file`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(file, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(raw)) fail(file, 'expected a mapping with candidates and workloads');
  only(file, 'top level', raw, [
    'name',
    'results',
    'source',
    'candidates',
    'dataset',
    'workloads',
    'repeat',
    'criteria',
    'budget',
    'assume',
  ]);
  if (!Array.isArray(raw.candidates) || raw.candidates.length === 0) fail(file, 'candidates: give at least one host');
  const candidates = raw.candidates.map((c, i): Candidate => {
    const o = typeof c === 'string' ? { host: c } : c;
    if (!isObject(o) || typeof o.host !== 'string') fail(file, `candidates[${i}] must be a host name or {host, front}`);
    only(file, `candidates[${i}]`, o, ['host', 'front']);
    return { host: o.host, ...(o.front !== undefined ? { front: String(o.front) } : {}) };
  });
  const hosts = candidates.map((c) => c.host);
  const twice = hosts.find((h, i) => hosts.indexOf(h) !== i);
  if (twice) fail(file, `candidate ${twice} is listed twice`);
  if (!Array.isArray(raw.workloads) || raw.workloads.length === 0) fail(file, 'workloads: give at least one');
  const workloads = raw.workloads.map((w, i) => workload(file, w, i));
  const ids = workloads.map((w) => w.id);
  const dup = ids.find((x, i) => ids.indexOf(x) !== i);
  if (dup) fail(file, `workload id "${dup}" is used twice (give each an id)`);
  const source = raw.source === undefined ? null : String(raw.source);
  const needsSource = workloads.find((w) => workloadNamed(w.workload).kind === 'rehearsal');
  if (needsSource && !source) fail(file, `workload ${needsSource.id} needs a source (the old host) at the top level`);
  const d = dataset(file, raw.dataset);
  if (needsSource && !d) fail(file, `workload ${needsSource.id} needs a dataset (generate or folder)`);
  const fronted = workloads.find((w) => REHEARSALS.some((r) => r.name === w.workload && r.needsFront));
  const noFront = fronted && candidates.find((c) => !c.front);
  if (noFront) fail(file, `candidate ${noFront.host} has no front, which the ${fronted!.workload} workload needs`);
  // Unknown hosts are named here, in one line, before anything is sent.
  for (const c of candidates) {
    loadProfile(c.host);
    if (c.front) loadProfile(c.front);
  }
  if (source) loadProfile(source);
  const assume = isObject(raw.assume) ? raw.assume : {};
  if (raw.assume !== undefined) only(file, 'assume', assume, ['request_ms', 'connection_mib_s']);
  const name = String(raw.name ?? basename(file).replace(/\.ya?ml$/, ''));
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) fail(file, `name must be letters, digits, . _ -, got "${name}"`);
  return {
    name,
    file,
    results: results ?? resolve(String(raw.results ?? `campaign-${name}`)),
    source,
    candidates,
    dataset: d,
    workloads,
    repeat: Math.round(num(file, 'repeat', raw.repeat, 1)),
    criteria: raw.criteria === undefined ? null : resolve(String(raw.criteria)),
    budget: budget(file, raw.budget),
    assume: {
      requestMs: num(file, 'assume.request_ms', assume.request_ms, 20),
      bytesPerSecond: num(file, 'assume.connection_mib_s', assume.connection_mib_s, 100) * 2 ** 20,
    },
  };
}

/** Every host the campaign talks to. */
export function hostsOf(c: Campaign): string[] {
  const fronts = c.candidates.flatMap((x) => (x.front ? [x.front] : []));
  return [...new Set([...(c.source ? [c.source] : []), ...c.candidates.map((x) => x.host), ...fronts])];
}

/** The prefix the campaign seeds its dataset under: its own, so that `clean` can tell it apart. */
export const datasetPrefix = (c: Campaign) => `sndsbench-campaign-${c.name}`;

/** Names the first credential variable missing for any host, in one line, before anything is sent. */
export function checkCredentials(c: Campaign): void {
  for (const h of hostsOf(c)) credentialsOf(loadProfile(h));
}
