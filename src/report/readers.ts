// The results folders a report is made from, read back through their contracts: each run's manifest and
// the figures its kind yields (a run's summary and samples, migration.json, cutover.json, mirror.json,
// consistency.json).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { stat, type K6Summary } from '../contracts/k6.js';
import {
  readConsistency,
  readCutover,
  readManifest,
  readMigration,
  readMirror,
  readPoints,
  readResearch,
  readSummary,
  ANOMALY_KINDS,
  type ConsistencyResult,
  type ResearchResult,
  type CutoverResult,
  type MigrationResult,
  type MirrorResult,
} from '../contracts/results.js';
import { throttledOverTime } from '../contracts/throttling.js';
import type { Loaded, Metrics } from './types.js';

/** The run folders given, or found one level down in the folders given. */
export function runDirs(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (!existsSync(a)) throw new UsageError(`${a}: no such results folder`);
    if (existsSync(join(a, 'manifest.json'))) out.push(a);
    else for (const d of readdirSync(a).sort()) if (existsSync(join(a, d, 'manifest.json'))) out.push(join(a, d));
  }
  if (out.length === 0) throw new UsageError(`no run results (a folder with manifest.json) in ${args.join(', ')}`);
  return out;
}

export async function readRun(dir: string): Promise<Loaded> {
  const manifest = readManifest(dir);
  const base: Loaded = {
    id: manifest.id,
    dir,
    manifest,
    metrics: {},
    series: [],
    timeline: [],
    window: null,
    mirror: null,
  };
  if (manifest.kind === 'run') {
    base.metrics = runMetrics(readSummary(join(dir, 'summary.json')));
    base.series = await throughputSeries(dir);
    // Raw samples are read again only when the host throttled something.
    if (Number(base.metrics.throttled) > 0) base.throttling = await runThrottling(dir);
  } else if (manifest.kind === 'research') {
    base.metrics = researchMetrics(readResearch(dir));
  } else if (manifest.kind === 'migration') {
    const j = readMigration(dir);
    base.metrics = migrationMetrics(j);
    base.throttling = j.rehearsal.throttled_per_second ?? [];
  } else if (manifest.kind === 'mirror') {
    const j = readMirror(dir);
    base.metrics = mirrorMetrics(j);
    base.mirror = { lag: j.lag, lag_timeline: j.lag_timeline, divergence_timeline: j.divergence_timeline };
    if (j.consistency) base.consistency = { timeline: j.consistency.timeline };
  } else if (manifest.kind === 'consistency') {
    const j = readConsistency(dir);
    base.metrics = consistencyMetrics(j);
    base.consistency = { timeline: j.timeline };
  } else {
    const j = readCutover(dir);
    base.metrics = cutoverMetrics(j);
    base.timeline = j.timeline;
    base.window = [(j.window.start - j.load_started) / 1000, (j.window.end - j.load_started) / 1000];
    const rel = (t: number) => (t - j.load_started) / 1000;
    if (j.consistency) base.consistency = { timeline: j.consistency.timeline, apart: switchWindows(j, rel) };
    if (j.progressive)
      base.steps = j.progressive.steps
        .filter((s) => s.procedure)
        .map((s) => ({
          step: `${s.index}: ${s.kind === 'rollback' ? 'rollback' : (s.tenant ?? `${s.percent}%`)}`,
          from: rel(s.start),
          to: rel(s.end),
        }));
  }
  return base;
}

/** The spans whose mix checks a cutover set apart, in seconds of the run: each procedure's run (a
 * progressive cutover's steps), at least one second long, as the analysis counts them. */
function switchWindows(j: CutoverResult, rel: (t: number) => number): [number, number][] {
  const runs = j.progressive ? j.progressive.steps.flatMap((s) => (s.procedure ? [s.procedure] : [])) : [j.procedure];
  return runs.map((p) => [rel(p.start), rel(Math.max(p.end, p.start + 1000))]);
}

function runMetrics(s: K6Summary): Metrics {
  const v = (metric: string, name: string) => stat(s, metric, name);
  return {
    throughput_mib_s: v('s3_bytes', 'rate') / 2 ** 20,
    objects_per_s: v('s3_objects', 'rate'),
    p50_ms: v('http_req_duration', 'med'),
    p90_ms: v('http_req_duration', 'p(90)'),
    p95_ms: v('http_req_duration', 'p(95)'),
    p99_ms: v('http_req_duration', 'p(99)'),
    ttfb_p50_ms: v('http_req_waiting', 'med'),
    ttfb_p99_ms: v('http_req_waiting', 'p(99)'),
    throttled: v('s3_throttled', 'count'),
    error_rate: v('http_req_failed', 'rate'),
  };
}

/** A research run: time to answer per query class (warm p95 when there is one), the capacity measured
 * beside the one predicted from the bucket's published cap, throttling, wrong answers. */
