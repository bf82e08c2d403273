// What a thread hands the aggregator: samples grouped by series (a metric and one set of tags), each
// series' times and values as flat arrays, so a batch crosses threads cheaply and in order.
import type { MetricDef, Tags } from './metrics.js';
import { tagsKey } from './metrics.js';

export interface Series {
  metric: string;
  tags: Tags;
  times: number[];
  values: number[];
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

/** Collects samples into series until taken. */
export class SampleBuffer implements SampleSink {
  private defs: MetricDef[] = [];
  private series = new Map<string, Series>();
  define(def: MetricDef) {
    this.defs.push(def);
  }
  private seriesOf(metric: string, key: string, tags: Tags): Series {
    const k = metric + '\u0002' + key;
    let s = this.series.get(k);
    if (!s) {
      s = { metric, tags: { ...tags }, times: [], values: [] };
      this.series.set(k, s);
    }
    return s;
  }
  push(metric: string, tags: Tags, value: number, time: number) {
    const s = this.seriesOf(metric, tagsKey(tags), tags);
    s.times.push(time);
    s.values.push(value);
  }
  pushMany(metrics: string[], tags: Tags, values: number[], time: number) {
    const key = tagsKey(tags);
    for (let i = 0; i < metrics.length; i++) {
      const s = this.seriesOf(metrics[i], key, tags);
      s.times.push(time);
      s.values.push(values[i]);
    }
  }
  get empty() {
    return this.series.size === 0 && this.defs.length === 0;
  }
  take(): Batch {
    const b = { defs: this.defs, series: [...this.series.values()] };
    this.defs = [];
    this.series = new Map();
    return b;
  }
}
