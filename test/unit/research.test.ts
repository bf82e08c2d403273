// The research workload's pure parts: the reader's range plan (merging as DuckDB and Arrow do, batches with
// and without read-ahead, rounds), the query executor against answers worked by hand, the query file's
// checks, the scenario's events, and the capacity a bucket's cap allows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ARROW_MERGE,
  READER_DEFAULTS,
  chunkBatches,
  coalesce,
  queryBatches,
  rounds,
  type ChunkLayout,
} from '../../scenarios/lib/research/ranges.js';
import { difference, execute, type Query } from '../../scenarios/lib/research/query.js';
import { loadQueries, DEFAULT_QUERIES } from '../../src/load/research/queries.js';
import { toSql } from '../../src/load/research/sql.js';
import { capacityFromCap, measuredRequestMs, researcherRate } from '../../src/load/research/predict.js';
import { researchEvent } from '../../src/contracts/events.js';
import { summarise } from '../../src/load/research/summary.js';
import { activeResearchers, rampStages } from '../../scenarios/lib/research/ramp.js';
import { rampingVusSteps } from '../../src/engine/schedule.js';
import { parseDuration } from '../../src/engine/duration.js';
import type { Scenario } from '../../src/engine/options.js';
import { UsageError } from '../../src/util/errors.js';

/** A file of `groups` row groups whose columns A, B, C are `size` bytes each, back to back after `gap`. */
function layout(groups: number, size: number, gap = 0): ChunkLayout {
  let at = 4;
  return {
    row_groups: Array.from({ length: groups }, () => ({
      num_rows: 10,
      columns: ['A', 'B', 'C'].map((name) => {
        const start = at;
        at += size + gap;
        return { meta_data: { path_in_schema: [name], data_page_offset: start, total_compressed_size: size } };
      }),
    })),
  };
}

describe('the reader plan', () => {
  it('merges ranges within the gap, and not beyond the largest merged range', () => {
    const r = [
      { start: 0, end: 100 },
      { start: 16484, end: 16600 },
      { start: 40000, end: 40100 },
    ];
    expect(coalesce(r, 16 * 1024, Infinity)).toEqual([
      { start: 0, end: 16600 },
      { start: 40000, end: 40100 },
    ]);
    expect(coalesce(r, 8 * 1024, Infinity)).toHaveLength(3);
    expect(coalesce(r, 1 << 20, 20000)).toEqual([
      { start: 0, end: 16600 },
      { start: 40000, end: 40100 },
    ]);
  });

  it('reads the columns asked: A and C around an unread B are merged only when B is a small hole', () => {
    const small = layout(1, 1000);
    expect(chunkBatches(small, ['A', 'C'], READER_DEFAULTS)).toEqual([[{ start: 4, end: 3004 }]]);
    const wide = layout(1, 20000);
    expect(chunkBatches(wide, ['A', 'C'], READER_DEFAULTS)[0]).toHaveLength(2);
    expect(chunkBatches(wide, ['A', 'C'], { ...READER_DEFAULTS, ...ARROW_MERGE })[0]).toHaveLength(2);
  });

  it('asks every row group at once with read-ahead, one after the other without', () => {
    const md = layout(4, 100000);
    const on = queryBatches([{ file: { alias: 't', key: 'k', size: 1e7, columns: ['A', 'B'] }, md }], READER_DEFAULTS);
    const off = queryBatches([{ file: { alias: 't', key: 'k', size: 1e7, columns: ['A', 'B'] }, md }], {
      ...READER_DEFAULTS,
      readAhead: false,
    });
    // A and B touch: one range per row group; C, unread, keeps row groups apart.
    expect(on.map((b) => b.length)).toEqual([4]);
    expect(off.map((b) => b.length)).toEqual([1, 1, 1, 1]);
    expect(on.reduce((n, b) => n + rounds(b.length, 8), 0)).toBe(1);
    expect(off.reduce((n, b) => n + rounds(b.length, 8), 0)).toBe(4);
    expect(rounds(17, 8)).toBe(3);
  });
});

const q = (over: Partial<Query>): Query => ({
  id: 'q',
  class: 'test',
  title: 't',
  year: 'last',
  from: { table: 'T', as: 'a' },
  aggregates: [{ fn: 'count', as: 'n' }],
  ...over,
});

