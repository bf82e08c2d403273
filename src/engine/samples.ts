// What a thread hands the aggregator: samples grouped by series (a metric and one set of tags), each
// series' times and values as flat arrays, so a batch crosses threads cheaply and in order.
import type { MetricDef, Tags } from './metrics.js';

export interface Series {
  metric: string;
  tags: Tags;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface Batch {
  defs: MetricDef[];
  series: Series[];
}

/** Where module code pushes samples: the aggregator itself on the main thread, a buffer in a worker. */
export interface SampleSink {
  define(def: MetricDef): void;
  push(metric: string, tags: Tags, value: number, time: number): void;
  /** The same tags for several metrics at once (an HTTP request's timings): one key computed. */
  pushMany(metrics: string[], tags: Tags, values: number[], time: number): void;
}

interface Growing {
  metric: string;
  tags: Tags;
  times: number[];
  values: number[];
}

/** The key of a set of tags in a thread's buffer: keys in the order they were set, not sorted. The same code
 * path sets a request's tags in the same order, so this finds its series without sorting per request; two
 * orders of the same tags only make two series, which the aggregator merges as any others. */
function bufferKey(tags: Tags): string {
  let s = '';
  for (const k in tags) s += k + '\u0000' + tags[k] + '\u0001';
  return s;
}

/** Collects samples into series until taken. Series are found by their tags' key, then by metric name, so an
 * HTTP request's nine samples cost one key and no string built per metric. */
export class SampleBuffer implements SampleSink {
  private defs: MetricDef[] = [];
  private byTags = new Map<string, Map<string, Growing>>();
  private count = 0;
  define(def: MetricDef) {
    this.defs.push(def);
  }
  private seriesOf(metric: string, byMetric: Map<string, Growing>, tags: Tags): Growing {
    let s = byMetric.get(metric);
    if (!s) {
      s = { metric, tags: { ...tags }, times: [], values: [] };
      byMetric.set(metric, s);
      this.count++;
    }
    return s;
  }
  private metricsOf(tags: Tags): Map<string, Growing> {
    const key = bufferKey(tags);
    let m = this.byTags.get(key);
    if (!m) this.byTags.set(key, (m = new Map()));
    return m;
  }
  push(metric: string, tags: Tags, value: number, time: number) {
    const s = this.seriesOf(metric, this.metricsOf(tags), tags);
    s.times.push(time);
    s.values.push(value);
  }
  pushMany(metrics: string[], tags: Tags, values: number[], time: number) {
    const byMetric = this.metricsOf(tags);
    for (let i = 0; i < metrics.length; i++) {
      const s = this.seriesOf(metrics[i], byMetric, tags);
      s.times.push(time);
      s.values.push(values[i]);
    }
  }
  get empty() {
    return this.count === 0 && this.defs.length === 0;
  }
  /** The series so far, their times and values as Float64Arrays: a thread posts them as raw memory. */
  take(): Batch {
    const series: Series[] = [];
    for (const byMetric of this.byTags.values())
      for (const s of byMetric.values())
        series.push({
          metric: s.metric,
          tags: s.tags,
          times: Float64Array.from(s.times),
          values: Float64Array.from(s.values),
        });
    const b = { defs: this.defs, series };
    this.defs = [];
    this.byTags = new Map();
    this.count = 0;
    return b;
  }
}
