// A campaign file (YAML): the candidates, the dataset, the workloads, repetitions and budget of one
// evaluation. Read and checked whole before anything is sent: a mistake is one line naming it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../../util/errors.js';
import { parseSeconds, parseVolume, parseWindow } from '../../util/units.js';
import { credentialsOf, loadProfile } from '../../hosts/profile.js';
import { RUN_PROFILES, SCENARIOS } from '../run.js';
import { planSteps } from '../steps.js';

export interface Candidate {
  host: string;
  /** The front a cutover is rehearsed through (a cutover workload needs one). */
  front?: string;
}

export type Workload =
  | { id: string; kind: 'run'; scenario: string; profile: 'ci' | 'full'; settings: Record<string, string> }
  | {
      id: string;
      kind: 'migration';
      window: string;
      volume?: string;
      plan?: string;
      streams: number;
      partSize: number;
      retries: number;
    }
  | { id: string; kind: 'mirror'; procedure: string; duration: number; rate: number; maxLag: number; catchUp: number }
  | {
      id: string;
      kind: 'research';
      researchers: number;
      duration: number;
      ramp: number;
      think: number;
      burst: number;
      queries?: string;
      /** The project extraction researchers query: generated apart (small), or the campaign's dataset. */
      extraction: { beneficiaries: number; firstYear: number; lastYear: number; seed: number } | null;
    }
  | {
      id: string;
      kind: 'cutover';
      procedure: string;
      steps?: string;
      stepEvery: number;
      at: number;
      duration: number;
      rate: number;
    };

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
  const kinds = ['scenario', 'migration', 'mirror', 'cutover', 'research'].filter((k) => k in w);
  if (kinds.length !== 1) fail(file, `workloads[${i}] must name one of scenario, migration, mirror, cutover, research`);
  const id = w.id === undefined ? undefined : String(w.id);
  if (kinds[0] === 'scenario') {
    only(file, `workloads[${i}]`, w, ['id', 'scenario', 'profile', 'settings']);
    const scenario = String(w.scenario);
    if (!SCENARIOS.includes(scenario))
      fail(file, `unknown workload scenario "${scenario}" (known: ${SCENARIOS.join(', ')})`);
    const profile = String(w.profile ?? 'ci');
    if (!(profile in RUN_PROFILES)) fail(file, `workload ${scenario}: profile must be ci or full, got "${profile}"`);
    if (w.settings !== undefined && !isObject(w.settings))
      fail(file, `workload ${scenario}: settings must be a mapping`);
    const settings = Object.fromEntries(Object.entries(w.settings ?? {}).map(([k, v]) => [k, String(v)]));
    if (settings.DURATION) parseSeconds(`${scenario}.settings.DURATION`, settings.DURATION);
    return { id: id ?? scenario, kind: 'run', scenario, profile: profile as 'ci' | 'full', settings };
  }
  const spec = w[kinds[0]] ?? {};
  if (!isObject(spec)) fail(file, `workloads[${i}].${kinds[0]} must be a mapping`);
  const where = `workload ${kinds[0]}`;
  if (kinds[0] === 'migration') {
    only(file, where, spec, ['window', 'volume', 'plan', 'streams', 'part_size', 'retries']);
    if (spec.window === undefined) fail(file, `${where} needs a window (for example 18h)`);
    parseWindow(String(spec.window));
    if (spec.volume !== undefined && spec.plan !== undefined) fail(file, `${where}: give volume or plan, not both`);
    if (spec.volume !== undefined) parseVolume(String(spec.volume));
    if (spec.plan !== undefined && !existsSync(resolve(String(spec.plan))))
      fail(file, `${where}: no plan file ${spec.plan}`);
    return {
      id: id ?? 'migration',
      kind: 'migration',
      window: String(spec.window),
      volume: spec.volume === undefined ? undefined : String(spec.volume),
      plan: spec.plan === undefined ? undefined : resolve(String(spec.plan)),
      streams: num(file, `${where}.streams`, spec.streams, 4),
      partSize: num(file, `${where}.part_size`, spec.part_size, 16 * 1024 ** 2),
      retries: num(file, `${where}.retries`, spec.retries, 4),
    };
  }
  if (kinds[0] === 'research') {
    only(file, where, spec, ['researchers', 'duration', 'ramp', 'think', 'burst', 'queries', 'extraction']);
    const researchers = num(file, `${where}.researchers`, spec.researchers, 1);
    if (!Number.isInteger(researchers)) fail(file, `${where}.researchers must be a whole number`);
    const seconds = (k: string, d: number) => {
      const v = spec[k] === undefined ? d : Number(spec[k]);
      if (!(v >= 0)) fail(file, `${where}.${k} must be seconds (0 or more), got ${JSON.stringify(spec[k])}`);
      return v;
    };
    let extraction = null;
    if (spec.extraction !== undefined) {
      const e = spec.extraction;
      if (!isObject(e)) fail(file, `${where}.extraction must be a mapping (beneficiaries, years, seed)`);
      only(file, `${where}.extraction`, e, ['beneficiaries', 'years', 'seed']);
      const [firstYear, lastYear] = years(file, e.years);
      const seed = e.seed === undefined ? 42 : Number(e.seed);
      if (!Number.isInteger(seed)) fail(file, `${where}.extraction.seed must be an integer`);
      const beneficiaries = Math.round(num(file, `${where}.extraction.beneficiaries`, e.beneficiaries));
      extraction = { beneficiaries, firstYear, lastYear, seed };
    }
    if (spec.queries !== undefined && !existsSync(resolve(String(spec.queries))))
      fail(file, `${where}: no query file ${spec.queries}`);
    return {
      id: id ?? 'research',
      kind: 'research',
      researchers,
      duration: num(file, `${where}.duration`, spec.duration, 30),
      ramp: seconds('ramp', 0),
      think: seconds('think', 5),
      burst: Math.round(num(file, `${where}.burst`, spec.burst, 3)),
      ...(spec.queries !== undefined ? { queries: resolve(String(spec.queries)) } : {}),
      extraction,
    };
  }
  if (kinds[0] === 'mirror') {
    only(file, where, spec, ['procedure', 'duration', 'rate', 'max_lag', 'catch_up']);
    return {
      id: id ?? 'mirror',
      kind: 'mirror',
      procedure: String(spec.procedure ?? 'reference'),
      duration: num(file, `${where}.duration`, spec.duration, 20),
      rate: num(file, `${where}.rate`, spec.rate, 20),
      maxLag: num(file, `${where}.max_lag`, spec.max_lag, 30),
      catchUp: num(file, `${where}.catch_up`, spec.catch_up, 60),
    };
  }
  only(file, where, spec, ['procedure', 'steps', 'step_every', 'at', 'duration', 'rate']);
  const at = spec.at === undefined ? 5 : Number(spec.at);
  if (!(at >= 0)) fail(file, `${where}.at must be seconds after the load starts, got ${JSON.stringify(spec.at)}`);
  if (spec.steps !== undefined) {
    if (spec.at !== undefined) fail(file, `${where}: at is the single switch's time; with steps use step_every`);
    try {
      planSteps({ steps: String(spec.steps), stepEvery: num(file, `${where}.step_every`, spec.step_every, 6) });
    } catch (e) {
      fail(file, `${where}.steps: ${(e as Error).message}`);
    }
  }
  return {
    id: id ?? 'cutover',
    kind: 'cutover',
    procedure: String(spec.procedure ?? 'reference'),
    steps: spec.steps === undefined ? undefined : String(spec.steps),
    stepEvery: num(file, `${where}.step_every`, spec.step_every, 6),
    at,
    duration: num(file, `${where}.duration`, spec.duration, 15),
    rate: num(file, `${where}.rate`, spec.rate, 30),
  };
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
  const needsSource = workloads.find((w) => w.kind !== 'run' && w.kind !== 'research');
  if (needsSource && !source) fail(file, `workload ${needsSource.id} needs a source (the old host) at the top level`);
  const d = dataset(file, raw.dataset);
  if (needsSource && !d) fail(file, `workload ${needsSource.id} needs a dataset (generate or folder)`);
  const noData = workloads.find((w) => w.kind === 'research' && !w.extraction);
  if (noData && !d) fail(file, `workload ${noData.id} needs an extraction or the campaign's dataset`);
  const noFront = workloads.some((w) => w.kind === 'cutover') && candidates.find((c) => !c.front);
  if (noFront) fail(file, `candidate ${noFront.host} has no front, which the cutover workload needs`);
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
