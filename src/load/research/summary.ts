// research.json: what the researchers met, from the scenario's events. Per query and per query class, the
// time to answer (p50, p95, p99), GETs and bytes per query, rounds, ranges in flight, throttled responses
// and wrong answers; per number of active researchers, the p95 and the throttling; the capacity measured
// (where the p95 doubles or throttling appears) beside the one predicted from the bucket's published cap.
import type { ResearchEvent } from '../../contracts/events.js';
import type { ReaderSettings } from '../../../scenarios/lib/research/ranges.js';
import type { LevelStats, Percentiles, QueryStats, ResearchResult } from '../../contracts/results.js';
import type { QueryCost } from './predict.js';

export type { ResearchResult };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export interface SummaryContext {
  host: string;
  researchers: number;
  reader: ReaderSettings;
  requestMs: number;
  requestMsSource: 'measured' | 'given' | 'assumed';
  requestMsMeasured: number | null;
  predictedRate: number;
  cap: number | null;
  predictedCapacity: number | null;
}

export function summarise(all: ResearchEvent[], predicted: QueryCost[], x: SummaryContext): ResearchResult {
  // Researcher 0 is the check pass before the load: its answers count, its times do not.
  const events = all.filter((e) => e.researcher > 0);
  const queries: QueryStats[] = predicted.map((p) => {
    const es = events.filter((e) => e.query === p.query);
    const checks = all.filter((e) => e.query === p.query && e.checked);
    const warm = es.filter((e) => e.phase === 'warm');
    const steady = warm.length ? warm : es;
    return {
      query: p.query,
      class: p.class,
      answers: es.length,
      checked: checks.length,
      wrong: checks.filter((e) => e.wrong).length,
      ms: percentiles(es.map((e) => e.ms)),
      warm_ms: percentiles(warm.map((e) => e.ms)),
      gets: mean(steady.map((e) => e.gets)),
      bytes: mean(steady.map((e) => e.bytes)),
      rounds: mean(steady.map((e) => e.rounds)),
      inflight: Math.max(0, ...es.map((e) => e.inflight)),
      throttled: es.reduce((n, e) => n + e.throttled, 0),
      decode_ms: mean(checks.map((e) => e.decode_ms)),
      predicted: { gets: p.gets, bytes: p.bytes, rounds: p.rounds, cold_gets: p.cold.gets },
    };
  });
  const classes = [...new Set(predicted.map((p) => p.class))].map((c) => {
    const es = events.filter((e) => e.class === c);
    return {
      class: c,
      answers: es.length,
      ms: percentiles(es.map((e) => e.ms)),
      gets: mean(es.map((e) => e.gets)),
      bytes: mean(es.map((e) => e.bytes)),
    };
  });
  // A query during which a researcher joined belongs to no level.
  const levels: LevelStats[] = [...new Set(events.map((e) => e.researchers).filter((n) => n > 0))]
    .sort((a, b) => a - b)
    .map((n) => {
      const es = events.filter((e) => e.researchers === n);
      const warm = es.filter((e) => e.phase === 'warm');
      const span = (Math.max(...es.map((e) => e.t + e.ms)) - Math.min(...es.map((e) => e.t))) / 1000;
      const p95 = percentile(
        (warm.length ? warm : es).map((e) => e.ms).sort((a, b) => a - b),
        95,
      );
      return {
        researchers: n,
        answers: es.length,
        p95_ms: p95,
        throttled: es.reduce((s, e) => s + e.throttled, 0),
        gets_per_s: span > 0 ? es.reduce((s, e) => s + e.gets, 0) / span : 0,
      };
    });
  const first = levels[0];
  return {
    host: x.host,
    researchers: x.researchers,
    reader: { ...x.reader },
    queries,
    classes,
    levels,
    wrong: all.filter((e) => e.wrong).map((e) => ({ query: e.query, researcher: e.researcher, why: e.wrong! })),
    throttled: events.reduce((n, e) => n + e.throttled, 0),
    capacity: {
      request_ms: x.requestMs,
      request_ms_source: x.requestMsSource,
      request_ms_measured: x.requestMsMeasured,
      predicted_rate: x.predictedRate,
      cap: x.cap,
      predicted: x.predictedCapacity,
      throttled_at: levels.find((l) => l.throttled > 0)?.researchers ?? null,
      p95_doubles_at:
        first && first.researchers === 1
          ? (levels.find((l) => l.p95_ms >= 2 * first.p95_ms)?.researchers ?? null)
          : null,
    },
  };
}