describe('the query executor', () => {
  const a = {
    K: [1n, 2n, 2n, 3n, null],
    D: ['2024-01-05', '2024-02-01', '2024-03-10', '2024-03-31', '2024-01-01'],
    V: [1.5, 2.25, null, 4, 10],
    S: ['x', 'y', 'y', 'z', 'x'],
  };
  const b = { K: ['2', '3', '3', '4'], L: ['I10', 'E11', 'I25', 'C50'] };
  const tables = { a, b };
  const rows = { a: 5, b: 4 };

  it('filters, joins on text keys, groups and aggregates as SQL does', () => {
    const query = q({
      from: { table: 'A', as: 'a', where: [{ col: 'D', op: 'between', value: ['{year}-02-01', '{year}-03-31'] }] },
      join: [{ table: 'B', as: 'b', on: [['a.K', 'K']], where: [{ col: 'L', op: 'prefix', value: ['I', 'E'] }] }],
      group_by: ['a.S'],
      aggregates: [
        { fn: 'count', as: 'n' },
        { fn: 'count_distinct', col: 'b.L', as: 'codes' },
        { fn: 'sum', col: 'a.V', as: 'v' },
        { fn: 'max', col: 'a.D', as: 'last' },
      ],
    });
    // Rows 2, 3, 4 pass the dates; K=2 meets I10, K=3 meets E11 and I25; the null V is not summed.
    expect(execute(query, tables, rows, 2024)).toEqual({
      columns: ['a.S', 'n', 'codes', 'v', 'last'],
      rows: [
        ['y', '2', '1', '2.25', '2024-03-10'],
        ['z', '2', '2', '8.00', '2024-03-31'],
      ],
    });
  });

  it('answers one row over no rows when nothing is grouped, as SQL does', () => {
    const none = q({ from: { table: 'A', as: 'a', where: [{ col: 'S', op: '=', value: 'w' }] } });
    expect(execute(none, tables, rows, 2024).rows).toEqual([['0']]);
  });

  it('names the first difference', () => {
    const want = { columns: ['k', 'n'], rows: [['1', '10']] };
    expect(difference({ columns: want.columns, rows: [['1', '11']] }, want)).toBe('row 1, n: 11 instead of 10');
    expect(difference({ columns: want.columns, rows: [] }, want)).toBe('0 rows instead of 1');
    expect(difference(want, want)).toBeNull();
  });

  it('turns into SQL that compares keys as text and reads only the files given', () => {
    const sql = toSql(
      {
        query: q({ join: [{ table: 'B', as: 'b', on: 'dcir:a' }], group_by: [{ col: 'b.X', prefix: 1 }] }),
        year: 2024,
        files: [
          { alias: 'a', path: 'A/year=2024/p.parquet', size: 1, columns: [] },
          { alias: 'b', path: 'B/p.parquet', size: 1, columns: [] },
        ],
      },
      '/d',
    );
    expect(sql).toContain(`read_parquet(['/d/A/year=2024/p.parquet'], hive_partitioning = false) AS "a"`);
    expect(sql).toContain('CAST("a"."FLX_DIS_DTD" AS VARCHAR) = CAST("b"."FLX_DIS_DTD" AS VARCHAR)');
    expect(sql.match(/ AND CAST/g)).toHaveLength(8);
    expect(sql).toContain('substr(CAST("b"."X" AS VARCHAR), 1, 1)');
  });
});

describe('the query file', () => {
  it('ships at least eight queries of the classes an analyst starts with', () => {
    const qs = loadQueries(DEFAULT_QUERIES);
    expect(qs.length).toBeGreaterThanOrEqual(8);
    expect(new Set(qs.map((x) => x.class))).toEqual(new Set(['cohort', 'dcir-month', 'join', 'pmsi', 'metadata']));
  });

  it('refuses a mistake in one line naming the query', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queries-'));
    const file = join(dir, 'q.json');
    writeFileSync(file, JSON.stringify({ queries: [q({ group_by: ['z.X'] })] }));
    expect(() => loadQueries(file)).toThrow(UsageError);
    expect(() => loadQueries(file)).toThrow(/query q: z.X: name a column as alias.COLUMN/);
    expect(() => loadQueries(join(dir, 'none.json'))).toThrow(/no such file/);
  });
});

