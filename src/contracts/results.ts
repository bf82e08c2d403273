// What the load commands write into results/<run-id>/ and the report reads back: manifest.json,
// summary.json, samples*.json.gz, migration.json, cutover.json, mirror.json and consistency.json.
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { K6Point, K6Summary } from './k6.js';

/** manifest.json: what a result was measured with. Two results are compared only when their workloads
 * match, and every figure of a report links to its run's manifest. */
export interface RunManifest {
  kind: 'run' | 'migration' | 'cutover' | 'mirror' | 'consistency' | 'research';
  id: string;
  host: string;
  provider: string;
  scenario: string;
  /** The workload: what must be equal for two hosts' figures to stand side by side. */
  workload: Record<string, unknown>;
  object_sizes: { count: number; min: number; median: number; max: number } | null;
  tools: Record<string, string>;
  sndsbench: { version: string; commit: string };
  machine: { platform: string; cpus: number; cpu: string; memory_gb: number; node: string };
  started: string;
}

/** One object of a migration rehearsal: copied, then verified against its checksum. */
export interface ObjectResult {
  key: string;
  bytes: number;
  ok: boolean;
  attempts: number;
  error: string;
}

/** What the rehearsal measured. */
export interface Rehearsal {
  objects: number;
  bytes: number;
  /** From the first copy's start to the last copy's end. */
  seconds: number;
  /** From the first copy's start to the last read-back's end. */
  seconds_with_verify?: number;
  bytes_per_second: number;
  objects_per_second: number;
  put_requests_per_object: number;
  streams: number;
  retries: number;
  throttled: number;
  /** Throttled answers (429, 503) by kind of request, and in each second of the copy (from raw samples). */
  throttled_by_kind?: Record<string, number>;
  throttled_by_status?: Record<string, number>;
  throttled_per_second?: { second: number; op: string; count: number }[];
  failed: ObjectResult[];
}

/** The rehearsal's rates extrapolated to the full volume, against the window. */
export interface Verdict {
  volume_bytes: number;
  volume_objects: number;
  volume_source: string;
  seconds: number;
  seconds_by_bytes: number;
  seconds_by_requests: number | null;
  bound: 'bandwidth' | 'request rate';
  window_seconds: number;
  verdict: 'PASS' | 'FAIL';
  margin_seconds: number;
  to_meet: { streams: number; load_instances: number; prefixes: number | null };
  /** The full volume's uploads under the target's rules: PUT requests (parts included), the most parts
   * one object takes and its part size, and the caps they were held against (requests/s per bucket). */
  put_requests?: number;
  most_parts?: { parts: number; part_size: number; object_bytes: number };
  caps?: { write: number | null; read: number | null; all: number | null };
  /** Reading every object back at the read cap, after the copy (not in `seconds`); the copy and the
   * read-back together, writes and reads sharing a cap on all requests where the host has one. */
  verify_seconds_by_requests?: number | null;
  copy_and_verify_seconds_by_requests?: number | null;
}

/** migration.json (not written when a delta had nothing to copy). */
export interface MigrationResult {
  id: string;
  from: string;
  to: string;
  dataset: string;
  delta: boolean;
  /** The runner's version (src/load/launcher.ts). */
  runner: string;
  rehearsal: Rehearsal;
  verdict: Verdict;
  objects: ObjectResult[];
  /** Objects the source deleted since the last copy, deleted from the target by this delta. */
  deleted: string[];
}

/** What a cutover may cost at most and still pass. */
export interface Thresholds {
  lost_writes: number;
  stale_reads: number;
  integrity_failures: number;
  window_error_rate: number;
  longest_failure_s: number;
  /** Progressive cutovers: reads through one host missing the client's write through the other. */
  ryw_violations?: number;
  /** Rollbacks: writes the new host acknowledged that the old one lacks at the end. */
  rollback_lost_writes?: number;
  /** Objects the load deleted that the host serving at the end still holds. */
  resurrected?: number;
  /** With --consistency: the mix's anomalies (all kinds) and its conditional rounds without one winner. */
  consistency_anomalies?: number;
  conditional_races_lost?: number;
}

