// The DuckDB that `validate` reads a dataset with: every table a view of its Parquet files, and a bounded
// memory. Checks aggregate where the data is; what does not fit in the limit spills to a scratch folder.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { schemas } from '../snds/schema.js';
import { sqlString } from '../util/sql.js';

/**
 * DuckDB's memory limit. By default it is 80% of the machine, and DuckDB keeps what it may: its hash
 * tables (the DCIR keys, the joins between the DCIR tables) and the Parquet bytes it read grow with the
 * dataset (2.0 GB of peak RSS at 50,000 beneficiaries over three years). Under the limit it spills its
 * hash tables to disk and evicts its caches; Node, DuckDB's own overhead and the Parquet readers come on
 * top, which keeps the process under 1 GB.
 */
export const VALIDATE_MEMORY_LIMIT = '500MB';

export interface DatasetDb {
  conn: DuckDBConnection;
  /** SNDS tables present in the dataset, each a view of the same name. */
  present: Set<string>;
  /** Closes DuckDB and removes what it spilled. */
  close(): void;
}

/** Opens the dataset in `dir`: one view per SNDS table present, DuckDB within `memoryLimit`. */
export async function openDataset(dir: string, memoryLimit = VALIDATE_MEMORY_LIMIT): Promise<DatasetDb> {
  const spill = mkdtempSync(join(tmpdir(), 'sndsbench-validate-'));
  try {
    const db = await DuckDBInstance.create(':memory:', {
      threads: '2',
      memory_limit: memoryLimit,
      temp_directory: spill,
      // Checks count and aggregate: no result depends on the order rows come in, and keeping that order
      // would hold rows back in memory.
      preserve_insertion_order: 'false',
    });
    const conn = await db.connect();
    const present = new Set(readdirSync(dir).filter((t) => schemas().has(t)));
    for (const t of present) {
      await conn.run(
        `CREATE VIEW ${t} AS SELECT * FROM ` +
          `read_parquet(${sqlString(join(dir, t, '**', '*.parquet'))}, hive_partitioning = false)`,
      );
    }
    return {
      conn,
      present,
      close() {
        conn.closeSync();
        db.closeSync();
        rmSync(spill, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw e;
  }
}
