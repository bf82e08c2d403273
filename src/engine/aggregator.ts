// The main thread's view of the run: every sample from every thread lands here, in the metrics' sinks and
// their sub-metrics (exact: a Trend keeps every value), in `--out json`, and in the group/check tree the
// summary reports.
import { JsonOut, type MetricDeclaration } from './jsonout.js';
import {
  BUILTIN,
  newSink,
  parseMetricKey,
  tagsKey,
  tagsMatch,
  type MetricDef,
  type Sink,
  type Tags,
} from './metrics.js';
import type { Batch, SampleSink, Series } from './samples.js';
import { parseThreshold, type Threshold } from './thresholds.js';

export interface SubMetric {
  name: string;
  suffix: string;
  tags: Tags;
  sink: Sink;
}

export interface MetricState {
  def: MetricDef;
  sink: Sink;
  subs: SubMetric[];
}

export interface ThresholdSet {
  /** The metric or sub-metric name the thresholds are written on. */
  key: string;
  metric: MetricState;
  sink: Sink;
  list: Threshold[];
}

export interface CheckCount {
  passes: number;
  fails: number;
}

export class Aggregator implements SampleSink {
  readonly metrics = new Map<string, MetricState>();
  readonly thresholds: ThresholdSet[] = [];
  /** group path → check name → counts; every group path seen. */
  readonly checks = new Map<string, Map<string, CheckCount>>();
  readonly groups = new Set<string>(['']);
  out: JsonOut | null = null;

  constructor() {
    for (const d of BUILTIN) this.define(d);
    this.subMetric('http_req_duration{expected_response:true}');
  }

  define(def: MetricDef) {
    if (!this.metrics.has(def.name)) this.metrics.set(def.name, { def, sink: newSink(def.type), subs: [] });
  }

  subMetric(key: string): { metric: MetricState; sink: Sink } {
    const { name, tags } = parseMetricKey(key);
    const metric = this.metrics.get(name);
    if (!metric) throw new Error(`no metric named "${name}"`);
    if (!tags) return { metric, sink: metric.sink };
    const full = `${name}{${Object.entries(tags)
      .map(([k, v]) => `${k}:${v}`)
      .join(',')}}`;
    let sub = metric.subs.find((s) => s.name === full || s.name === key);
    if (!sub) {
      sub = {
        name: key.replace(/\s+/g, ''),
        suffix: full.slice(name.length + 1, -1),
        tags,
        sink: newSink(metric.def.type),
      };
      metric.subs.push(sub);
    }
    return { metric, sink: sub.sink };
  }

  /** Parses the options' thresholds; throws on a bad one (exit 104). */
  setThresholds(raw: Record<string, unknown[]>) {
    for (const [key, list] of Object.entries(raw)) {
      let target;
      try {
        target = this.subMetric(key);
      } catch (e) {
        throw new Error(`invalid threshold defined on ${key}: ${(e as Error).message}`);
      }
      this.thresholds.push({
        key,
        metric: target.metric,
        sink: target.sink,
        list: list.map((t) => parseThreshold(t, target.metric.def.type, key)),
      });
    }
  }

  declaration(name: string): MetricDeclaration {
    const m = this.metrics.get(name)!;
    const th = this.thresholds
      .filter((t) => t.metric === m && t.key === name)
      .flatMap((t) => t.list.map((x) => x.source));
    const subs = m.subs.map((s) => ({ name: s.name, suffix: s.suffix, tags: s.tags }));
    return { name, type: m.def.type, contains: m.def.contains, thresholds: th, submetrics: subs.length ? subs : null };
  }

  ingest(b: Batch) {
    for (const d of b.defs) this.define(d);
    for (const s of b.series) this.series(s);
  }

  series(s: Series) {
    let m = this.metrics.get(s.metric);
    if (!m) {
      this.define({ name: s.metric, type: 'counter', contains: 'default' });
      m = this.metrics.get(s.metric)!;
    }
    const vs = s.values;
    for (let i = 0; i < vs.length; i++) m.sink.add(vs[i]);
    for (const sub of m.subs) if (tagsMatch(sub.tags, s.tags)) for (let i = 0; i < vs.length; i++) sub.sink.add(vs[i]);
    if (s.metric === 'checks') {
      const g = s.tags.group ?? '';
      this.groups.add(g);
      let byName = this.checks.get(g);
      if (!byName) this.checks.set(g, (byName = new Map()));
      const name = s.tags.check ?? '';
      let c = byName.get(name);
      if (!c) byName.set(name, (c = { passes: 0, fails: 0 }));
      for (let i = 0; i < vs.length; i++)
        if (vs[i]) c.passes++;
        else c.fails++;
    } else if (s.metric === 'group_duration') this.groups.add(s.tags.group ?? '');
    this.out?.series(s.metric, s.tags, s.times, s.values);
  }

  push(metric: string, tags: Tags, value: number, time: number) {
    this.series({ metric, tags: { ...tags }, times: [time], values: [value] });
  }

  pushMany(metrics: string[], tags: Tags, values: number[], time: number) {
    void tagsKey;
    for (let i = 0; i < metrics.length; i++) this.push(metrics[i], tags, values[i], time);
  }

  /** Evaluates every threshold; `final` also checks empty sinks. Returns the failed ones' sets. */
  evaluate(durationS: number, final: boolean, check: (t: Threshold, s: Sink) => boolean): ThresholdSet[] {
    const failed: ThresholdSet[] = [];
    for (const set of this.thresholds) {
      if (!final && set.sink.count === 0) continue;
      let bad = false;
      for (const t of set.list) {
        t.ok = check(t, set.sink);
        if (!t.ok) bad = true;
      }
      if (bad) failed.push(set);
    }
    void durationS;
    return failed;
  }
}
