// Parquet through DuckDB: generated columns are copied into a DuckDB table a vector at a time,
// then one COPY per file adds the filled columns, casts to the schema's types and encodes ZSTD.
import duckdb from '@duckdb/node-bindings';
import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import type { TableSchema } from '../schema.js';
import { Batch, type Physical } from './columns.js';

const CHUNK = 2048;

const PHYSICAL_TYPES: Record<Physical, DuckDBType> = {
  int: INTEGER,
  double: DOUBLE,
  date: DATE,
  bool: BOOLEAN,
  str: VARCHAR,
};
const PHYSICAL_SQL: Record<Physical, string> = {
  int: 'INTEGER',
  double: 'DOUBLE',
  date: 'DATE',
  bool: 'BOOLEAN',
  str: 'VARCHAR',
};

export function quote(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** One DuckDB instance per process, single-threaded so that file bytes never depend on scheduling. */
export class ParquetEngine {
  private constructor(readonly db: DuckDBInstance, readonly conn: DuckDBConnection) {}

  static async open(): Promise<ParquetEngine> {
    const db = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true' });
    return new ParquetEngine(db, await db.connect());
  }

  close(): void {
    this.conn.closeSync();
    this.db.closeSync();
  }
}

export interface WriteOptions {
  rowGroupSize: number;
  metadata: Record<string, string>;
}

let staging = 0;

/** A validity bitmask with every row valid, in whole 64-bit words as DuckDB stores it. */
function validMask(rows: number): Uint8Array {
  return new Uint8Array(8 * Math.ceil(rows / 64)).fill(0xff);
}

function setValidity(vector: duckdb.Vector, mask: Uint8Array): void {
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
}

/** Rows of one table staged in DuckDB until they are written as one Parquet file. */
export class StagedTable {
  readonly batch: Batch;
  private readonly tableName = `staging_${staging++}`;
  private readonly types: DuckDBType[];
  private created = false;
  stagedRows = 0;

  constructor(
    private readonly engine: ParquetEngine,
    readonly schema: TableSchema,
    readonly generated: readonly (readonly [string, Physical])[],
  ) {
    const known = new Set(schema.columns.map((c) => c.name));
    for (const [name] of generated) {
      if (!known.has(name)) throw new Error(`${schema.table} has no column ${name}`);
    }
    this.batch = new Batch(generated);
    this.types = generated.map(([, p]) => PHYSICAL_TYPES[p]);
  }

  private async ensureTable(): Promise<void> {
    if (this.created) return;
    const cols = this.generated.map(([n, p]) => `${quote(n)} ${PHYSICAL_SQL[p]}`).join(', ');
    await this.engine.conn.run(`CREATE OR REPLACE TEMP TABLE ${this.tableName} (${cols})`);
    this.created = true;
  }

  /** Moves the batch's rows into DuckDB, a 2048-row chunk at a time. */
  async stage(): Promise<void> {
    const rows = this.batch.rows;
    if (rows === 0) return;
    await this.ensureTable();
    const appender = await this.engine.conn.createAppender(this.tableName);
    const chunk = DuckDBDataChunk.create(this.types);
    for (let from = 0; from < rows; from += CHUNK) {
      const n = Math.min(CHUNK, rows - from);
      chunk.reset();
      chunk.rowCount = n;
      this.batch.columns.forEach((col, j) => {
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, j);
        if (col.physical === 'str') {
          let mask: Uint8Array | null = null;
          for (let i = 0; i < n; i++) {
            const s = col.stringAt(from + i);
            if (s === null) (mask ??= validMask(n))[i >> 3] &= ~(1 << (i & 7));
            else duckdb.vector_assign_string_element(vector, i, s);
          }
          if (mask) setValidity(vector, mask);
          return;
        }
        const values = col.numbers(from, n);
        duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
        const valid = col.validity(from, n);
        if (valid) {
          const mask = validMask(n);
          for (let i = 0; i < n; i++) if (!valid[i]) mask[i >> 3] &= ~(1 << (i & 7));
          setValidity(vector, mask);
        }
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    this.stagedRows += rows;
    this.batch.clear();
  }

  /** The SELECT list: every schema column, generated or filled, cast to its Parquet type. */
  private selectList(): string {
    const generated = new Map(this.generated.map(([n, p]) => [n, p] as const));
    return this.schema.columns
      .map((c) => {
        const target = c.type;
        if (generated.has(c.name)) {
          const physical = PHYSICAL_SQL[generated.get(c.name)!];
          return physical === target ? quote(c.name) : `CAST(${quote(c.name)} AS ${target}) AS ${quote(c.name)}`;
        }
        return `CAST(${c.fill ?? 'NULL'} AS ${target}) AS ${quote(c.name)}`;
      })
      .join(', ');
  }

  /** Writes every staged row to `path` as Parquet and empties the stage. */
  async writeFile(path: string, options: WriteOptions): Promise<number> {
    await this.stage();
    const rows = this.stagedRows;
    const kv = Object.entries(options.metadata)
      .map(([k, v]) => `${quote(k)}: ${sqlString(v)}`)
      .join(', ');
    const source = this.created ? this.tableName : '(SELECT 1 WHERE false)';
    await this.engine.conn.run(
      `COPY (SELECT ${this.selectList()} FROM ${source}) TO ${sqlString(path)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${options.rowGroupSize}, KV_METADATA {${kv}})`,
    );
    // Dropped rather than emptied: DuckDB gives a dropped table's memory back.
    await this.drop();
    this.stagedRows = 0;
    return rows;
  }

  async drop(): Promise<void> {
    if (this.created) await this.engine.conn.run(`DROP TABLE IF EXISTS ${this.tableName}`);
    this.created = false;
  }
}