/** One host's share of a step, as the front named it (x-served-by). */
export interface HostFigures {
  requests: number;
  errors: number;
  p99_ms: number;
  /** The longest run of consecutive failures of this host's requests, first start to last end. */
  longest_failure_s: number;
}

/** One row of a progressive cutover's table: from its procedure's start to the next step's (the row
 * "before" is the load before the first step). Reads in a procedure's window are counted apart. */
export interface CutoverStep {
  index: number;
  kind: 'before' | 'percent' | 'tenant' | 'rollback';
  /** The new host's share of traffic after the step (percent mode and rollbacks). */
  percent: number | null;
  tenant: string | null;
  procedure: { start: number; end: number; exit: number } | null;
  start: number;
  end: number;
  requests: number;
  errors: number;
  hosts: Record<string, HostFigures>;
  window: { requests: number; errors: number; stale_reads: number; ryw_violations: number };
  stale_reads: number;
  ryw_violations: number;
  acknowledged_writes: number;
  lost_writes: number;
}

/** A cutover's evidence and verdict; times are epoch milliseconds. */
export interface CutoverReport {
  id: string;
  front: string;
  from: string;
  to: string;
  procedure: { command: string; start: number; end: number; exit: number; output: string };
  load_started: number;
  requests: number;
  errors: number;
  dropped_iterations: number;
  window: {
    start: number;
    end: number;
    requests: number;
    errors: number;
    error_rate: number;
    p99_ms: number;
    max_ms: number;
  };
  longest_failure_s: number;
  acknowledged_writes: number;
  lost_writes: string[];
  /** Acknowledged deletes, and the deleted keys the host serving at the end still holds (deleted outside a
   * switch window, judged; during one, reported apart). */
  deletes: number;
  resurrected: string[];
  window_resurrected: string[];
  stale_reads: number;
  integrity_failures: number;
  rpo: { objects: number; bytes: number };
  timeline: { second: number; ok: number; errors: number; p99_ms: number }[];
  /** Progressive cutovers only: the plan, the table, and the figures the single switch lacks. */
  progressive?: {
    mode: 'percent' | 'tenant';
    step_every_s: number;
    steps: CutoverStep[];
    ryw_violations: number;
    window_ryw_violations: number;
    window_stale_reads: number;
    longest_failure_by_host: Record<string, number>;
    /** Rollbacks: writes the new host acknowledged that the old one lacks at the end. */
    rollback_lost_writes: string[] | null;
  };
  /** With --consistency: the mix's anomalies through the front, across the switch. */
  consistency?: MixFigures;
  thresholds: Thresholds;
  failed: string[];
  verdict: 'PASS' | 'FAIL';
}

/** cutover.json. */
export type CutoverResult = CutoverReport & { runner: string };

/** One change the mirror load acknowledged on the old host and how long the new host took to show it. */
export interface MirrorLag {
  key: string;
  kind: 'write' | 'overwrite' | 'delete';
  /** Acknowledged, epoch milliseconds. */
  t: number;
  lag_ms: number | 'never';
}

