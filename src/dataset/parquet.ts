// Parquet through DuckDB: a file's generated rows wait in typed JS columns until one COPY reads them
// through a table function, adds the filled columns, casts to the schema's types and encodes ZSTD.
// No staging table: DuckDB sees each row once, and strings cross as dictionary codes (ENUM) rather
// than one call per value.
import duckdb from '@duckdb/node-bindings';
import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTableFunction,
  ENUM,
  INTEGER,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import type { TableSchema } from '../snds/schema.js';
import { Batch, CHUNK, type ColumnBuffer, type Physical } from '../snds/columns.js';
import { quote, sqlString } from '../util/sql.js';

const PHYSICAL_TYPES: Record<Exclude<Physical, 'str'>, DuckDBType> = {
  int: INTEGER,
  double: DOUBLE,
  date: DATE,
  bool: BOOLEAN,
};
const PHYSICAL_SQL: Record<Physical, string> = {
  int: 'INTEGER',
  double: 'DOUBLE',
  date: 'DATE',
  bool: 'BOOLEAN',
  str: 'VARCHAR',
};

/** Batches being written, by the id their COPY passes to the table function. */
const scans = new Map<number, Batch>();
let nextScan = 0;

/**
 * How one column is handed over: numbers as they are; strings as ENUM codes (narrowed to 8 bits for
 * an enum of fewer than 256 values), or one by one once the column gave up its dictionary; a string
 * column of NULLs only as its validity mask alone.
 */
interface Lane {
  column: ColumnBuffer;
  enum: 'none' | 'u8' | 'u16';
}

function lanes(batch: Batch, addColumn: (name: string, type: DuckDBType) => void): Lane[] {
  return batch.columns.map((column) => {
    if (column.physical !== 'str') {
      addColumn(column.name, PHYSICAL_TYPES[column.physical]);
      return { column, enum: 'none' };
    }
    const values = column.dictionary();
    if (!values || values.length === 0) {
      addColumn(column.name, VARCHAR);
      return { column, enum: 'none' };
    }
    const type = ENUM(values);
    addColumn(column.name, type);
    return {
      column,
      enum: duckdb.enum_internal_type(type.toLogicalType().logical_type) === duckdb.Type.UTINYINT ? 'u8' : 'u16',
    };
  });
}

/** A validity bitmask from one byte a row, in whole 64-bit words as DuckDB stores it. */
function validityMask(valid: Uint8Array, rows: number): Uint8Array {
  const mask = new Uint8Array(8 * Math.ceil(rows / 64)).fill(0xff);
  for (let i = 0; i < rows; i++) if (!valid[i]) mask[i >> 3] &= ~(1 << (i & 7));
  return mask;
}

const narrowed = new Uint8Array(CHUNK);

function copyChunk({ column, enum: codes }: Lane, c: number, rows: number, vector: duckdb.Vector): void {
  const valid = column.validity(c);
  if (column.plainStrings) {
    const strings = column.strings(c);
    for (let i = 0; i < rows; i++) if (!valid || valid[i]) duckdb.vector_assign_string_element(vector, i, strings[i]!);
  } else if (column.physical !== 'str' || codes !== 'none') {
    const values = column.numbers(c).subarray(0, rows);
    const data = codes === 'u8' ? (narrowed.set(values), narrowed.subarray(0, rows)) : values;
    duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }
  if (valid) {
    const mask = validityMask(valid, rows);
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
  }
}

/** `staged_rows(id)`: the rows of one batch, a chunk at a time, in the order they were generated. */
function stagedRows(): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: 'staged_rows',
    parameterTypes: [INTEGER],
    bindFunction: (info) => {
      const batch = scans.get(Number(info.getParameter(0)));
      if (!batch) return info.setError('no such staged batch');
      info.setBindData({ batch, lanes: lanes(batch, (name, type) => info.addResultColumn(name, type)) });
    },
    initFunction: (info) => info.setInitData({ chunk: 0 }),
    mainFunction: (info, output) => {
      const { batch, lanes } = info.bindData as { batch: Batch; lanes: Lane[] };
      const state = info.initData as { chunk: number };
      const c = state.chunk++;
      const rows = Math.max(0, Math.min(CHUNK, batch.columns[0].length - c * CHUNK));
      output.rowCount = rows;
      if (rows > 0) batch.load(c);
      lanes.forEach((lane, j) => rows > 0 && copyChunk(lane, c, rows, duckdb.data_chunk_get_vector(output.chunk, j)));
    },
  });
}

/** One DuckDB instance per process, single-threaded so that file bytes never depend on scheduling. */
export class ParquetEngine {
  private constructor(
    readonly db: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(): Promise<ParquetEngine> {
    const db = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true' });
    const conn = await db.connect();
    conn.registerTableFunction(stagedRows());
    return new ParquetEngine(db, conn);
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

/** Rows of one table held until they are written as one Parquet file. */
export class StagedTable {
  readonly batch: Batch;

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
  }

  get stagedRows(): number {
    return this.batch.rows;
  }

  /** The SELECT list: every schema column, generated or filled, cast to its Parquet type. */
  private selectList(): string {
    const generated = new Map(this.generated.map(([n, p]) => [n, p] as const));
    return this.schema.columns
      .map((c) => {
        const q = quote(c.name);
        const physical = generated.get(c.name);
        if (!physical) return `CAST(${c.fill ?? 'NULL'} AS ${c.type}) AS ${q}`;
        if (physical !== 'str' && PHYSICAL_SQL[physical] === c.type) return q;
        // Strings may arrive as ENUM codes: their cast to VARCHAR gives back the values.
        return `CAST(${physical === 'str' ? `CAST(${q} AS VARCHAR)` : q} AS ${c.type}) AS ${q}`;
      })
      .join(', ');
  }

  /** Writes every staged row to `path` as Parquet and empties the stage. */
  async writeFile(path: string, options: WriteOptions): Promise<number> {
    const rows = this.stagedRows;
    const kv = Object.entries(options.metadata)
      .map(([k, v]) => `${quote(k)}: ${sqlString(v)}`)
      .join(', ');
    const id = nextScan++;
    scans.set(id, this.batch);
    try {
      await this.engine.conn.run(
        `COPY (SELECT ${this.selectList()} FROM staged_rows(${id})) TO ${sqlString(path)} ` +
          `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${options.rowGroupSize}, KV_METADATA {${kv}})`,
      );
    } finally {
      scans.delete(id);
    }
    this.batch.clear();
    return rows;
  }
}
