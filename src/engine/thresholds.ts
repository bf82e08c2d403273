// Thresholds in k6's grammar: `<aggregation> <operator> <number>` per metric or sub-metric, in string or
// object form (abortOnFail, delayAbortEval), checked for the metric's type when the run starts.
import { parseDuration } from './duration.js';
import { CounterSink, GaugeSink, RateSink, TrendSink, type MetricType, type Sink, trendStat } from './metrics.js';

export interface Threshold {
  source: string;
  agg: string;
  op: string;
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  ok: boolean;
}

const AGGS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
};
const OPS = ['<=', '>=', '===', '==', '!=', '<', '>'];

export function parseThreshold(raw: unknown, type: MetricType, metric: string): Threshold {
  let source: string;
  let abortOnFail = false;
  let delay = 0;
  if (typeof raw === 'string') source = raw;
  else if (raw && typeof raw === 'object' && typeof (raw as { threshold?: unknown }).threshold === 'string') {
    const o = raw as { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };
    source = o.threshold;
    abortOnFail = Boolean(o.abortOnFail);
    if (o.delayAbortEval) delay = parseDuration(o.delayAbortEval, `threshold ${metric} delayAbortEval`);
  } else throw new Error(`invalid threshold on ${metric}: ${JSON.stringify(raw)}`);
  const text = source.replace(/\s+/g, '');
  let at = -1;
  let op = '';
  for (let i = 0; i < text.length && at < 0; i++)
    for (const o of OPS)
      if (text.startsWith(o, i)) {
        at = i;
        op = o;
        break;
      }
  if (at <= 0) throw new Error(`invalid threshold "${source}" on ${metric}: no operator`);
  const agg = text.slice(0, at);
  const num = text.slice(at + op.length);
  if (!/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(num))
    throw new Error(`invalid threshold "${source}" on ${metric}: ${num} is not a number`);
  if (!AGGS[type].test(agg)) throw new Error(`invalid threshold "${source}": ${agg} does not apply to a ${type}`);
  const p = /^p\((.*)\)$/.exec(agg);
  if (p && Number(p[1]) > 100) throw new Error(`invalid threshold "${source}": percentile above 100`);
  return {
    source,
    agg,
    op: op === '===' ? '==' : op,
    value: Number(num),
    abortOnFail,
    delayAbortEvalMs: delay,
    ok: true,
  };
}

/** The aggregate a threshold reads, or undefined when the sink has none (an empty Rate: it passes). */
function aggregate(sink: Sink, agg: string, durationS: number): number | undefined {
  if (sink instanceof CounterSink) return agg === 'count' ? sink.sum : durationS > 0 ? sink.sum / durationS : 0;
  if (sink instanceof GaugeSink) return sink.count ? sink.value : 0;
  if (sink instanceof RateSink) return sink.count ? sink.trues / sink.count : undefined;
  return trendStat(sink as TrendSink, agg);
}

/** Checks a threshold on a sink: true when it holds. */
export function holds(t: Threshold, sink: Sink, durationS: number): boolean {
  const v = aggregate(sink, t.agg, durationS);
  if (v === undefined) return true;
  switch (t.op) {
    case '<':
      return v < t.value;
    case '<=':
      return v <= t.value;
    case '>':
      return v > t.value;
    case '>=':
      return v >= t.value;
    case '==':
      return v === t.value;
    default:
      return v !== t.value;
  }
}
