// The byte layout of a Parquet file, for the read scenario: its size, its footer length and the column
// chunks an analytics query would fetch.
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../util/sql.js';
import type { Layout } from '../contracts/k6.js';

/** The columns of ER_PRS_F a typical query reads (who, when, what, how much). */
export const QUERY_COLUMNS = ['BEN_NIR_PSA', 'EXE_SOI_DTD', 'PRS_NAT_REF', 'PSE_SPE_COD', 'PRS_PAI_MNT', 'BSE_REM_MNT'];

export async function parquetLayout(path: string, columns = QUERY_COLUMNS): Promise<Layout> {
  const size = statSync(path).size;
  const tail = Buffer.alloc(8);
  const fd = openSync(path, 'r');
  readSync(fd, tail, 0, 8, size - 8);
  closeSync(fd);
  if (tail.toString('latin1', 4) !== 'PAR1') throw new Error(`${path} is not a Parquet file`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const list = columns.map(sqlString).join(', ');
  const rows = (
    await conn.runAndReadAll(
      `SELECT coalesce(dictionary_page_offset, data_page_offset), total_compressed_size ` +
        `FROM parquet_metadata(${sqlString(path)}) WHERE path_in_schema IN (${list}) ORDER BY 1`,
    )
  ).getRowsJS();
  conn.closeSync();
  db.closeSync();
  return { size, footer: tail.readInt32LE(0), chunks: rows.map((r) => [Number(r[0]), Number(r[1])]) };
}
