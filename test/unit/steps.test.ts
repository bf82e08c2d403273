import { describe, expect, it } from 'vitest';
import { parseSteps, parseTenants, planSteps, weights } from '../../src/load/steps.js';
import { isRyw, longestFailure, stepTable, type HostSample, type StepRun } from '../../src/load/step-analysis.js';
import type { StateReadEvent, WriteEvent } from '../../src/contracts/events.js';
import { cutoverTimelineChart } from '../../src/report/charts/cutover-timeline.js';
import type { Loaded } from '../../src/report/types.js';

describe('progressive cutover steps', () => {
  it('parses increasing percentages ending at 100', () => {
    expect(parseSteps('10%,50%,100%')).toEqual([10, 50, 100]);
    expect(parseSteps(' 25 , 100% ')).toEqual([25, 100]);
    expect(parseSteps('100%')).toEqual([100]);
  });
  for (const [bad, message] of [
    ['10%,50%', /end at 100%/],
    ['50%,10%,100%', /must increase/],
    ['10%,10%,100%', /must increase/],
    ['ten,100%', /percentages/],
    ['0%,100%', /percentages/],
    ['10%,,100%', /percentages/],
    ['150%', /percentages/],
  ] as const) {
    it(`refuses --steps ${bad}`, () => expect(() => parseSteps(bad)).toThrow(message));
  }

  it('parses tenants and refuses empty or repeated ones', () => {
    expect(parseTenants('ER_PRS_F,/ER_PHA_F/')).toEqual(['ER_PRS_F', 'ER_PHA_F']);
    expect(() => parseTenants('A,,B')).toThrow(/--tenants/);
    expect(() => parseTenants('A,A')).toThrow(/twice/);
  });

  it('plans a step every interval and a duration that fits them all', () => {
    const p = planSteps({ steps: '10%,50%,100%', stepEvery: 6 });
    expect(p.steps.map((s) => [s.index, s.at, s.percent])).toEqual([
      [1, 6, 10],
      [2, 12, 50],
      [3, 18, 100],
    ]);
    expect(p.duration).toBe(24);
    expect(planSteps({ steps: '100%', stepEvery: 6, duration: 60 }).duration).toBe(60);
    expect(() => planSteps({ steps: '10%,50%,100%', stepEvery: 6, duration: 20 })).toThrow(/too short/);
  });

  it('a rollback replaces step K and ends the plan', () => {
    const p = planSteps({ tenants: 'A,B,C', stepEvery: 5, rollbackAt: 3 });
    expect(p.steps.map((s) => [s.kind, s.tenant])).toEqual([
      ['tenant', 'A'],
      ['tenant', 'B'],
      ['rollback', null],
    ]);
    expect(p.duration).toBe(20);
    for (const k of [0, 1, 4, 1.5])
      expect(() => planSteps({ tenants: 'A,B,C', stepEvery: 5, rollbackAt: k })).toThrow(/--rollback-at/);
  });

  it('refuses --steps with --tenants or --at', () => {
    expect(() => planSteps({ steps: '100%', tenants: 'A', stepEvery: 5 })).toThrow(/exclude each other/);
    expect(() => planSteps({ steps: '100%', at: 10, stepEvery: 5 })).toThrow(/--at/);
  });

  it('weights give the new host its share', () => {
    expect(weights(10)).toEqual({ source: 90, target: 10 });
    expect(weights(100)).toEqual({ source: 0, target: 100 });
  });
});

describe('per-step analysis', () => {
  const s = (start: number, ok: boolean, host: string, ms = 10): HostSample => ({
    start,
    end: start + ms,
    ok,
    ms,
    host,
  });

  it('the longest failure run is per host: the other host succeeding meanwhile does not break it', () => {
    const samples = [s(0, false, 'target'), s(500, true, 'source'), s(1000, false, 'target', 4000)];
    expect(longestFailure(samples)).toBe(4);
    expect(longestFailure(samples.filter((x) => x.host === 'target'))).toBe(5);
  });

  it('rows split at each procedure start, with window reads counted apart and lost writes by step', () => {
    const run = (index: number, start: number, end: number): StepRun => ({
      step: { index, at: index, kind: 'percent', percent: index * 50, tenant: null },
      start,
      end,
      exit: 0,
      output: '',
    });
    const runs = [run(1, 10_000, 12_000), run(2, 20_000, 20_500)];
    const samples = [
      s(1000, true, 'source'),
      s(11_000, false, 'target'),
      s(15_000, true, 'target'),
      s(25_000, true, 'source'),
    ];
    const read = (start: number, got: number, host: string, wrote: string): StateReadEvent => ({
      event: 'state-read',
      key: 'k',
      got,
      expected: 2,
      start,
      host,
      wrote,
    });
    const reads = [
      read(11_500, 1, 'target', 'source'),
      read(15_000, 1, 'target', 'source'),
      read(16_000, 1, 'source', 'source'),
      read(17_000, 2, 'target', 'source'),
    ];
    const write = (key: string, t: number, version?: number): WriteEvent => ({
      event: 'write',
      key,
      sha256: 'x',
      bytes: 1,
      start: t,
      t,
      ...(version ? { version } : {}),
    });
    const writes = [write('a', 5000), write('s', 6000, 1), write('s', 21_000, 2), write('b', 21_000)];
    const rows = stepTable(0, runs, samples, writes, reads, new Set(['s', 'b']));
    expect(rows.map((r) => [r.index, r.kind, r.requests, r.errors])).toEqual([
      [0, 'before', 1, 0],
      [1, 'percent', 2, 1],
      [2, 'percent', 1, 0],
    ]);
    expect(rows[1].hosts.target).toMatchObject({ requests: 2, errors: 1 });
    expect(rows[1].window).toEqual({ requests: 1, errors: 1, stale_reads: 1, ryw_violations: 1 });
    expect([rows[1].stale_reads, rows[1].ryw_violations]).toEqual([2, 1]);
    // 's' is lost at its last version (step 2), not at version 1.
    expect(rows.map((r) => r.lost_writes)).toEqual([0, 0, 2]);
    expect(rows.map((r) => r.acknowledged_writes)).toEqual([2, 0, 2]);
    expect(isRyw(reads[2])).toBe(false);
  });
});

describe('the cutover timeline of a progressive run', () => {
  it('shades each step, where a single switch shades its window', () => {
    const base = {
      id: 'x',
      dir: '/x',
      manifest: { host: 'h' } as Loaded['manifest'],
      metrics: {},
      series: [],
      timeline: [{ second: 0, ok: 3, errors: 0, p99_ms: 9 }],
      window: [6, 20] as [number, number],
      mirror: null,
    };
    const steps = [
      { step: '1: 10%', from: 6, to: 12 },
      { step: '2: 100%', from: 12, to: 20 },
    ];
    const shade = (l: Loaded) =>
      (cutoverTimelineChart(l).spec as { layer: { data: { values: unknown[] } }[] }).layer[0];
    expect(shade({ ...base, steps }).data.values).toEqual(steps);
    expect(shade(base).data.values).toEqual([{ from: 6, to: 20 }]);
  });
});
