// What passes between the runner (Node) and k6: the read scenario's LAYOUT setting, the end-of-test summary a
// scenario writes (SUMMARY_JSON) and the raw samples of `--out json=FILE`. Scenarios import these types with
// `import type`, so this file stays free of Node modules and of any runtime import.

/** LAYOUT: the byte layout of the Parquet file the read scenario follows. */
export interface Layout {
  size: number;
  /** Footer length, from the file's last 8 bytes. */
  footer: number;
  /** [offset, length] of the column chunks a typical query reads. */
  chunks: [number, number][];
}

/** One metric of the summary, with the statistics k6 computed (count, rate, med, p(99)...). */
export interface K6Metric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  values: Record<string, number>;
}

/** summary.json: k6's handleSummary data as written, or several segments' merged by the runner. */
export interface K6Summary {
  metrics: Record<string, K6Metric>;
  state?: { testRunDurationMs: number };
  /** Set on a summary merged from several k6 processes' execution segments. */
  merged_from_segments?: number;
}

/** A statistic of a metric, 0 when the run never recorded it. */
export function stat(s: K6Summary, metric: string, name: string): number {
  return s.metrics[metric]?.values[name] ?? 0;
}

/** One line of k6's JSON output (samples*.json.gz) that carries a measurement. */
export interface K6Point {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags: Record<string, string> };
}
