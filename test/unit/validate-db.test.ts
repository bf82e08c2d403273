// The DuckDB validate reads a dataset with: one view per SNDS table, DuckDB held to its memory limit with
// a scratch folder to spill to, and that folder gone once it closes.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDataset } from '../../src/dataset/validate-db.js';

const dir = mkdtempSync(join(tmpdir(), 'sndsbench-validate-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDataset', () => {
  it('views the tables present, within the memory limit, spilling to a folder it removes on close', async () => {
    mkdirSync(join(dir, 'IR_BEN_R', 'year=2024'), { recursive: true });
    mkdirSync(join(dir, 'not_a_table'));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT range AS BEN_RNG_GEM FROM range(3000)) TO '${join(dir, 'IR_BEN_R', 'year=2024', 'a.parquet')}'`,
    );
    conn.closeSync();
    db.closeSync();

    const dataset = await openDataset(dir, '100000000B');
    const setting = async (name: string) =>
      (await dataset.conn.runAndReadAll(`SELECT current_setting('${name}')`)).getRowsJS()[0][0];
    expect([...dataset.present]).toEqual(['IR_BEN_R']);
    expect(Number((await dataset.conn.runAndReadAll('SELECT count(*) FROM IR_BEN_R')).getRowsJS()[0][0])).toBe(3000);
    expect(await setting('memory_limit')).toBe('95.3 MiB');
    expect(await setting('preserve_insertion_order')).toBe(false);
    const spill = String(await setting('temp_directory'));
    expect(spill.startsWith(join(tmpdir(), 'sndsbench-validate-'))).toBe(true);
    expect(existsSync(spill)).toBe(true);
    dataset.close();
    expect(existsSync(spill)).toBe(false);
  });
});
