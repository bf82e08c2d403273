// The consolidated options: the script's `options`, then the command line's; shortcuts turned into one
// `default` scenario; every scenario's executor settings checked (a bad one is exit 104).
import { parseDuration } from './duration.js';
import { validTrendStat } from './metrics.js';

export class ConfigError extends Error {}

export type ExecutorName =
  | 'constant-vus'
  | 'constant-arrival-rate'
  | 'per-vu-iterations'
  | 'shared-iterations'
  | 'ramping-vus'
  | 'ramping-arrival-rate';

export interface Stage {
  durationMs: number;
  target: number;
}

export interface Scenario {
  name: string;
  executor: ExecutorName;
  startTimeMs: number;
  gracefulStopMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  vus: number;
  iterations: number;
  durationMs: number;
  rate: number;
  timeUnitMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  stages: Stage[];
  startVUs: number;
  startRate: number;
  gracefulRampDownMs: number;
}

export interface Options {
  raw: Record<string, unknown>;
  scenarios: Scenario[];
  thresholds: Record<string, unknown[]>;
  summaryTrendStats: string[];
  summaryTimeUnit: string | null;
  discardResponseBodies: boolean;
  insecureSkipTLSVerify: boolean;
  throw: boolean;
  tags: Record<string, string>;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  userAgent: string | null;
  /** Redirects followed per request (k6's maxRedirects), null where the script sets none (10). */
  maxRedirects: number | null;
  /** Keep each VU's cookies from one iteration to the next (k6 empties the jar before each). */
  noCookiesReset: boolean;
}

export interface Overrides {
  vus?: number;
  durationMs?: number;
  iterations?: number;
  summaryTrendStats?: string[];
}