/** What double hosting cost the new host's fidelity, and the verdict; times are epoch milliseconds. */
export interface MirrorReport {
  id: string;
  from: string;
  to: string;
  /** Where the load went when not straight to `from`. */
  front: string | null;
  prefixes: { dataset: string; run: string };
  procedure: { command: string; start: number; stopped: number; exit: number | null; exited_early: boolean };
  load_started: number;
  load_ended: number;
  /** The load's requests and errors, not the consistency mix's (those are under `consistency`). */
  requests: number;
  errors: number;
  dropped_iterations: number;
  integrity_failures: number;
  changes: { writes: number; overwrites: number; deletes: number };
  /** Listings of the run prefix on the new host; `resolution_ms`: the time between two listings
   * answered (99th percentile), the finest a lag is measured. */
  probe: { every_ms: number; rounds: number; failed: number; resolution_ms: number };
  /** Over the changes seen; `never`: changes the new host never showed. */
  lag: {
    seen: number;
    never: number;
    never_keys: string[];
    p50_s: number;
    p90_s: number;
    p99_s: number;
    max_s: number;
  };
  lag_timeline: { second: number; changes: number; never: number; p99_s: number; max_s: number }[];
  divergence_timeline: { second: number; missing: number; stale: number; resurrected: number }[];
  /** After the load: until the probe showed no divergence, or the timeout. */
  catch_up: { seconds: number; reached: boolean; timeout_s: number };
  audit: {
    objects: { from: number; to: number };
    differences: { key: string; kind: 'missing' | 'stale' | 'resurrected' | 'extra' }[];
  };
  /** Objects removed from each host under the run prefix afterwards (null: kept). */
  removed: { from: number; to: number } | null;
  max_lag_s: number;
  /** With --consistency: the mix's anomalies on the new host while the replication wrote to it. */
  consistency?: MixFigures;
  failed: string[];
  verdict: 'PASS' | 'FAIL';
  lags: MirrorLag[];
}

/** mirror.json. */
export type MirrorResult = MirrorReport & { runner: string };

/** What a store promises, broken: a read or a listing begun after a write's acknowledgement that
 * shows an earlier state of the key. */
export const ANOMALY_KINDS = [
  'read-after-create',
  'read-after-overwrite',
  'read-after-delete',
  'list-after-create',
  'list-after-delete',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** One read or listing that showed an earlier state than the last acknowledged write of its key. */
export interface Anomaly {
  kind: AnomalyKind;
  key: string;
  op: 'get' | 'head' | 'list';
  /** When the read was sent, epoch milliseconds, and how long after the write's acknowledgement. */
  start: number;
  since_ms: number;
  /** The versions (0: absent, -1: a body of no version of the key): the acknowledged one, the one read. */
  expected: number;
  got: number;
  /** The server that answered, when the front names it. */
  host?: string;
}

/** One kind of check: how many, how many failed, per 100,000 checks; an episode is one write's
 * anomalies, and `lasted_ms` how long after its acknowledgement the last of them was sent. */
export interface AnomalyFigures {
  checks: number;
  anomalies: number;
  per_100k: number;
  episodes: number;
  lasted_ms: { p50: number; p90: number; p99: number; max: number };
}

/** Rounds of concurrent conditional PUTs of one kind: exactly one writer must win. */
export interface RoundFigures {
  rounds: number;
  one_winner: number;
  no_winner: number;
  several_winners: number;
  /** Rounds where a writer got neither 2xx nor 412/409 (an error, or the condition not supported). */
  errors: number;
  no_winner_keys: string[];
  several_winners_keys: string[];
  /** How many writers won, across rounds: "1": 40, "2": 3... */
  winners: Record<string, number>;
}

/** consistency.json: the anomalies of one host under the consistency mix, and the conditional races. */
export interface ConsistencyReport {
  id: string;
  host: string;
  prefix: string;
  load_started: number;
  load_ended: number;
  requests: number;
  /** Operations that got no answer or a 5xx: they are checked against neither state. */
  failed_operations: number;
  operations: Record<string, number>;
  kinds: Record<AnomalyKind, AnomalyFigures>;
  conditional: { writers: number; create: RoundFigures; overwrite: RoundFigures; races_lost: number };
  /** Anomalies per second of the run, by kind. */
  timeline: ({ second: number; checks: number } & Record<AnomalyKind, number>)[];
  /** The first anomalies, in the order they were sent (all of them are counted in `kinds`). */
  anomalies: Anomaly[];
  /** Servers that answered reads, when a front names them, and how many reads each. */
  served_by: Record<string, number>;
  removed: number | null;
  failed: string[];
  verdict: 'PASS' | 'FAIL';
}

/** consistency.json. */
export type ConsistencyResult = ConsistencyReport & { runner: string };

/** The consistency mix run beside a cutover's or a mirror's load (`--consistency`) on the host its clients
 * used (the front, the new host), analysed as consistency.json is; `failed` and `verdict` are the mix's. */
export type MixFigures = Pick<
  ConsistencyReport,
  | 'host'
  | 'prefix'
  | 'failed_operations'
  | 'operations'
  | 'kinds'
  | 'conditional'
  | 'timeline'
  | 'anomalies'
  | 'served_by'
  | 'removed'
  | 'failed'
  | 'verdict'
> & {
  vus: number;
  mix: Record<string, number>;
  /** A cutover's: the reads and listings begun during a switch, checked apart and not judged. */
  window?: { checks: number; anomalies: number; kinds: Record<AnomalyKind, number> };
};

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

// The files are this program's own output, trusted as written.
export const readManifest = (dir: string) => readJson(join(dir, 'manifest.json')) as RunManifest;
export const readSummary = (file: string) => readJson(file) as K6Summary;
export const readMigration = (dir: string) => readJson(join(dir, 'migration.json')) as MigrationResult;
export const readCutover = (dir: string) => readJson(join(dir, 'cutover.json')) as CutoverResult;
export const readMirror = (dir: string) => readJson(join(dir, 'mirror.json')) as MirrorResult;
export const readConsistency = (dir: string) => readJson(join(dir, 'consistency.json')) as ConsistencyResult;

/** The measurements of the given metrics in one of k6's raw sample files (gzip, one JSON object a line). */
export async function* readPoints(file: string, metrics: readonly string[]): AsyncGenerator<K6Point> {
  for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()) })) {
    // Most lines are other metrics: skip them before parsing.
    if (!line.includes('"Point"') || !metrics.some((m) => line.includes(`"${m}"`))) continue;
    const p = JSON.parse(line) as K6Point;
    if (p.type === 'Point' && metrics.includes(p.metric)) yield p;
  }
}

