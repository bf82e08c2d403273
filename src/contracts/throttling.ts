// Throttled answers (429, 503 SlowDown) over time, from a run's raw samples: how many of each kind of
// request (the scenarios' `op` tag) the host refused, and in which second of the run.
import { readPoints } from './results.js';

export interface Throttling {
  /** Throttled answers by kind of request (put, multipart_part, get...). */
  byKind: Record<string, number>;
  /** Throttled answers in each second of the run (from the first sample of any metric), by kind. */
  perSecond: { second: number; op: string; count: number }[];
}

export async function throttledOverTime(samples: string): Promise<Throttling> {
  const byKind: Record<string, number> = {};
  const cells = new Map<string, { second: number; op: string; count: number }>();
  let first = Infinity;
  const points: { t: number; op: string; n: number }[] = [];
  // The first request of any kind starts the clock, so that seconds line up with the run's.
  for await (const p of readPoints(samples, ['s3_throttled', 'http_reqs'])) {
    const t = Date.parse(p.data.time);
    first = Math.min(first, t);
    if (p.metric === 's3_throttled') points.push({ t, op: p.data.tags.op ?? 'unknown', n: p.data.value });
  }
  for (const { t, op, n } of points) {
    byKind[op] = (byKind[op] ?? 0) + n;
    const second = Math.floor((t - first) / 1000);
    const key = `${second}|${op}`;
    const cell = cells.get(key) ?? { second, op, count: 0 };
    cell.count += n;
    cells.set(key, cell);
  }
  const perSecond = [...cells.values()].sort((a, b) => a.second - b.second || a.op.localeCompare(b.op));
  return { byKind, perSecond };
}