const EXECUTORS = new Set<string>([
  'constant-vus',
  'constant-arrival-rate',
  'per-vu-iterations',
  'shared-iterations',
  'ramping-vus',
  'ramping-arrival-rate',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function int(o: Obj, key: string, def: number | null, where: string): number {
  const v = o[key];
  if (v === undefined || v === null) {
    if (def === null) throw new ConfigError(`${where}: ${key} is required`);
    return def;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ConfigError(`${where}: ${key} must be a non-negative integer`);
  return v;
}

function dur(o: Obj, key: string, def: number | null, where: string): number {
  const v = o[key];
  if (v === undefined || v === null) {
    if (def === null) throw new ConfigError(`${where}: ${key} is required`);
    return def;
  }
  try {
    return parseDuration(v, `${where}: ${key}`);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

function stages(o: Obj, where: string): Stage[] {
  const s = o.stages;
  if (!Array.isArray(s) || s.length === 0) throw new ConfigError(`${where}: stages are required`);
  return s.map((st, i) => {
    if (!isObj(st)) throw new ConfigError(`${where}: stage ${i} is not an object`);
    return { durationMs: dur(st, 'duration', null, `${where} stage ${i}`), target: int(st, 'target', 0, where) };
  });
}

const strings = (v: unknown): Record<string, string> =>
  isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};

function scenario(name: string, o: Obj): Scenario {
  const where = `scenario ${name}`;
  if (!/^[0-9a-zA-Z_-]+$/.test(name)) throw new ConfigError(`${where}: the name may hold only [0-9a-zA-Z_-]`);
  const executor = String(o.executor ?? '');
  if (!EXECUTORS.has(executor)) throw new ConfigError(`${where}: unsupported executor "${executor}"`);
  const sc: Scenario = {
    name,
    executor: executor as ExecutorName,
    startTimeMs: dur(o, 'startTime', 0, where),
    gracefulStopMs: dur(o, 'gracefulStop', 30_000, where),
    exec: typeof o.exec === 'string' ? o.exec : 'default',
    env: strings(o.env),
    tags: strings(o.tags),
    vus: 0,
    iterations: 0,
    durationMs: 0,
    rate: 0,
    timeUnitMs: 1000,
    preAllocatedVUs: 0,
    maxVUs: 0,
    stages: [],
    startVUs: 0,
    startRate: 0,
    gracefulRampDownMs: 30_000,
  };
  switch (sc.executor) {
    case 'constant-vus':
      sc.vus = int(o, 'vus', 1, where);
      sc.durationMs = dur(o, 'duration', null, where);
      break;
    case 'per-vu-iterations':
    case 'shared-iterations':
      sc.vus = int(o, 'vus', 1, where);
      sc.iterations = int(o, 'iterations', 1, where);
      sc.durationMs = dur(o, 'maxDuration', 600_000, where);
      if (sc.executor === 'shared-iterations' && sc.iterations < sc.vus)
        throw new ConfigError(`${where}: iterations (${sc.iterations}) must not be below vus (${sc.vus})`);
      break;
    case 'constant-arrival-rate':
      sc.rate = int(o, 'rate', null, where);
      sc.timeUnitMs = dur(o, 'timeUnit', 1000, where);
      sc.durationMs = dur(o, 'duration', null, where);
      sc.preAllocatedVUs = int(o, 'preAllocatedVUs', null, where);
      sc.maxVUs = int(o, 'maxVUs', sc.preAllocatedVUs, where);
      break;
    case 'ramping-arrival-rate':
      sc.startRate = int(o, 'startRate', 0, where);
      sc.timeUnitMs = dur(o, 'timeUnit', 1000, where);
      sc.stages = stages(o, where);
      sc.preAllocatedVUs = int(o, 'preAllocatedVUs', null, where);
      sc.maxVUs = int(o, 'maxVUs', sc.preAllocatedVUs, where);
      sc.durationMs = sc.stages.reduce((a, s) => a + s.durationMs, 0);
      break;
    case 'ramping-vus':
      sc.startVUs = int(o, 'startVUs', 1, where);
      sc.stages = stages(o, where);
      sc.gracefulRampDownMs = dur(o, 'gracefulRampDown', 30_000, where);
      sc.durationMs = sc.stages.reduce((a, s) => a + s.durationMs, 0);
      break;
  }
  if (sc.maxVUs < sc.preAllocatedVUs) throw new ConfigError(`${where}: maxVUs must not be below preAllocatedVUs`);
  if ((sc.executor === 'constant-arrival-rate' || sc.executor === 'ramping-arrival-rate') && sc.timeUnitMs <= 0)
    throw new ConfigError(`${where}: timeUnit must be positive`);
  return sc;
}

/** The scenarios the options describe, shortcuts included (k6's execution_config_shortcuts). */
function scenariosOf(o: Obj): Scenario[] {
  const has = (k: string) => o[k] !== undefined && o[k] !== null;
  const shortcuts = ['iterations', 'duration', 'stages'].filter(has);
  if (has('scenarios')) {
    if (shortcuts.length)
      throw new ConfigError(`"${shortcuts[0]}" cannot be used with "scenarios": choose one or the other`);
    if (!isObj(o.scenarios)) throw new ConfigError('scenarios must be an object');
    const list = Object.entries(o.scenarios).map(([n, s]) => {
      if (!isObj(s)) throw new ConfigError(`scenario ${n} is not an object`);
      return scenario(n, s);
    });
    if (!list.length) throw new ConfigError('no scenario to run');
    return list;
  }
  if (shortcuts.length > 1) throw new ConfigError(`"${shortcuts[0]}" and "${shortcuts[1]}" cannot be used together`);
  if (has('iterations'))
    return [
      scenario('default', {
        executor: 'shared-iterations',
        vus: o.vus ?? 1,
        iterations: o.iterations,
        ...(has('duration') ? { maxDuration: o.duration } : {}),
      }),
    ];
  if (has('duration')) {
    const d = parseDuration(o.duration, 'duration');
    if (d === 0) throw new ConfigError('duration must be positive');
    return [scenario('default', { executor: 'constant-vus', vus: o.vus ?? 1, duration: o.duration })];
  }
  if (has('stages')) return [scenario('default', { executor: 'ramping-vus', startVUs: o.vus ?? 1, stages: o.stages })];
  if (has('vus')) return [scenario('default', { executor: 'shared-iterations', vus: o.vus, iterations: o.vus })];
  return [scenario('default', { executor: 'per-vu-iterations', vus: 1, iterations: 1 })];
}

export function consolidate(script: unknown, cli: Overrides): Options {
  const raw: Obj = isObj(script) ? { ...script } : {};
  if (cli.vus !== undefined) raw.vus = cli.vus;
  if (cli.durationMs !== undefined || cli.iterations !== undefined) {
    // Shortcuts on the command line replace the script's scenarios and shortcuts.
    delete raw.scenarios;
    delete raw.stages;
    delete raw.duration;
    delete raw.iterations;
    if (cli.durationMs !== undefined) raw.duration = `${cli.durationMs}ms`;
    if (cli.iterations !== undefined) raw.iterations = cli.iterations;
  } else if (cli.vus !== undefined && raw.scenarios) delete raw.scenarios;
  if (cli.summaryTrendStats) raw.summaryTrendStats = cli.summaryTrendStats;
  const scenarios = scenariosOf(raw);
  const thresholds: Record<string, unknown[]> = {};
  if (raw.thresholds !== undefined) {
    if (!isObj(raw.thresholds)) throw new ConfigError('thresholds must be an object');
    for (const [k, v] of Object.entries(raw.thresholds)) thresholds[k] = Array.isArray(v) ? v : [v];
  }
  const stats = (raw.summaryTrendStats as string[] | undefined) ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  if (!Array.isArray(stats) || stats.some((s) => typeof s !== 'string' || !validTrendStat(s)))
    throw new ConfigError(`invalid summaryTrendStats ${JSON.stringify(stats)}`);
  const toMs = (k: string, d: number) => (raw[k] === undefined ? d : parseDuration(raw[k], k));
  return {
    raw,
    scenarios,
    thresholds,
    summaryTrendStats: stats,
    summaryTimeUnit: typeof raw.summaryTimeUnit === 'string' ? raw.summaryTimeUnit : null,
    discardResponseBodies: Boolean(raw.discardResponseBodies),
    insecureSkipTLSVerify: Boolean(raw.insecureSkipTLSVerify),
    throw: Boolean(raw.throw),
    tags: strings(raw.tags),
    setupTimeoutMs: toMs('setupTimeout', 60_000),
    teardownTimeoutMs: toMs('teardownTimeout', 60_000),
    userAgent: typeof raw.userAgent === 'string' ? raw.userAgent : null,
    noCookiesReset: Boolean(raw.noCookiesReset),
    maxRedirects: raw.maxRedirects === undefined || raw.maxRedirects === null ? null : redirectLimit(raw.maxRedirects),
  };
}

/** A number of redirects: a whole number, 0 or more. */
export function redirectLimit(v: unknown, what = 'maxRedirects'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ConfigError(`${what} must be a whole number of redirects, 0 or more`);
  return v;
}