// research.json: what the researchers met (written by src/load/research/summary.ts).
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface QueryStats {
  query: string;
  class: string;
  answers: number;
  checked: number;
  wrong: number;
  ms: Percentiles | null;
  /** Queries that read no footer: the steady state. */
  warm_ms: Percentiles | null;
  gets: number;
  bytes: number;
  rounds: number;
  inflight: number;
  throttled: number;
  decode_ms: number;
  predicted: { gets: number; bytes: number; rounds: number; cold_gets: number };
}

export interface LevelStats {
  researchers: number;
  answers: number;
  p95_ms: number;
  throttled: number;
  gets_per_s: number;
}

export interface ResearchResult {
  host: string;
  researchers: number;
  reader: Record<string, number | boolean>;
  queries: QueryStats[];
  classes: { class: string; answers: number; ms: Percentiles | null; gets: number; bytes: number }[];
  levels: LevelStats[];
  wrong: { query: string; researcher: number; why: string }[];
  throttled: number;
  capacity: {
    /** The request time the prediction used: measured (the check pass, one reader alone before the load),
     * given (--request-ms) or assumed (50 ms, when nothing was measured). */
    request_ms: number;
    request_ms_source: 'measured' | 'given' | 'assumed';
    /** Milliseconds per sequential round of GETs in the check pass, or null without one. */
    request_ms_measured: number | null;
    /** GET/s of one active researcher, predicted over the query mix. */
    predicted_rate: number;
    /** The bucket's published GET/s cap, if the profile lists one. */
    cap: number | null;
    predicted: number | null;
    /** The first number of researchers at which a response was throttled. */
    throttled_at: number | null;
    /** The first number at which the warm p95 was twice that of one researcher. */
    p95_doubles_at: number | null;
  };
}

export function readResearch(dir: string): ResearchResult {
  return JSON.parse(readFileSync(join(dir, 'research.json'), 'utf8')) as ResearchResult;
}
