// `sndsbench run SCENARIO --host PROFILE`: checks the host before any load (reachable, credentials
// accepted, bucket present), runs the scenario with its settings, and writes results/<run-id>/.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { loadProfile, type HostProfile } from '../hosts/profile.js';
import { Histogram } from '../util/histogram.js';
import { writeAtomic } from '../util/files.js';
import { readPoints, readSummary } from '../contracts/results.js';
import type { K6Metric, K6Summary } from '../contracts/k6.js';
import { scenarioNamed } from './workloads/index.js';
import { runManifest, sizes } from './provenance.js';
import { preflight } from '../hosts/preflight.js';
import { access, removeAll } from '../hosts/sync.js';
import { launch, runId } from './launcher.js';
import { bucketUrl, pullRun, pushSegment } from './segment-results.js';

export interface RunOptions {
  scenario: string;
  host: string;
  profile: 'ci' | 'full';
  segments: number;
  results: string;
  env?: Record<string, string>;
  thresholds?: string;
  /** Leaves the objects the scenario wrote under its run prefix (removed by default). */
  keepObjects?: boolean;
  /** Makes a real Parquet file for the read scenario's layout, into the folder given, unless PARQUET names one. */
  sample?: (dir: string) => Promise<string>;
  /** Runs only this execution segment of `count` (a pod of the load Job); `results merge` joins them. */
  segment?: { index: number; count: number };
  /** The run's folder name, shared by the segments of one run (else made from the time). */
  name?: string;
}

/** What a run records in run.json, and each segment in run-I.json until they are merged. */
interface RunRecord {
  id: string;
  scenario: string;
  host: string;
  provider: string;
  profile: 'ci' | 'full';
  segments: number;
  settings: Partial<Record<string, string>>;
  runner: string;
  exit: number;
  thresholds_failed: boolean;
  /** The objects are under a prefix of the run's own, removed once the run is complete. */
  own_prefix: boolean;
  segment?: number;
}

export interface RunResult {
  dir: string;
  exitCode: number;
  summary: K6Summary;
}

export async function runScenario(o: RunOptions): Promise<RunResult> {
  const w = scenarioNamed(o.scenario);
  let settings = w.settings(w.profiles[o.profile], o.env ?? {}, '--set');
  const p = loadProfile(o.host);
  if (w.fitHost) settings = w.fitHost(settings, p);
  const thresholds = thresholdsFor(p, o.thresholds);
  const pushTo = o.results.startsWith('s3:') ? o.results : null;
  if (pushTo && !o.segment) throw new UsageError('--results s3://... is for one segment of a run (--segment I/N)');
  if (pushTo) bucketUrl(pushTo);
  const c = await preflight(p);
  const id = o.name ?? runId(`${o.scenario}-${p.name}`, 'second');
  const dir = join(pushTo ? mkdtempSync(join(tmpdir(), 'sndsbench-segment-')) : resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  // A prefix of the run's own, so that removing it afterwards touches nothing else in the bucket.
  const ownPrefix = settings.PREFIX === undefined;
  settings.PREFIX ??= `sndsbench-${id}`;
  if (w.prepare) settings = await w.prepare(settings, { results: o.results, sample: o.sample });
  const n = o.segment?.count ?? o.segments;
  // Raw samples: segments are merged from them, and reports draw throughput over time.
  const run = await launch({
    scenario: o.scenario,
    dir,
    settings: { ...settings, ...thresholds },
    target: { profile: p, credentials: c },
    segments: n,
    only: o.segment?.index,
    samples: true,
  });
  if (run.error) throw run.error;
  const record: RunRecord = {
    id,
    scenario: o.scenario,
    host: p.name,
    provider: p.provider,
    profile: o.profile,
    segments: n,
    settings,
    runner: run.runner,
    exit: run.code !== 0 ? 1 : 0,
    thresholds_failed: run.codes.includes(99),
    own_prefix: ownPrefix,
  };
  if (o.segment) {
    // One pod's part: its files wait, beside the others', for `results merge`.
    const i = o.segment.index;
    writeAtomic(join(dir, `run-${i}.json`), JSON.stringify({ ...record, segment: i }, null, 1));
    const summary = readSummary(run.summaries[0]);
    if (!pushTo) return { dir, exitCode: record.exit, summary };
    const where = await pushSegment(dir, i, pushTo, p);
    rmSync(dirname(dir), { recursive: true, force: true });
    return { dir: where, exitCode: record.exit, summary };
  }
  return finishRun(dir, record, p, o.keepObjects ?? false);
}

/** The segments of one run, each written by `run --segment I/N` (in `src`, a folder or s3://bucket/prefix/RUN
 * on `host`), merged into results/RUN as if one machine had run them all; the run's objects are then removed
 * from the host unless `keepObjects`. A segment missing or from another run is named, and nothing written. */
export async function mergeRun(
  src: string,
  results: string,
  host: HostProfile | null,
  keepObjects: boolean,
): Promise<RunResult> {
  const remote = bucketUrl(src);
  if (remote && !host) throw new UsageError(`${src} needs --host PROFILE (the host of the bucket)`);
  const from = remote ? mkdtempSync(join(tmpdir(), 'sndsbench-segments-')) : resolve(src);
  try {
    if (remote) await pullRun(src, host!, from);
    if (!existsSync(from)) throw new UsageError(`${src}: no such folder`);
    const parts = readdirSync(from)
      .filter((f) => /^run-\d+\.json$/.test(f))
      .map((f) => JSON.parse(readFileSync(join(from, f), 'utf8')) as RunRecord);
    if (parts.length === 0) throw new UsageError(`${src}: no segment (run-I.json) to merge`);
    const first = parts[0];
    const same = (r: RunRecord) =>
      r.id === first.id &&
      r.scenario === first.scenario &&
      r.segments === first.segments &&
      JSON.stringify(r.settings) === JSON.stringify(first.settings);
    const strangers = parts.filter((r) => !same(r)).map((r) => r.segment);
    if (strangers.length) throw new UsageError(`${src}: segments ${strangers.join(', ')} belong to another run`);
    const missing = Array.from({ length: first.segments }, (_, i) => i).filter(
      (i) => !parts.some((r) => r.segment === i) || !existsSync(join(from, `summary-${i}.json`)),
    );
    if (missing.length)
      throw new UsageError(
        `${src}: segment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first.segments} missing`,
      );
    const dir = join(resolve(results), first.id);
    if (resolve(from) !== dir) {
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(from)) copyFileSync(join(from, f), join(dir, f));
    }
    const record: RunRecord = {
      ...first,
      exit: parts.some((r) => r.exit !== 0) ? 1 : 0,
      thresholds_failed: parts.some((r) => r.thresholds_failed),
    };
    delete record.segment;
    const profile = host ?? ({ name: first.host, provider: first.provider } as HostProfile);
    return await finishRun(dir, record, profile, keepObjects || !host);
  } finally {
    if (remote) rmSync(from, { recursive: true, force: true });
  }
}

