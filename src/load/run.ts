// `sndsbench run SCENARIO --host PROFILE`: checks the host before any load (reachable, credentials
// accepted, bucket present), runs the scenario with its settings, and writes results/<run-id>/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

export interface RunOptions {
  scenario: string;
  host: string;
  profile: 'ci' | 'full';
  segments: number;
  results: string;
  env?: Record<string, string>;
  thresholds?: string;
  /** Leaves the objects the scenario wrote under its run prefix (removed by default, as warp does). */
  keepObjects?: boolean;
  /** Makes a real Parquet file for the read scenario's layout, into the folder given, unless PARQUET names one. */
  sample?: (dir: string) => Promise<string>;
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
  const thresholds = thresholdsFor(p, o.thresholds);
  const c = await preflight(p);
  const id = runId(`${o.scenario}-${p.name}`, 'second');
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  // A prefix of the run's own, so that removing it afterwards touches nothing else in the bucket.
  const ownPrefix = settings.PREFIX === undefined;
  settings.PREFIX ??= `sndsbench-${id}`;
  if (w.prepare) settings = await w.prepare(settings, { results: o.results, sample: o.sample });
  const n = o.segments;
  // Raw samples: segments are merged from them, and reports draw throughput over time.
  const run = await launch({
    scenario: o.scenario,
    dir,
    settings: { ...settings, ...thresholds },
    target: { profile: p, credentials: c },
    segments: n,
    samples: true,
  });
  if (run.error) throw run.error;
  const summary = n > 1 ? await mergeSegments(dir, n) : readSummary(run.summaries[0]);
  if (n > 1) writeAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 1));
  const exitCode = run.code !== 0 ? 1 : 0;
  const removed = ownPrefix && !o.keepObjects ? await removeRunObjects(p, `${settings.PREFIX}/`) : null;
  writeAtomic(
    join(dir, 'run.json'),
    JSON.stringify(
      {
        id,
        scenario: o.scenario,
        host: p.name,
        provider: p.provider,
        profile: o.profile,
        segments: n,
        settings,
        runner: run.runner,
        exit: exitCode,
        thresholds_failed: run.codes.includes(99),
        objects_removed: removed,
      },
      null,
      1,
    ),
  );
  // What makes two runs comparable: not the sample file's path nor the run's own prefix.
  const { PARQUET: _sample, PREFIX: _prefix, ...workload } = settings;
  writeAtomic(
    join(dir, 'manifest.json'),
    JSON.stringify(
      runManifest({
        kind: 'run',
        id,
        host: p.name,
        provider: p.provider,
        scenario: o.scenario,
        workload: { scenario: o.scenario, profile: o.profile, segments: n, ...workload },
        object_sizes: sizes(w.objectSizes(settings).filter((x) => x > 0)),
        tools: { runner: run.runner },
      }),
      null,
      1,
    ),
  );
  return { dir, exitCode, summary };
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
