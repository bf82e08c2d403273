// The pure parts of `sndsbench mirror`: each change's lag and the divergence over time from the load's
// acknowledged changes and the probe's listings, the audit's naming of differences, the events as logged,
// the verdict.
import { describe, expect, it } from 'vitest';
import { analyseLag, Ledger, percentile, type ProbeRound } from '../../src/load/mirror-lag.js';
import { compare } from '../../src/load/mirror-audit.js';
import { mirrorEvent, type MutationEvent } from '../../src/contracts/events.js';
import type { MirrorReport } from '../../src/contracts/results.js';
import { judge } from '../../src/load/mirror.js';

const put = (key: string, md5: string, t: number, kind: 'write' | 'overwrite' = 'write'): MutationEvent => ({
  event: 'mutation',
  kind,
  key,
  sha256: `sha-${md5}`,
  md5,
  t,
});
const del = (key: string, t: number): MutationEvent => ({ event: 'mutation', kind: 'delete', key, t });
/** A listing answered 50 ms after it was asked. */
const round = (start: number, changes: [string, string | null][] = []): ProbeRound => ({
  start,
  end: start + 50,
  changes,
});
/** Listings every 250 ms from 0 to `until`, with the changes given at their start times. */
function rounds(until: number, at: Record<number, [string, string | null][]>): ProbeRound[] {
  const out: ProbeRound[] = [];
  for (let t = 0; t <= until; t += 250) out.push(round(t, at[t] ?? []));
  return out;
}
const lagOf = (a: ReturnType<typeof analyseLag>, key: string, kind: string) =>
  a.lags.find((l) => l.key === key && l.kind === kind)?.lag_ms;

describe('replication lag from acknowledged changes and listings', () => {
  it('a write: from its acknowledgement to the first listing answered that shows its body', () => {
    const a = analyseLag(new Ledger([put('k', 'aa', 1000)]), rounds(3000, { 1500: [['k', 'aa']] }), 0);
    expect(lagOf(a, 'k', 'write')).toBe(550);
  });

  it('a body overwritten before it was copied counts as seen once the later body shows', () => {
    const ledger = new Ledger([put('k', 'aa', 1000), put('k', 'bb', 1100, 'overwrite')]);
    const a = analyseLag(ledger, rounds(3000, { 2000: [['k', 'bb']] }), 0);
    expect(lagOf(a, 'k', 'write')).toBe(1050);
    expect(lagOf(a, 'k', 'overwrite')).toBe(950);
  });

  it('an older body shown after an overwrite is stale, and the overwrite waits', () => {
    const ledger = new Ledger([put('k', 'aa', 1000), put('k', 'bb', 2000, 'overwrite')]);
    const a = analyseLag(ledger, rounds(5000, { 1250: [['k', 'aa']], 4000: [['k', 'bb']] }), 0);
    expect(lagOf(a, 'k', 'write')).toBe(300);
    expect(lagOf(a, 'k', 'overwrite')).toBe(2050);
    const second = (s: number) => a.divergenceTimeline.find((d) => d.second === s)!;
    expect(second(2)).toEqual({ second: 2, missing: 0, stale: 1, resurrected: 0 });
    expect(second(4)).toEqual({ second: 4, missing: 0, stale: 0, resurrected: 0 });
  });

  it('a delete is seen only in a listing begun after it was acknowledged', () => {
    const ledger = new Ledger([put('k', 'aa', 1000), del('k', 2010)]);
    // The key goes in the listing begun at 2000: before the acknowledgement, so not yet counted.
    const a = analyseLag(ledger, rounds(3000, { 1250: [['k', 'aa']], 2000: [['k', null]] }), 0);
    expect(lagOf(a, 'k', 'delete')).toBe(2300 - 2010);
  });

  it('a key never copied and then deleted: the new host is in step once the delete is acknowledged', () => {
    const ledger = new Ledger([put('k', 'aa', 1000), del('k', 2000)]);
    const a = analyseLag(ledger, rounds(3000, {}), 0);
    expect(lagOf(a, 'k', 'write')).toBe(1050);
    expect(lagOf(a, 'k', 'delete')).toBe(50);
    expect(a.divergenceTimeline.find((d) => d.second === 1)!.missing).toBe(1);
    expect(a.divergenceTimeline.find((d) => d.second === 2)!.missing).toBe(0);
  });

  it('a change the new host never shows has no lag; a delete never propagated is resurrected', () => {
    const ledger = new Ledger([put('a', 'aa', 500), put('b', 'bb', 600), del('b', 1500)]);
    const a = analyseLag(ledger, rounds(4000, { 750: [['b', 'bb']] }), 0);
    expect(lagOf(a, 'a', 'write')).toBe('never');
    expect(lagOf(a, 'b', 'write')).toBe(200);
    expect(lagOf(a, 'b', 'delete')).toBe('never');
    expect(a.divergenceTimeline.at(-1)).toEqual({ second: 4, missing: 1, stale: 0, resurrected: 1 });
    expect(new Ledger(ledger.order.map((o) => o.m)).divergence(new Map([['b', 'bb']]), Infinity)).toEqual({
      missing: 1,
      stale: 0,
      resurrected: 1,
    });
  });

  it('a body shown before its acknowledgement reached the runner: lag 0, and no divergence', () => {
    const a = analyseLag(new Ledger([put('k', 'aa', 1010)]), rounds(2000, { 1000: [['k', 'aa']] }), 0);
    expect(lagOf(a, 'k', 'write')).toBe(40);
    const early = analyseLag(new Ledger([put('k', 'aa', 1100)]), rounds(2000, { 1000: [['k', 'aa']] }), 0);
    expect(lagOf(early, 'k', 'write')).toBe(200);
    expect(early.divergenceTimeline.every((d) => d.missing + d.stale + d.resurrected === 0)).toBe(true);
  });

  it('per second of acknowledgement: the changes, their p99 and max, and those never seen', () => {
    const ledger = new Ledger([put('a', '1', 100), put('b', '2', 200), put('c', '3', 1100), put('d', '4', 1200)]);
    const a = analyseLag(
      ledger,
      rounds(3000, {
        250: [
          ['a', '1'],
          ['b', '2'],
        ],
        2500: [['c', '3']],
      }),
      0,
    );
    expect(a.lagTimeline).toEqual([
      { second: 0, changes: 2, never: 0, p99_s: 0.2, max_s: 0.2 },
      { second: 1, changes: 2, never: 1, p99_s: 1.45, max_s: 1.45 },
    ]);
  });

  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(v, 50), percentile(v, 99), percentile(v, 100), percentile([], 99)]).toEqual([50, 99, 100, 0]);
    expect(percentile([3], 99)).toBe(3);
  });
});

