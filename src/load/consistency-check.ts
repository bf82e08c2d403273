// The pure part of `sndsbench consistency`: the operations the scenario logged, held against what each
// key's writer had acknowledged, as "are we consistent yet" and Jepsen's set test count. A read (GET,
// HEAD) or a listing is a check when it was sent after a write of its key was acknowledged; it fails when
// it shows an earlier state. Writes still under way while it ran, and writes that got no answer (they
// may have happened), make their states acceptable too: only what the store promised is held against it.
import {
  ANOMALY_KINDS,
  type Anomaly,
  type AnomalyFigures,
  type AnomalyKind,
  type ConsistencyReport,
  type RoundFigures,
} from '../contracts/results.js';
import type { OperationEvent, RoundEvent } from '../contracts/events.js';
import { percentile } from './mirror-lag.js';

/** The anomalies kept by name in the result; every one is counted. */
export const NAMED_ANOMALIES = 1000;

const acknowledged = (status: number) => status >= 200 && status < 300;
/** No answer, or the server's own failure: the write may or may not have happened. */
const uncertain = (status: number) => status === 0 || status >= 500;
/** A state of a key: its version, 0 when absent. */
const stateOf = (w: OperationEvent) => (w.op === 'delete' ? 0 : (w.version ?? -1));

type Zeros = Record<AnomalyKind, number>;

interface Expectation {
  base: OperationEvent;
  acceptable: Set<number>;
}

/** What a read sent at `start` and answered at `end` may show, from the key's writes in order. */
export function expectation(writes: OperationEvent[], start: number, end: number): Expectation | null {
  let base: OperationEvent | null = null;
  for (const w of writes) if (acknowledged(w.status) && w.end <= start && (!base || w.end >= base.end)) base = w;
  if (!base) return null;
  const acceptable = new Set([stateOf(base)]);
  for (const w of writes) {
    if (w === base || w.start > end) continue;
    const overlapping = acknowledged(w.status) && w.end > start;
    const maybe = uncertain(w.status) && w.start >= base.start;
    if (overlapping || maybe) acceptable.add(stateOf(w));
  }
  return { base, acceptable };
}

const readKind = (base: OperationEvent): AnomalyKind =>
  base.op === 'create' ? 'read-after-create' : base.op === 'overwrite' ? 'read-after-overwrite' : 'read-after-delete';

export interface ConsistencyAnalysis {
  operations: Record<string, number>;
  failed_operations: number;
  kinds: ConsistencyReport['kinds'];
  timeline: ConsistencyReport['timeline'];
  anomalies: Anomaly[];
  served_by: Record<string, number>;
  /** The checks `apart` set aside (a cutover's switch windows), counted and not in `kinds`. */
  apart: Record<AnomalyKind, { checks: number; anomalies: number }>;
}

/** A check to count apart rather than judge: the read or listing, and the write it is held against. */
export type Apart = (read: OperationEvent, write: OperationEvent) => boolean;

