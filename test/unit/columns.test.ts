// The column store and the Parquet sink: what goes in comes out of the file, whichever way the strings
// crossed (8- or 16-bit dictionary codes, plain strings past the dictionary's cap, NULLs only); day numbers split
// into dates exactly as Date does; rows set aside in a spill file come back the same.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK, MAX_DICTIONARY } from '../../src/snds/columns.js';
import { ParquetEngine, StagedTable } from '../../src/dataset/parquet.js';
import type { TableSchema } from '../../src/snds/schema.js';
import { parts } from '../../src/model/dates.js';

const column = (name: string, type: string) => ({ name, type, length: null, nullable: true, nomenclature: null });
const SCHEMA: TableSchema = {
  table: 'T',
  reference: 'test',
  family: 'dcir',
  partitioned_by_year: false,
  description: '',
  primaryKey: [],
  columns: [
    column('N', 'INTEGER'),
    column('FEW', 'VARCHAR'),
    column('MANY', 'VARCHAR'),
    column('NONE', 'VARCHAR'),
    column('D', 'DOUBLE'),
    column('FILLED', 'VARCHAR'),
    column('TINY', 'VARCHAR'),
  ],
};
SCHEMA.columns[5].fill = "'x' || N";

describe('Parquet sink', () => {
  it.each([false, true])(
    'writes every value, NULL and string back as generated, past the dictionary cap too (spilled: %s)',
    async (spilled) => {
      const rows = 2 * MAX_DICTIONARY + 3 * CHUNK + 17;
      const dir = mkdtempSync(join(tmpdir(), 'sndsbench-sink-'));
      const engine = await ParquetEngine.open();
      const staged = new StagedTable(engine, SCHEMA, [
        ['N', 'int'],
        ['FEW', 'str'],
        ['MANY', 'str'],
        ['NONE', 'str'],
        ['D', 'double'],
        ['TINY', 'str'],
      ]);
      const spill = join(dir, 't.rows.tmp');
      if (spilled) staged.batch.spillTo(spill);
      for (let i = 0; i < rows; i++) {
        // Often enough that the MANY column drops its dictionary after some of its chunks were spilled.
        if (i % 5000 === 0) staged.batch.spillFull();
        staged.batch.put(
          {},
          {
            N: i,
            FEW: i % 7 === 0 ? null : `f${i % 300}`,
            MANY: i % 11 === 0 ? null : `m${i}`,
            NONE: null,
            D: i % 5 === 0 ? null : i / 4,
            TINY: `t${i % 3}`,
          },
        );
      }
      expect(staged.batch.col('FEW').dictionary()).toHaveLength(300);
      expect(staged.batch.col('MANY').dictionary()).toBeNull();
      expect(existsSync(spill)).toBe(spilled);
      const path = join(dir, 't.parquet');
      expect(await staged.writeFile(path, { rowGroupSize: 8192, metadata: { k: 'v' } })).toBe(rows);
      expect(staged.stagedRows).toBe(0);
      expect(existsSync(spill)).toBe(false);
      const r = await engine.conn.runAndReadAll(`
      SELECT count(*),
        count(*) FILTER (WHERE FEW IS DISTINCT FROM CASE WHEN N % 7 = 0 THEN NULL ELSE 'f' || (N % 300) END),
        count(*) FILTER (WHERE MANY IS DISTINCT FROM CASE WHEN N % 11 = 0 THEN NULL ELSE 'm' || N END),
        count(NONE),
        count(*) FILTER (WHERE D IS DISTINCT FROM CASE WHEN N % 5 = 0 THEN NULL ELSE N / 4 END),
        count(*) FILTER (WHERE FILLED <> 'x' || N),
        count(*) FILTER (WHERE TINY <> 't' || (N % 3)),
        bool_and(N = rn - 1)
      FROM (SELECT *, row_number() OVER () AS rn FROM read_parquet('${path}'))`);
      expect(r.getRowsJS()[0].map((v) => (typeof v === 'bigint' ? Number(v) : v))).toEqual([
        rows,
        0,
        0,
        0,
        0,
        0,
        0,
        true,
      ]);
      const types = await engine.conn.runAndReadAll(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`,
      );
      expect(types.getRowsJS().map(([n, t]) => `${n} ${t}`)).toEqual([
        'N INTEGER',
        'FEW VARCHAR',
        'MANY VARCHAR',
        'NONE VARCHAR',
        'D DOUBLE',
        'FILLED VARCHAR',
        'TINY VARCHAR',
      ]);
      engine.close();
    },
  );
});

describe('dates', () => {
  it('splits every day from 1600 to 2200 as Date does', () => {
    const wrong: number[] = [];
    for (let d = -135_140; d <= 84_000; d++) {
      const t = new Date(d * 86_400_000);
      const [y, m, dd] = parts(d);
      if (y !== t.getUTCFullYear() || m !== t.getUTCMonth() + 1 || dd !== t.getUTCDate()) wrong.push(d);
    }
    expect(wrong).toEqual([]);
  });
});