describe('the final audit names every difference', () => {
  it('missing, stale, resurrected (deleted by the load) and extra', () => {
    const from = new Map([
      ['same', 's1'],
      ['gone-on-target', 's2'],
      ['changed', 's3'],
    ]);
    const to = new Map([
      ['same', 's1'],
      ['changed', 'old'],
      ['deleted', 's4'],
      ['stranger', 's5'],
    ]);
    expect(compare(from, to, new Set(['deleted']))).toEqual([
      { key: 'changed', kind: 'stale' },
      { key: 'deleted', kind: 'resurrected' },
      { key: 'gone-on-target', kind: 'missing' },
      { key: 'stranger', kind: 'extra' },
    ]);
    expect(compare(from, new Map(from), new Set())).toEqual([]);
  });
});

describe('mirror events as k6 logs them', () => {
  const line = (m: object) => JSON.stringify({ level: 'info', msg: JSON.stringify({ mirror: true, ...m }) });
  it('parses each kind and refuses incomplete ones', () => {
    expect(mirrorEvent(line({ event: 'load', t: 5 }))).toEqual({ event: 'load', t: 5 });
    expect(mirrorEvent(line({ event: 'mutation', kind: 'delete', key: 'k', t: 9 }))).toEqual(del('k', 9));
    expect(
      mirrorEvent(line({ event: 'mutation', kind: 'overwrite', key: 'k', sha256: 'sha-x', md5: 'x', t: 1 })),
    ).toEqual(put('k', 'x', 1, 'overwrite'));
    expect(mirrorEvent(line({ event: 'mutation', kind: 'write', key: 'k', t: 1 }))).toBeNull();
    expect(mirrorEvent(line({ event: 'mutation', kind: 'rename', key: 'k', t: 1 }))).toBeNull();
    expect(
      mirrorEvent(JSON.stringify({ level: 'info', msg: JSON.stringify({ cutover: true, event: 'load', t: 1 }) })),
    ).toBeNull();
    expect(mirrorEvent('mirror: not json')).toBeNull();
  });
});

describe('the mirror verdict', () => {
  const base = {
    changes: { writes: 10, overwrites: 5, deletes: 5 },
    lag: { seen: 20, never: 0, never_keys: [], p50_s: 1, p90_s: 1.5, p99_s: 2, max_s: 2.5 },
    audit: { objects: { from: 40, to: 40 }, differences: [] },
    procedure: { command: 'reference', start: 0, stopped: 1, exit: null, exited_early: false },
    max_lag_s: 30,
  } as unknown as MirrorReport;
  it('passes a replication in step, and names each reason to fail', () => {
    expect(judge(base)).toEqual([]);
    const failed = judge({
      ...base,
      lag: { ...base.lag, never: 1, p99_s: 31 },
      audit: {
        objects: { from: 40, to: 41 },
        differences: [
          { key: 'a', kind: 'resurrected' },
          { key: 'b', kind: 'extra' },
        ],
      },
      procedure: { ...base.procedure, exit: 3, exited_early: true },
    });
    expect(failed).toEqual([
      '1 changes never shown by the new host',
      'lag p99 31.0 s > 30 s',
      'the audit after catch-up found 2 differences (1 resurrected, 1 extra)',
      'the procedure exited with 3 before it was stopped',
    ]);
    expect(judge({ ...base, changes: { writes: 0, overwrites: 0, deletes: 0 } })).toHaveLength(1);
  });
});