/** Every check of the run's operations; `t0` is the load's start, for the timeline. */
export function analyseOperations(ops: OperationEvent[], t0: number, apart: Apart = () => false): ConsistencyAnalysis {
  const writes = new Map<string, OperationEvent[]>();
  const operations: Record<string, number> = {};
  let failed = 0;
  for (const o of ops) {
    operations[o.op] = (operations[o.op] ?? 0) + 1;
    if (uncertain(o.status)) failed++;
    if (o.op === 'create' || o.op === 'overwrite' || o.op === 'delete') {
      if (!writes.has(o.key)) writes.set(o.key, []);
      writes.get(o.key)!.push(o);
    }
  }
  for (const w of writes.values()) w.sort((a, b) => a.start - b.start);

  const checks = Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Record<AnomalyKind, number>;
  const found: Anomaly[] = [];
  const episodes = new Map<OperationEvent, { kind: AnomalyKind; last: number }>();
  const seconds = new Map<number, ConsistencyReport['timeline'][number]>();
  const second = (t: number) => {
    const s = Math.max(0, Math.floor((t - t0) / 1000));
    if (!seconds.has(s))
      seconds.set(s, { second: s, checks: 0, ...(Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Zeros) });
    return seconds.get(s)!;
  };
  const served: Record<string, number> = {};
  const aside = Object.fromEntries(
    ANOMALY_KINDS.map((k) => [k, { checks: 0, anomalies: 0 }]),
  ) as ConsistencyAnalysis['apart'];
  const check = (kind: AnomalyKind, read: OperationEvent, key: string, e: Expectation, got: number) => {
    if (apart(read, e.base)) {
      aside[kind].checks++;
      if (e.acceptable.has(got)) return true;
      aside[kind].anomalies++;
      return false;
    }
    checks[kind]++;
    const row = second(read.start);
    row.checks++;
    if (e.acceptable.has(got)) return true;
    row[kind]++;
    found.push({
      kind,
      key,
      op: read.op as Anomaly['op'],
      start: read.start,
      since_ms: read.start - e.base.end,
      expected: stateOf(e.base),
      got,
      ...(read.host ? { host: read.host } : {}),
    });
    const ep = episodes.get(e.base);
    episodes.set(e.base, { kind, last: Math.max(ep?.last ?? 0, read.start) });
    return false;
  };

  // Reads: every GET or HEAD of a key after an acknowledged write of it is a check.
  for (const r of ops) {
    if (r.op !== 'get' && r.op !== 'head') continue;
    if (r.host) served[r.host] = (served[r.host] ?? 0) + 1;
    if (r.status !== 200 && r.status !== 404) continue;
    const history = writes.get(r.key);
    const e = history && expectation(history, r.start, r.end);
    if (!e) continue;
    const got = r.status === 404 ? 0 : r.op === 'get' ? (r.version ?? -1) : versionOfEtag(history!, r.etag);
    check(readKind(e.base), r, r.key, e, got);
  }

  // Listings: a create or a delete is checked by every listing begun after its acknowledgement, until
  // one shows it (an overwrite changes no listing). Keys are grouped by folder: a listing names few.
  const byFolder = new Map<string, string[]>();
  for (const key of writes.keys()) {
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder)!.push(key);
  }
  const settled = new Set<OperationEvent>();
  const listings = ops.filter((o) => o.op === 'list' && o.status === 200).sort((a, b) => a.start - b.start);
  for (const l of listings) {
    if (l.host) served[l.host] = (served[l.host] ?? 0) + 1;
    const listed = new Set(l.keys ?? []);
    for (const [folder, keys] of byFolder) {
      if (!folder.startsWith(l.key)) continue;
      for (const key of keys) {
        const e = expectation(writes.get(key)!, l.start, l.end);
        if (!e || e.base.op === 'overwrite' || settled.has(e.base)) continue;
        const present = [...e.acceptable].map((v) => v !== 0);
        if (present.includes(true) && present.includes(false)) continue;
        const kind: AnomalyKind = e.base.op === 'create' ? 'list-after-create' : 'list-after-delete';
        // A listing shows presence only: a key listed stands for its last body before the check's write.
        const got = listed.has(key)
          ? e.base.op === 'create'
            ? stateOf(e.base)
            : lastBody(writes.get(key)!, e.base)
          : 0;
        if (check(kind, l, key, e, got)) settled.add(e.base);
      }
    }
  }

  const kinds = Object.fromEntries(
    ANOMALY_KINDS.map((kind): [AnomalyKind, AnomalyFigures] => {
      const anomalies = found.filter((a) => a.kind === kind).length;
      const lasted = [...episodes]
        .filter(([, ep]) => ep.kind === kind)
        .map(([base, ep]) => ep.last - base.end)
        .sort((a, b) => a - b);
      return [
        kind,
        {
          checks: checks[kind],
          anomalies,
          per_100k: checks[kind] ? (anomalies / checks[kind]) * 100_000 : 0,
          episodes: lasted.length,
          lasted_ms: {
            p50: percentile(lasted, 50),
            p90: percentile(lasted, 90),
            p99: percentile(lasted, 99),
            max: lasted.at(-1) ?? 0,
          },
        },
      ];
    }),
  ) as ConsistencyReport['kinds'];
  found.sort((a, b) => a.start - b.start);
  return {
    operations,
    failed_operations: failed,
    kinds,
    timeline: [...seconds.values()].sort((a, b) => a.second - b.second),
    anomalies: found.slice(0, NAMED_ANOMALIES),
    served_by: served,
    apart: aside,
  };
}

/** The version of the last body written before `w` (-1 when none). */
function lastBody(writes: OperationEvent[], w: OperationEvent): number {
  const before = writes.filter((x) => x.op !== 'delete' && x.start < w.start);
  return before.at(-1)?.version ?? -1;
}

/** The version whose body has this ETag (quotes aside), -1 when none of the key's writes had it. */
function versionOfEtag(writes: OperationEvent[], etag: string | undefined): number {
  const plain = (etag ?? '').replace(/"/g, '');
  return writes.find((w) => w.op !== 'delete' && w.etag === plain)?.version ?? -1;
}

/** How many writers won each round of one kind; a loser got 412 (or 409, a conflict said as such). */
export function analyseRounds(rounds: RoundEvent[], kind: RoundEvent['kind']): RoundFigures {
  const out: RoundFigures = {
    rounds: 0,
    one_winner: 0,
    no_winner: 0,
    several_winners: 0,
    errors: 0,
    no_winner_keys: [],
    several_winners_keys: [],
    winners: {},
  };
  for (const r of rounds.filter((x) => x.kind === kind)) {
    out.rounds++;
    const won = r.statuses.filter(acknowledged).length;
    out.winners[won] = (out.winners[won] ?? 0) + 1;
    if (r.statuses.some((s) => !acknowledged(s) && s !== 412 && s !== 409)) out.errors++;
    if (won === 1) out.one_winner++;
    else if (won === 0) {
      out.no_winner++;
      out.no_winner_keys.push(r.key);
    } else {
      out.several_winners++;
      out.several_winners_keys.push(r.key);
    }
  }
  return out;
}
