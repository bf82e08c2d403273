// Metrics as k6 defines them: four types, sinks that keep what the summary needs (a Trend keeps every
// value, so percentiles are exact), sub-metrics selected by tags, and the built-in metrics.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type Contains = 'default' | 'time' | 'data';
export type Tags = Record<string, string>;

export interface MetricDef {
  name: string;
  type: MetricType;
  contains: Contains;
}

export const BUILTIN: MetricDef[] = [
  ['iterations', 'counter', 'default'],
  ['dropped_iterations', 'counter', 'default'],
  ['http_reqs', 'counter', 'default'],
  ['data_sent', 'counter', 'data'],
  ['data_received', 'counter', 'data'],
  ['vus', 'gauge', 'default'],
  ['vus_max', 'gauge', 'default'],
  ['checks', 'rate', 'default'],
  ['http_req_failed', 'rate', 'default'],
  ['iteration_duration', 'trend', 'time'],
  ['group_duration', 'trend', 'time'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_req_receiving', 'trend', 'time'],
].map(([name, type, contains]) => ({ name, type, contains }) as MetricDef);

export const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

/** Type-7 (linear) percentile of sorted values, p in [0, 1]: k6's TrendSink.P. */
export function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0];
  const i = p * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

export interface Sink {
  add(v: number): void;
  readonly count: number;
}

export class CounterSink implements Sink {
  sum = 0;
  count = 0;
  add(v: number) {
    this.sum += v;
    this.count++;
  }
}

export class GaugeSink implements Sink {
  value = 0;
  min = Infinity;
  max = -Infinity;
  count = 0;
  add(v: number) {
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.count++;
  }
}

export class RateSink implements Sink {
  trues = 0;
  count = 0;
  add(v: number) {
    if (v !== 0) this.trues++;
    this.count++;
  }
}

export class TrendSink implements Sink {
  private values = new Float64Array(1024);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private sorted: Float64Array | null = null;
  add(v: number) {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = v;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sorted = null;
  }
  addAll(vs: Float64Array) {
    for (let i = 0; i < vs.length; i++) this.add(vs[i]);
  }
  /** p in [0, 1]. */
  p(p: number): number {
    if (!this.sorted) this.sorted = this.values.slice(0, this.count).sort();
    return percentile(this.sorted, p);
  }
  get avg() {
    return this.count ? this.sum / this.count : 0;
  }
}

export function newSink(type: MetricType): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}

/** `metric{k:v,k2:v2}` → name and tags; the key is cut at the first ':', spaces and quotes trimmed. */
export function parseMetricKey(key: string): { name: string; tags: Tags | null } {
  const open = key.indexOf('{');
  if (open < 0) return { name: key.trim(), tags: null };
  if (!key.trimEnd().endsWith('}')) throw new Error(`malformed sub-metric ${key}`);
  const name = key.slice(0, open).trim();
  const body = key.slice(open + 1, key.trimEnd().length - 1);
  const tags: Tags = {};
  const unquote = (s: string) => s.trim().replace(/^["'`]|["'`]$/g, '');
  for (const part of body.split(',')) {
    if (!part.trim()) continue;
    const c = part.indexOf(':');
    if (c < 0) throw new Error(`malformed sub-metric tag "${part}" in ${key}`);
    tags[unquote(part.slice(0, c))] = unquote(part.slice(c + 1));
  }
  if (Object.keys(tags).length === 0) throw new Error(`sub-metric ${key} has no tags`);
  return { name, tags };
}

export const tagsMatch = (want: Tags, have: Tags) => {
  for (const k in want) if (have[k] !== want[k]) return false;
  return true;
};

/** Tags with sorted keys, as one string: the key of a series. */
export function tagsKey(tags: Tags): string {
  const keys = Object.keys(tags).sort();
  let s = '';
  for (const k of keys) s += k + '\u0000' + tags[k] + '\u0001';
  return s;
}

export function sortedTags(tags: Tags): Tags {
  const out: Tags = {};
  for (const k of Object.keys(tags).sort()) out[k] = tags[k];
  return out;
}

/** Summary values of a sink, as handleSummary's data has them. */
export function sinkValues(
  type: MetricType,
  sink: Sink,
  durationS: number,
  trendStats: string[],
): Record<string, number> {
  if (sink instanceof CounterSink) return { count: sink.sum, rate: durationS > 0 ? sink.sum / durationS : 0 };
  if (sink instanceof GaugeSink)
    return sink.count ? { value: sink.value, min: sink.min, max: sink.max } : { value: 0, min: 0, max: 0 };
  if (sink instanceof RateSink)
    return { rate: sink.count ? sink.trues / sink.count : 0, passes: sink.trues, fails: sink.count - sink.trues };
  const t = sink as TrendSink;
  const out: Record<string, number> = {};
  for (const s of trendStats) out[s] = trendStat(t, s);
  void type;
  return out;
}

export function trendStat(t: TrendSink, s: string): number {
  if (s === 'count') return t.count;
  if (!t.count) return 0;
  switch (s) {
    case 'avg':
      return t.avg;
    case 'min':
      return t.min;
    case 'max':
      return t.max;
    case 'med':
      return t.p(0.5);
  }
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(s);
  if (!m) throw new Error(`unknown trend statistic ${s}`);
  return t.p(Number(m[1]) / 100);
}

export function validTrendStat(s: string): boolean {
  if (['avg', 'min', 'max', 'med', 'count'].includes(s)) return true;
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(s);
  return !!m && Number(m[1]) <= 100;
}
