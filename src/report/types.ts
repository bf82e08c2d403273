// The report's shapes: a run read back from its folder, the scorecard's criteria, and report.json.
import type { Limits } from '../hosts/profile.js';
import type { ConsistencyReport, CutoverReport, MirrorReport, RunManifest } from '../contracts/results.js';
import type { Interval } from './intervals.js';

/** A run's figures by name (throughput_mib_s, p99_ms, verdict...): what criteria and tables refer to. */
export type Metrics = Record<string, number | string>;

/** One results folder, read back. */
export interface Loaded {
  id: string;
  dir: string;
  manifest: RunManifest;
  metrics: Metrics;
  /** MiB moved in each second of a run (runs only). */
  series: { second: number; mib_s: number }[];
  /** Requests in each second of a cutover, and its switch window in seconds of the run (cutovers only). */
  timeline: CutoverReport['timeline'];
  window: [number, number] | null;
  /** A mirror's lag and divergence, per second of its run (mirrors only). */
  mirror: Pick<MirrorReport, 'lag' | 'lag_timeline' | 'divergence_timeline'> | null;
  /** Throttled answers (429, 503) in each second of the run, by kind of request (runs and migrations). */
  throttling?: { second: number; op: string; count: number }[];
  /** The consistency mix's anomalies per second, by kind (consistency runs; cutovers and mirrors run with
   * --consistency). */
  consistency?: Pick<ConsistencyReport, 'timeline'> & {
    /** A cutover's switch windows, in seconds of the run: the checks begun in them are not in `timeline`. */
    apart?: [number, number][];
  };
  /** A progressive cutover's steps, in seconds of the run (from a step's procedure to the next step's). */
  steps?: { step: string; from: number; to: number }[];
}

/** One row of the scorecard: a figure of one kind of run held against the tender's threshold. */
export interface Criterion {
  id: string;
  label: string;
  kind: RunManifest['kind'];
  scenario?: string;
  metric: string;
  op: '<=' | '>=' | '==';
  threshold: number | string;
}

export interface Cell {
  /** The figure, or with repetitions its median (or its distinct values, for a verdict). */
  value: number | string | null;
  pass: boolean | null;
  run: string | null;
  /** With repetitions: the median and range of the candidate's runs. */
  interval?: Interval | null;
}

/** report.json. */
export interface Report {
  generated: string;
  candidates: string[];
  /** Runs of each host on each workload, when a campaign repeated them (1 otherwise). */
  repetitions: number;
  /** `ranking`: candidates ordered where their intervals allow it, "≈" where they do not. */
  scorecard: { criterion: Criterion; cells: Record<string, Cell>; ranking?: string | null }[];
  groups: {
    scenario: string;
    workload: Record<string, unknown>;
    runs: { host: string; id: string; metrics: Metrics; intervals?: Record<string, Interval | null>; n?: number }[];
  }[];
  limits: Record<string, Limits | null>;
  runs: { id: string; kind: string; host: string; manifest: string }[];
}

/** A figure as the tables show it. */
export const fmt = (v: number | string | null) =>
  v === null
    ? '—'
    : typeof v === 'string'
      ? v
      : Math.abs(v) >= 100 || Number.isInteger(v)
        ? Math.round(v).toLocaleString('en')
        : v.toPrecision(3);