function researchMetrics(j: ResearchResult): Metrics {
  const all = j.queries.flatMap((q) => ((q.warm_ms ?? q.ms) ? [q.warm_ms ?? q.ms!] : []));
  const worst = (k: 'p50' | 'p95' | 'p99') => Math.max(0, ...all.map((p) => p[k]));
  const classes = Object.fromEntries(
    j.classes.filter((c) => c.ms).map((c) => [`research_${c.class.replace(/[^a-z0-9]+/g, '_')}_p95_ms`, c.ms!.p95]),
  );
  const answers = j.queries.reduce((n, q) => n + q.answers, 0);
  return {
    research_researchers: j.researchers,
    research_answers: answers,
    research_worst_query_p50_ms: worst('p50'),
    research_worst_query_p95_ms: worst('p95'),
    research_worst_query_p99_ms: worst('p99'),
    ...classes,
    research_gets_per_query: answers ? j.queries.reduce((n, q) => n + q.gets * q.answers, 0) / answers : 0,
    research_wrong_answers: j.wrong.length,
    research_unchecked_queries: j.queries.filter((q) => q.checked === 0).length,
    throttled: j.throttled,
    research_capacity_predicted: j.capacity.predicted ?? 'no published cap',
    // The request time the prediction took: measured alone on the host before the load, given or assumed.
    research_request_ms: `${Math.round(j.capacity.request_ms)} (${j.capacity.request_ms_source ?? 'given'})`,
    // The most researchers measured before throttling or a doubled p95 (all of them when neither came).
    research_capacity_measured:
      Math.min(j.capacity.throttled_at ?? Infinity, j.capacity.p95_doubles_at ?? Infinity, j.researchers + 1) - 1,
    research_throttled_at: j.capacity.throttled_at ?? `none up to ${j.researchers}`,
    research_p95_doubles_at: j.capacity.p95_doubles_at ?? `not up to ${j.researchers}`,
  };
}

function migrationMetrics(j: MigrationResult): Metrics {
  return {
    mb_per_s: j.rehearsal.bytes_per_second / 1e6,
    objects_per_s: j.rehearsal.objects_per_second,
    retries: j.rehearsal.retries,
    throttled: j.rehearsal.throttled,
    ...Object.fromEntries(Object.entries(j.rehearsal.throttled_by_kind ?? {}).map(([k, n]) => [`throttled_${k}`, n])),
    failed_objects: j.rehearsal.failed.length,
    verdict: j.verdict.verdict,
    migration_days: j.verdict.seconds / 86400,
    window_days: j.verdict.window_seconds / 86400,
    margin_days: j.verdict.margin_seconds / 86400,
  };
}

function cutoverMetrics(j: CutoverResult): Metrics {
  return {
    verdict: j.verdict,
    lost_writes: j.lost_writes.length,
    stale_reads: j.stale_reads,
    integrity_failures: j.integrity_failures,
    downtime_s: j.longest_failure_s,
    window_error_rate: j.window.error_rate,
    window_p99_ms: j.window.p99_ms,
    rpo_objects: j.rpo.objects,
    // Progressive cutovers only: a single switch has no second host serving at the same time.
    ...(j.progressive ? { ryw_violations: j.progressive.ryw_violations } : {}),
    ...(j.progressive?.rollback_lost_writes ? { rollback_lost_writes: j.progressive.rollback_lost_writes.length } : {}),
    // With --consistency only: the mix through the front, across the switch.
    ...(j.consistency ? mixMetrics(j.consistency) : {}),
  };
}

function mirrorMetrics(j: MirrorResult): Metrics {
  return {
    verdict: j.verdict,
    mirror_lag_p50_s: j.lag.p50_s,
    mirror_lag_p99_s: j.lag.p99_s,
    mirror_lag_max_s: j.lag.max_s,
    mirror_never_shown: j.lag.never,
    mirror_catch_up_s: j.catch_up.reached ? j.catch_up.seconds : 'not reached',
    mirror_divergence_after_catch_up: j.audit.differences.length,
    // With --consistency only: the mix on the new host while the replication wrote to it.
    ...(j.consistency ? mixMetrics(j.consistency) : {}),
  };
}

/** Anomalies per 100,000 checks of each kind (consistency_read_after_create_per_100k...), and the
 * conditional rounds without exactly one winner. */
export function consistencyMetrics(j: ConsistencyResult): Metrics {
  return { verdict: j.verdict, ...mixMetrics(j) };
}

/** The consistency figures, wherever the mix ran: alone, or beside a cutover's or a mirror's load. */
function mixMetrics(j: Pick<ConsistencyResult, 'kinds' | 'conditional'>): Metrics {
  const kinds = ANOMALY_KINDS.map((k) => [`consistency_${k.replace(/-/g, '_')}_per_100k`, j.kinds[k].per_100k]);
  const anomalies = ANOMALY_KINDS.reduce((n, k) => n + j.kinds[k].anomalies, 0);
  const checks = ANOMALY_KINDS.reduce((n, k) => n + j.kinds[k].checks, 0);
  return {
    ...Object.fromEntries(kinds),
    consistency_anomalies: anomalies,
    consistency_anomalies_per_100k: checks ? (anomalies / checks) * 100_000 : 0,
    conditional_races_lost: j.conditional.races_lost,
    conditional_rounds: j.conditional.create.rounds + j.conditional.overwrite.rounds,
  };
}

/** Bytes moved per second of the run, from k6's raw samples. */
async function runThrottling(dir: string): Promise<NonNullable<Loaded['throttling']>> {
  const files = readdirSync(dir).filter((f) => /^samples(-\d+)?\.json\.gz$/.test(f));
  const all = await Promise.all(files.map((f) => throttledOverTime(join(dir, f))));
  return all.flatMap((t) => t.perSecond);
}

async function throughputSeries(dir: string): Promise<Loaded['series']> {
  const points: [number, number][] = [];
  for (const f of readdirSync(dir).filter((f) => /^samples(-\d+)?\.json\.gz$/.test(f))) {
    for await (const p of readPoints(join(dir, f), ['s3_bytes'])) points.push([Date.parse(p.data.time), p.data.value]);
  }
  const t0 = points.reduce((m, [t]) => Math.min(m, t), Infinity);
  const seconds = new Map<number, number>();
  for (const [t, b] of points)
    seconds.set(Math.floor((t - t0) / 1000), (seconds.get(Math.floor((t - t0) / 1000)) ?? 0) + b);
  return [...seconds].sort((a, b) => a[0] - b[0]).map(([second, b]) => ({ second, mib_s: b / 2 ** 20 }));
}
