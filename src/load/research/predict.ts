// What the reader will ask of storage for each query, from the local files' footers and the same plan
// the k6 reader follows (scenarios/lib/research/ranges.ts): GETs, bytes and sequential rounds, cold
// (footers read first) and warm. From these, a researcher's request rate and how many active
// researchers a bucket's published request cap allows.
import { join } from 'node:path';
import {
  queryBatches,
  rounds,
  tailRange,
  type ChunkLayout,
  type ReaderSettings,
} from '../../../scenarios/lib/research/ranges.js';
import { localMetadata, type ResolvedQuery } from './queries.js';

export interface QueryCost {
  query: string;
  class: string;
  gets: number;
  bytes: number;
  rounds: number;
  /** The footers' share when the researcher has not read them yet. */
  cold: { gets: number; bytes: number; rounds: number };
}

export function predictQueries(queries: ResolvedQuery[], root: string, s: ReaderSettings): QueryCost[] {
  const footers = new Map<string, ChunkLayout & { metadata_length: number }>();
  const md = (path: string) => {
    let m = footers.get(path);
    if (!m) footers.set(path, (m = localMetadata(join(root, path)) as never));
    return m!;
  };
  return queries.map((r) => {
    const files = r.files.map((f) => ({ file: { ...f, key: f.path }, md: md(f.path) }));
    const batches = queryBatches(files, s);
    const gets = batches.reduce((n, b) => n + b.length, 0);
    const bytes = batches.reduce((n, b) => n + b.reduce((m, x) => m + x.end - x.start, 0), 0);
    const distinct = [...new Map(r.files.map((f) => [f.path, f])).values()];
    const long = distinct.filter((f) => md(f.path).metadata_length + 8 > s.footerBytes);
    const tailBytes = distinct.reduce((n, f) => n + tailRange(f.size, s).end - tailRange(f.size, s).start, 0);
    const longBytes = long.reduce((n, f) => n + md(f.path).metadata_length + 8 - s.footerBytes, 0);
    return {
      query: r.query.id,
      class: r.query.class,
      gets,
      bytes,
      rounds: batches.reduce((n, b) => n + rounds(b.length, s.inflight), 0),
      cold: {
        gets: distinct.length + long.length,
        bytes: tailBytes + longBytes,
        rounds: rounds(distinct.length, s.inflight) + (long.length ? rounds(long.length, s.inflight) : 0),
      },
    };
  });
}

/** GET/s of one active researcher (no think time) over the query mix, each request `requestMs` long. */
export function researcherRate(costs: QueryCost[], requestMs: number): number {
  const gets = costs.reduce((n, c) => n + c.gets, 0);
  const seconds = costs.reduce((n, c) => n + c.rounds, 0) * (requestMs / 1000);
  return seconds > 0 ? gets / seconds : 0;
}

/** The request time measured on the host: milliseconds waiting per sequential round of GETs over the
 * queries of one reader alone (the check pass before the load), or null when it made no request. */
export function measuredRequestMs(answers: { ms: number; rounds: number }[]): number | null {
  const rounds = answers.reduce((n, a) => n + a.rounds, 0);
  return rounds > 0 ? answers.reduce((n, a) => n + a.ms, 0) / rounds : null;
}

/** Active researchers a cap of `cap` requests/s allows, each at `rate` GET/s (the last one not throttled). */
export const researchersWithin = (cap: number, rate: number): number => (rate > 0 ? Math.floor(cap / rate) : Infinity);

/** Before any data is read: one active researcher's GET/s is its ranges in flight over the request time
 * (8 at 50 ms: 160 GET/s), and a bucket's published cap divided by that is the active researchers it allows. */
export function capacityFromCap(cap: number | null | undefined, inflight = 8, requestMs = 50) {
  const rate = inflight / (requestMs / 1000);
  return { rate, researchers: cap ? researchersWithin(cap, rate) : null };
}

export function capacityLine(host: string, cap: number | null | undefined, inflight = 8, requestMs = 50): string {
  const c = capacityFromCap(cap, inflight, requestMs);
  const each = `${c.rate.toFixed(0)} GET/s each (${inflight} ranges in flight at ${requestMs} ms a request)`;
  return cap
    ? `researchers: ${host}'s cap of ${cap} GET/s per bucket allows about ${c.researchers} active researchers ` +
        `per bucket at ${each}`
    : `researchers: ${host} publishes no per-bucket GET cap; an active researcher makes about ${each}`;
}