describe('the ramp', () => {
  it('counts the researchers active as the engine starts them', () => {
    for (const [researchers, ramp] of [
      [4, 5],
      [6, 15],
      [3, 0.5],
    ]) {
      const stages = rampStages(researchers, ramp).map((s) => ({
        durationMs: parseDuration(s.duration, 'stage'),
        target: s.target,
      }));
      const steps = rampingVusSteps({ stages, startVUs: 1 } as Scenario);
      const end = steps[steps.length - 1][0] + 5000;
      for (let t = 0; t <= end; t += 50) {
        const running = steps.filter(([at]) => at <= t).pop()![1];
        expect(activeResearchers(t, researchers, ramp), `${researchers} every ${ramp} s, at ${t} ms`).toBe(running);
      }
    }
    expect(activeResearchers(123_456, 5, 0)).toBe(5);
  });
});

describe('capacity', () => {
  it('puts five or six active researchers under a 1,000 requests/s cap at 50 ms a request', () => {
    expect(capacityFromCap(1000, 8, 50)).toEqual({ rate: 160, researchers: 6 });
    expect(capacityFromCap(1000, 10, 50)).toEqual({ rate: 200, researchers: 5 });
    expect(capacityFromCap(null).researchers).toBeNull();
  });

  it('predicts a researcher from the query mix: GETs over rounds of one request time', () => {
    const costs = [
      { query: 'a', class: 'c', gets: 16, bytes: 0, rounds: 2, cold: { gets: 1, bytes: 0, rounds: 1 } },
      { query: 'b', class: 'c', gets: 4, bytes: 0, rounds: 2, cold: { gets: 1, bytes: 0, rounds: 1 } },
    ];
    expect(researcherRate(costs, 50)).toBe(100);
  });

  it('measures the request time as the wait per sequential round of one reader alone', () => {
    const pass = [
      { ms: 430, rounds: 2 },
      { ms: 0, rounds: 0 },
      { ms: 610, rounds: 3 },
    ];
    expect(measuredRequestMs(pass)).toBe(208);
    expect(measuredRequestMs([{ ms: 0, rounds: 0 }])).toBeNull();
  });

  it('finds where throttling starts and where the p95 doubles, from the events', () => {
    const line = (researchers: number, ms: number, throttled = 0, researcher = 1) =>
      JSON.stringify({
        level: 'info',
        msg: JSON.stringify({
          research: 'answer',
          query: 'a',
          class: 'c',
          researcher,
          researchers,
          phase: 'warm',
          t: 1000 * researchers,
          ms,
          decode_ms: 0,
          gets: 4,
          bytes: 100,
          rounds: 1,
          inflight: 4,
          throttled,
          checked: researcher === 0,
          wrong: null,
        }),
      });
    // A query during which a researcher joined (researchers 0) belongs to no level, its throttling included.
    const events = [line(1, 100, 0, 0), line(1, 100), line(0, 180, 1), line(2, 150), line(3, 210), line(4, 300, 2)].map(
      (l) => researchEvent(l)!,
    );
    expect(researchEvent('{"level":"info","msg":"hello"}')).toBeNull();
    const cost = { query: 'a', class: 'c', gets: 4, bytes: 100, rounds: 1, cold: { gets: 1, bytes: 8, rounds: 1 } };
    const r = summarise(events, [cost], {
      host: 'h',
      researchers: 4,
      reader: READER_DEFAULTS,
      requestMs: 50,
      requestMsSource: 'given',
      requestMsMeasured: null,
      predictedRate: 80,
      cap: 250,
      predictedCapacity: 3,
    });
    expect(r.capacity.throttled_at).toBe(4);
    expect(r.capacity.p95_doubles_at).toBe(3);
    expect(r.levels.map((l) => l.researchers)).toEqual([1, 2, 3, 4]);
    expect(r.throttled).toBe(3);
    expect(r.queries[0].answers).toBe(5);
    expect(r.queries[0].checked).toBe(1);
  });
});