/** A complete run: its summary (merged when in segments), its objects removed, run.json and manifest.json. */
async function finishRun(dir: string, record: RunRecord, p: HostProfile, keepObjects: boolean): Promise<RunResult> {
  const n = record.segments;
  const w = scenarioNamed(record.scenario);
  const summary = n > 1 ? await mergeSegments(dir, n) : readSummary(join(dir, 'summary.json'));
  if (n > 1) writeAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 1));
  const { settings, id } = record;
  const removed = record.own_prefix && !keepObjects ? await removeRunObjects(p, `${settings.PREFIX}/`) : null;
  writeAtomic(join(dir, 'run.json'), JSON.stringify({ ...record, objects_removed: removed }, null, 1));
  // What makes two runs comparable: not the sample file's path nor the run's own prefix.
  const { PARQUET: _sample, PREFIX: _prefix, ...workload } = settings;
  writeAtomic(
    join(dir, 'manifest.json'),
    JSON.stringify(
      runManifest({
        kind: 'run',
        id,
        host: record.host,
        provider: record.provider,
        scenario: record.scenario,
        workload: { scenario: record.scenario, profile: record.profile, segments: n, ...workload },
        object_sizes: sizes(w.objectSizes(settings).filter((x) => x > 0)),
        tools: { runner: record.runner },
      }),
      null,
      1,
    ),
  );
  return { dir, exitCode: record.exit, summary };
}

/** The run's objects removed, or null (and a warning) when the host refuses: the results still stand. */
async function removeRunObjects(p: HostProfile, prefix: string): Promise<number | null> {
  return removeAll(access(p), prefix).catch((e: Error) => {
    console.error(`sndsbench: warning: objects under ${prefix} on ${p.name} were not removed: ${e.message}`);
    return null;
  });
}

/** Thresholds: the command line's, else the profile's, else the scenario's default. */
function thresholdsFor(p: HostProfile, cli?: string): Record<string, string> {
  const chosen = cli ?? (p.thresholds ? JSON.stringify(p.thresholds) : undefined);
  if (!chosen) return {};
  try {
    JSON.parse(chosen);
  } catch {
    throw new UsageError(`thresholds must be JSON, for example '{"http_req_failed":["rate<0.01"]}'`);
  }
  return { THRESHOLDS: chosen };
}

/** Sums counters across segments and rebuilds trend percentiles from every raw sample. */
async function mergeSegments(dir: string, n: number): Promise<K6Summary> {
  const trends = new Map<string, Histogram>();
  for (let i = 0; i < n; i++) {
    for await (const pt of readPoints(join(dir, `samples-${i}.json.gz`), TRENDS)) {
      let h = trends.get(pt.metric);
      if (!h) trends.set(pt.metric, (h = new Histogram()));
      h.add(pt.data.value);
    }
  }
  const metrics: Record<string, K6Metric> = {};
  for (let i = 0; i < n; i++) {
    for (const [name, m] of Object.entries(readSummary(join(dir, `summary-${i}.json`)).metrics)) {
      const into = (metrics[name] ??= { type: m.type, values: {} });
      if (m.type === 'counter') {
        into.values.count = (into.values.count ?? 0) + (m.values.count ?? 0);
        into.values.rate = (into.values.rate ?? 0) + (m.values.rate ?? 0);
      } else if (m.type === 'rate') {
        into.values.passes = (into.values.passes ?? 0) + (m.values.passes ?? 0);
        into.values.fails = (into.values.fails ?? 0) + (m.values.fails ?? 0);
        into.values.rate = into.values.passes / Math.max(1, into.values.passes + into.values.fails);
      } else if (m.type === 'gauge') {
        into.values.value = (into.values.value ?? 0) + (m.values.value ?? 0);
      }
    }
  }
  for (const [name, h] of trends) {
    const values = { count: h.count, min: h.min, max: h.max, med: h.percentile(50) };
    metrics[name] = {
      type: 'trend',
      values: { ...values, 'p(90)': h.percentile(90), 'p(95)': h.percentile(95), 'p(99)': h.percentile(99) },
    };
  }
  return { merged_from_segments: n, metrics };
}

/** The trends rebuilt from raw samples when segments are merged. */
const TRENDS = ['http_req_duration', 'http_req_waiting', 'iteration_duration'];
