// How far the new host trails the old one, from two records alone: the changes the load acknowledged on
// the old host (each key's in order: one writer per key, a deleted key never written again) and the
// probe's listings of the new host. Pure: no clock, no host.
//
// A change is seen once a listing shows its key in that state or a later one (a later body, or gone
// after a later delete): a replication that skips a body overwritten before it got there is in step
// all the same. An absent key counts as deleted only in listings begun after the delete was
// acknowledged, since a key not yet copied is absent too.
import type { MutationEvent } from '../contracts/events.js';

/** One listing of the run prefix on the new host: what changed since the previous one (key → ETag
 * without quotes, or null when it went), asked at `start` and answered at `end` (epoch milliseconds). */
export interface ProbeRound {
  start: number;
  end: number;
  changes: [string, string | null][];
}

export interface Divergence {
  missing: number;
  stale: number;
  resurrected: number;
}

/** One acknowledged change and how long the new host took to show it. */
export interface Lag {
  key: string;
  kind: MutationEvent['kind'];
  t: number;
  lag_ms: number | 'never';
}

interface Step {
  t: number;
  /** The body's MD5 (a single PUT's ETag), or null for a delete. */
  etag: string | null;
}

/** The ETag as a listing gives it, comparable with an MD5 in hex: some hosts escape its quotes as
 * numeric entities, which the listing's unescaping leaves. */
export const plainEtag = (etag: string) => etag.replace(/"|&#34;|&#x22;|&quot;/gi, '').toLowerCase();

/** Every key's changes in order of acknowledgement. */
export class Ledger {
  readonly steps = new Map<string, Step[]>();
  /** The changes by time of acknowledgement, with their index in their key's steps. */
  readonly order: { key: string; i: number; m: MutationEvent }[] = [];

  constructor(mutations: readonly MutationEvent[]) {
    for (const m of [...mutations].sort((a, b) => a.t - b.t)) {
      const steps = this.steps.get(m.key) ?? [];
      this.steps.set(m.key, steps);
      this.order.push({ key: m.key, i: steps.length, m });
      steps.push({ t: m.t, etag: m.kind === 'delete' ? null : (m.md5 ?? '').toLowerCase() });
    }
  }

  /** The step a listing begun at `start` shows (`etag` undefined: the key is absent), or -1 for none. */
  shown(key: string, etag: string | undefined, start: number): number {
    const steps = this.steps.get(key);
    if (!steps) return -1;
    if (etag !== undefined) return steps.findIndex((s) => s.etag === etag);
    const last = steps.length - 1;
    return steps[last].etag === null && steps[last].t <= start ? last : -1;
  }

  /** The last step acknowledged by `at`, or -1. */
  expected(key: string, at: number): number {
    const steps = this.steps.get(key) ?? [];
    let i = -1;
    while (i + 1 < steps.length && steps[i + 1].t <= at) i++;
    return i;
  }

  /** What the new host's `state` lacks (missing), holds older (stale) or holds after a delete
   * (resurrected), against the changes acknowledged by `at`. Keys nothing was acknowledged for yet are
   * not counted: a write can show on the new host before its acknowledgement reaches us. */
  divergence(state: ReadonlyMap<string, string>, at: number): Divergence {
    const d: Divergence = { missing: 0, stale: 0, resurrected: 0 };
    for (const [key, steps] of this.steps) {
      const e = this.expected(key, at);
      if (e < 0) continue;
      const etag = state.get(key);
      if (steps[e].etag === null) {
        if (etag !== undefined) d.resurrected++;
      } else if (etag === undefined) d.missing++;
      else if (this.shown(key, etag, at) < e) d.stale++;
    }
    return d;
  }
}

export interface LagAnalysis {
  lags: Lag[];
  /** Per second of the run (from `t0`): the lags of the changes acknowledged in it. */
  lagTimeline: { second: number; changes: number; never: number; p99_s: number; max_s: number }[];
  /** Per second of the run: the divergence the last listing answered in it showed. */
  divergenceTimeline: ({ second: number } & Divergence)[];
}

/** Each change's lag, and the per-second series, from the probe's rounds in order. */
export function analyseLag(ledger: Ledger, rounds: readonly ProbeRound[], t0: number): LagAnalysis {
  const state = new Map<string, string>();
  const seenAt = ledger.order.map((): number | null => null);
  // Per key: the changes acknowledged so far (indices into ledger.order), and how many are seen.
  const acked = new Map<string, number[]>();
  const seen = new Map<string, number>();
  const waiting = new Set<string>();
  let next = 0;
  const divergence = new Map<number, Divergence>();
  rounds.forEach((r, n) => {
    for (const [key, etag] of r.changes) {
      if (etag === null) state.delete(key);
      else state.set(key, etag);
    }
    while (next < ledger.order.length && ledger.order[next].m.t <= r.end) {
      const o = ledger.order[next];
      acked.set(o.key, [...(acked.get(o.key) ?? []), next++]);
      waiting.add(o.key);
    }
    for (const key of waiting) {
      const shown = ledger.shown(key, state.get(key), r.start);
      const list = acked.get(key)!;
      let s = seen.get(key) ?? 0;
      while (s < list.length && ledger.order[list[s]].i <= shown) seenAt[list[s++]] = r.end;
      seen.set(key, s);
      if (s === list.length) waiting.delete(key);
    }
    // The last listing answered in each second stands for that second.
    const second = Math.floor((r.end - t0) / 1000);
    const last = n + 1 === rounds.length || Math.floor((rounds[n + 1].end - t0) / 1000) !== second;
    if (last && second >= 0) divergence.set(second, ledger.divergence(state, r.start));
  });

  const lags: Lag[] = ledger.order.map((o, n) => ({
    key: o.key,
    kind: o.m.kind,
    t: o.m.t,
    lag_ms: seenAt[n] === null ? 'never' : Math.max(0, seenAt[n]! - o.m.t),
  }));
  const bySecond = new Map<number, Lag[]>();
  for (const l of lags) {
    const second = Math.max(0, Math.floor((l.t - t0) / 1000));
    bySecond.set(second, [...(bySecond.get(second) ?? []), l]);
  }
  const lagTimeline = [...bySecond]
    .sort(([a], [b]) => a - b)
    .map(([second, ls]) => {
      const s = seconds(ls);
      return {
        second,
        changes: ls.length,
        never: ls.length - s.length,
        p99_s: percentile(s, 99),
        max_s: s.at(-1) ?? 0,
      };
    });
  const divergenceTimeline = [...divergence].sort(([a], [b]) => a - b).map(([second, d]) => ({ second, ...d }));
  return { lags, lagTimeline, divergenceTimeline };
}

/** The lags seen, in seconds, sorted. */
export const seconds = (lags: readonly Lag[]) =>
  lags
    .map((l) => l.lag_ms)
    .filter((ms): ms is number => ms !== 'never')
    .map((ms) => ms / 1000)
    .sort((a, b) => a - b);

/** The nearest-rank percentile of sorted values (0 for none): exact, the lags are few. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
